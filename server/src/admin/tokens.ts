import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { createApiToken } from '../bootstrap.js';
import { atLeast, requireRole } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import { IdParams, Timestamp, iso } from '../http/schemas.js';
import type { Role } from '../store/schema.js';
import type { ApiTokenRecord } from '../store/tokens.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';

const tags = ['tokens'];

const TokenReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String({ enum: ['owner', 'admin', 'viewer'] }),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  createdBy: Type.Union([Type.Object({ id: Type.String(), username: Type.String() }), Type.Null()], {
    description: 'The user the token acts for: it never has more rights than they have now, and is deleted with them. null: made by the operator (the CLI) or before creators were recorded.',
  }),
});

function tokenReply(t: ApiTokenRecord) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: iso(t.createdAt),
    lastUsedAt: iso(t.lastUsedAt),
    createdBy: t.createdBy && { id: t.createdBy.id, username: t.createdBy.username },
  };
}

/** API tokens, managed by owners. A new token is shown once; only its hash is kept. */
export const tokenRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, clock } = deps;

  app.get('/tokens', { schema: { summary: 'List API tokens (owner)', tags, response: { 200: Type.Object({ items: Type.Array(TokenReply) }) } } }, async (request) => {
    const { organizationId } = requireRole(request, 'owner');
    return { items: (await store.tokens.list(organizationId)).map(tokenReply) };
  });

  app.post(
    '/tokens',
    {
      schema: {
        summary: 'Create an API token (owner); the reply is the only time the token is shown',
        description: 'The token acts for the user who creates it (or for the same user as the token used): it never has more rights than that user has at each request, and is deleted with their account.',
        tags,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.String({ enum: ['owner', 'admin', 'viewer'] }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([TokenReply, Type.Object({ token: Type.String() })]) },
      },
    },
    async (request, reply) => {
      const { organizationId, role, userId } = requireRole(request, 'owner');
      const body = request.body as { name: string; role: Role };
      if (!atLeast(role, body.role)) throw new ApiError(403, 'FORBIDDEN', `a token cannot have more rights than you: you have the ${role} role`);
      // The new token acts for the same user as the caller: a token made with a token is that user's too.
      const token = await createApiToken(store, clock, organizationId, body.name, body.role, userId);
      const record = (await store.tokens.get(token.id))!;
      await recordChange(deps, request, { action: 'create', resourceType: 'token', resourceId: record.id, after: tokenReply(record) });
      return reply.code(201).send({ ...tokenReply(record), token: token.token });
    },
  );

  app.delete('/tokens/:id', { schema: { summary: 'Revoke an API token (owner)', tags, params: IdParams } }, async (request, reply) => {
    const { organizationId } = requireRole(request, 'owner');
    const id = (request.params as { id: string }).id;
    const revoked = await store.tokens.revoke(organizationId, id);
    if (!revoked) throw notFound('token');
    await recordChange(deps, request, { action: 'delete', resourceType: 'token', resourceId: id, before: tokenReply(revoked) });
    return reply.code(204).send();
  });
};
