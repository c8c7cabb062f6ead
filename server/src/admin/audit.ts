import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf } from '../http/outcome.js';
import { PageOf, PageQuery, StringEnum, Timestamp, iso, pageOf } from '../http/schemas.js';
import { AuditQuery, auditFilterOf } from './audit-query.js';
import type { AdminDeps } from './deps.js';

export const AuditReply = Type.Object({
  id: Type.String(),
  at: Timestamp,
  actor: Type.Object({ type: StringEnum(['user', 'token']), id: Type.String(), name: Type.String() }),
  action: Type.String({ description: 'create, update, delete, release, rotate, change_password, reset_password, ...' }),
  resourceType: Type.String({ description: 'product, feature, customer, license, lease, organization, user, token' }),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'The resource before the change, as the API shows it; null for a creation.' }),
  after: Type.Unknown({ description: 'The resource after the change; null for a deletion.' }),
});

/** The audit log: every change made through the admin API or the web app, newest first. */
export const auditRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, { store }) => {
  app.get(
    '/audit',
    {
      schema: {
        summary: 'List audit events, newest first',
        tags: ['audit'],
        querystring: Type.Object({ ...PageQuery, ...AuditQuery }),
        response: { 200: PageOf(AuditReply) },
      },
    },
    async (request) => {
      const { query } = request;
      const page = pageOf(query);
      // A read: the store answers it directly, with the caller's organization.
      const result = await store.audit.list(callerOf(request).organizationId, { ...page, ...auditFilterOf(query) });
      return { items: result.items.map((e) => ({ ...e, at: iso(e.at) })), total: result.total, ...page };
    },
  );
};
