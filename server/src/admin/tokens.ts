import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, StringEnum, Timestamp } from '../http/schemas.js';
import { ROLES } from '../services/roles.js';
import { MAX_TOKEN_LIFETIME_DAYS, TokenService } from '../services/token-service.js';
import type { AdminDeps } from './deps.js';

const tags = ['tokens'];

const TokenReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: StringEnum(ROLES),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'From this time on the token is refused (401, as an unknown token); null: it never expires.' }),
  expired: Type.Boolean({ description: 'Whether the token is past its expiry now.' }),
  createdBy: Type.Union([Type.Object({ id: Type.String(), username: Type.String() }), Type.Null()], {
    description: 'The user the token acts for: it never has more rights than they have now, and is deleted with them. null: made by the operator (the CLI) or before creators were recorded.',
  }),
});

/** API tokens, managed by owners. A new token is shown once; only its hash is kept. */
export const tokenRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const tokens = new TokenService(deps);

  app.get('/tokens', { schema: { summary: 'List API tokens (owner)', tags, response: { 200: Type.Object({ items: Type.Array(TokenReply) }) } } }, async (request, reply) =>
    valueOf(await tokens.list(callerOf(request)), reply),
  );

  app.post(
    '/tokens',
    {
      schema: {
        summary: 'Create an API token (owner); the reply is the only time the token is shown',
        description:
          'The token acts for the user who creates it (or for the same user as the token used): it never has more rights than that user has at each request, and is deleted with their account.',
        tags,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            role: StringEnum(ROLES),
            expiresAt: Type.Optional(
              Type.Union([Type.String({ format: 'date-time', maxLength: 40 }), Type.Null()], {
                description: `When the token stops being accepted: after now and at most ${MAX_TOKEN_LIFETIME_DAYS} days ahead. Absent or null: never.`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([TokenReply, Type.Object({ token: Type.String() })]) },
      },
    },
    async (request, reply) => reply.code(201).send(valueOf(await tokens.create(callerOf(request), request.body), reply)),
  );

  app.delete('/tokens/:id', { schema: { summary: 'Revoke an API token (owner)', tags, params: IdParams } }, async (request, reply) => {
    valueOf(await tokens.revoke(callerOf(request), request.params.id), reply);
    return reply.code(204).send();
  });
};
