import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { createApiToken } from '../bootstrap.js';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
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
});

function tokenReply(t: ApiTokenRecord) {
  return { id: t.id, name: t.name, role: t.role, createdAt: iso(t.createdAt), lastUsedAt: iso(t.lastUsedAt) };
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
        tags,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.String({ enum: ['owner', 'admin', 'viewer'] }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([TokenReply, Type.Object({ token: Type.String() })]) },
      },
    },
    async (request, reply) => {
      const { organizationId } = requireRole(request, 'owner');
      const body = request.body as { name: string; role: Role };
      const token = await createApiToken(store, clock, organizationId, body.name, body.role);
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
