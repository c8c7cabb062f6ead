import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf } from '../http/outcome.js';
import { PageOf, PageQuery, StringEnum, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { AdminDeps } from './deps.js';

const AuditReply = Type.Object({
  id: Type.String(),
  at: Timestamp,
  actor: Type.Object({ type: StringEnum(['user', 'token']), id: Type.String(), name: Type.String() }),
  action: Type.String({ description: 'create, update, delete, release, rotate, change_password, reset_password, ...' }),
  resourceType: Type.String({ description: 'product, feature, customer, license, lease, organization, user, token' }),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'The resource before the change, as the API shows it; null for a creation.' }),
  after: Type.Unknown({ description: 'The resource after the change; null for a deletion.' }),
});

const text = Type.Optional(Type.String({ maxLength: 200 }));

/** The audit log: every change made through the admin API or the web app, newest first. */
export const auditRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, { store }) => {
  app.get(
    '/audit',
    {
      schema: {
        summary: 'List audit events, newest first',
        tags: ['audit'],
        querystring: Type.Object({
          ...PageQuery,
          resourceType: text,
          resourceId: text,
          action: text,
          actor: Type.Optional(Type.String({ maxLength: 200, description: 'Actor name (username or token name) or id.' })),
          since: Type.Optional(Type.String({ format: 'date-time' })),
          until: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: { 200: PageOf(AuditReply) },
      },
    },
    async (request) => {
      const { query } = request;
      const page = pageOf(query);
      // A read: the store answers it directly, with the caller's organization.
      const result = await store.audit.list(callerOf(request).organizationId, {
        ...page,
        resourceType: query.resourceType,
        resourceId: query.resourceId,
        action: query.action,
        actor: query.actor,
        since: query.since === undefined ? undefined : Date.parse(query.since),
        until: query.until === undefined ? undefined : Date.parse(query.until),
      });
      return { items: result.items.map((e) => ({ ...e, at: iso(e.at) })), total: result.total, ...page };
    },
  );
};
