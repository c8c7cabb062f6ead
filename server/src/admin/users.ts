import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { requireRole } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { IdParams, PageOf, PageQuery, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { Role } from '../store/schema.js';
import type { AdminUser } from '../store/users.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';
import { Password, refuseBusy } from './session.js';

const tags = ['users'];
const ROLES = ['owner', 'admin', 'viewer'];

export const UserReply = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  role: Type.String({ enum: ROLES }),
  createdAt: Timestamp,
});

export function userReply(u: AdminUser) {
  return { id: u.id, username: u.username, displayName: u.displayName, email: u.email, role: u.role, createdAt: iso(u.createdAt) };
}

const Username = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.@-]+$', description: 'Letters, digits, _ . @ -; unique across the server, whatever the case: Admin is taken when admin exists.' });
const Email = Type.Union([Type.String({ format: 'email', maxLength: 320 }), Type.Null()]);
const DisplayName = Type.String({ minLength: 1, maxLength: 200 });
const RoleField = Type.String({ enum: ROLES, description: 'owner: everything, including users and tokens; admin: the catalog; viewer: read only.' });

/** The people who administer the organization. Everyone may list them; only owners change them. */
export const userRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, clock } = deps;

  app.get('/users', { schema: { summary: 'List users', tags, querystring: Type.Object(PageQuery), response: { 200: PageOf(UserReply) } } }, async (request) => {
    const page = pageOf(request.query as { limit?: number; offset?: number });
    const result = await store.users.list(request.principal!.organizationId, page);
    return { items: result.items.map(userReply), total: result.total, ...page };
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
    async (request, reply) => {
      const { organizationId } = requireRole(request, 'owner');
      const body = request.body as { username: string; displayName: string; email?: string | null; role: Role; password: string };
      const hashed = await deps.passwords.hash(body.password);
      if (!hashed.done) refuseBusy(reply);
      const user = await store.users.create({
        id: randomUUID(),
        organizationId,
        username: body.username,
        displayName: body.displayName,
        email: body.email ?? null,
        role: body.role,
        createdAt: clock.now(),
        passwordHash: hashed.value,
      });
      await recordChange(deps, request, { action: 'create', resourceType: 'user', resourceId: user.id, after: userReply(user) });
      return reply.code(201).send(userReply(user));
    },
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
    async (request) => {
      const { organizationId } = requireRole(request, 'owner');
      const id = (request.params as { id: string }).id;
      const before = await store.users.get(organizationId, id);
      if (!before) throw notFound('user');
      const user = await store.users.update(organizationId, id, request.body as { displayName?: string; email?: string | null; role?: Role });
      if (!user) throw notFound('user');
      await recordChange(deps, request, { action: 'update', resourceType: 'user', resourceId: id, before: userReply(before), after: userReply(user) });
      return userReply(user);
    },
  );

  app.delete('/users/:id', { schema: { summary: 'Remove a user (owner); the last owner cannot be removed', tags, params: IdParams } }, async (request, reply) => {
    const { organizationId } = requireRole(request, 'owner');
    const id = (request.params as { id: string }).id;
    const removed = await store.users.delete(organizationId, id);
    if (!removed) throw notFound('user');
    await recordChange(deps, request, { action: 'delete', resourceType: 'user', resourceId: id, before: userReply(removed) });
    return reply.code(204).send();
  });

  app.post(
    '/users/:id/password',
    { schema: { summary: "Reset a user's password (owner); their sessions end", tags, params: IdParams, body: Type.Object({ password: Password }, { additionalProperties: false }) } },
    async (request, reply) => {
      const { organizationId } = requireRole(request, 'owner');
      const id = (request.params as { id: string }).id;
      const user = await store.users.get(organizationId, id);
      if (!user) throw notFound('user');
      const hashed = await deps.passwords.hash((request.body as { password: string }).password);
      if (!hashed.done) refuseBusy(reply);
      await store.users.setPassword(id, hashed.value);
      await recordChange(deps, request, { action: 'reset_password', resourceType: 'user', resourceId: id });
      return reply.code(204).send();
    },
  );
};
