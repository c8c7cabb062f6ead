import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, PageOf, PageQuery, pageOf } from '../http/schemas.js';
import { UserService } from '../services/user-service.js';
import type { AdminDeps } from './deps.js';
import { DisplayName, Email, Password, RoleField, UserReply, Username } from './user-schemas.js';

const tags = ['users'];

/** The people who administer the organization. Everyone may list them; only owners change them. */
export const userRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const users = new UserService(deps);

  app.get('/users', { schema: { summary: 'List users', tags, querystring: Type.Object(PageQuery), response: { 200: PageOf(UserReply) } } }, async (request, reply) => {
    const page = pageOf(request.query);
    return { ...valueOf(await users.list(callerOf(request), page), reply), ...page };
  });

  app.post(
    '/users',
    {
      schema: {
        summary: 'Create a user (owner)',
        tags,
        body: Type.Object({ username: Username, displayName: DisplayName, email: Type.Optional(Email), role: RoleField, password: Password }, { additionalProperties: false }),
        response: { 201: UserReply },
      },
    },
    async (request, reply) => reply.code(201).send(valueOf(await users.create(callerOf(request), request.body), reply)),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        summary: 'Change a user (owner); the last owner cannot be demoted',
        tags,
        params: IdParams,
        body: Type.Object({ displayName: Type.Optional(DisplayName), email: Type.Optional(Email), role: Type.Optional(RoleField) }, { additionalProperties: false }),
        response: { 200: UserReply },
      },
    },
    async (request, reply) => valueOf(await users.update(callerOf(request), request.params.id, request.body), reply),
  );

  app.delete('/users/:id', { schema: { summary: 'Remove a user (owner); the last owner cannot be removed', tags, params: IdParams } }, async (request, reply) => {
    valueOf(await users.delete(callerOf(request), request.params.id), reply);
    return reply.code(204).send();
  });

  app.post(
    '/users/:id/password',
    { schema: { summary: "Reset a user's password (owner); their sessions end", tags, params: IdParams, body: Type.Object({ password: Password }, { additionalProperties: false }) } },
    async (request, reply) => {
      valueOf(await users.resetPassword(callerOf(request), request.params.id, request.body.password), reply);
      return reply.code(204).send();
    },
  );
};
