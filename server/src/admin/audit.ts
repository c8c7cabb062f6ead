import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { PageOf, PageQuery, StringEnum, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { AuditEvent } from '../store/audit.js';
import { REFERENCE_TYPES, type Reference, type ReferenceType } from '../store/audit-references.js';
import { AuditFilterQuery, auditFilterOf } from './audit-query.js';
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

const ReferenceReply = Type.Object(
  {
    type: StringEnum(REFERENCE_TYPES),
    id: Type.String(),
    name: Type.Union([Type.String(), Type.Null()], { description: 'Its name now; once deleted, the name its deletion recorded (null when none was).' }),
    exists: Type.Boolean({ description: 'false: deleted since.' }),
  },
  { description: "A record the page's entries name (target, actor, or an id in their values): a license is called by its customer's name." },
);

const isReferenceType = (type: string): type is ReferenceType => (REFERENCE_TYPES as readonly string[]).includes(type);

/** Ids in a recorded value that name other records, by the field they are in. */
function referencesIn(view: unknown, into: Reference[]): void {
  if (typeof view !== 'object' || view === null) return;
  const v = view as Record<string, unknown>;
  const one = (field: string, type: ReferenceType) => typeof v[field] === 'string' && into.push({ type, id: v[field] });
  one('customerId', 'customer');
  one('productId', 'product');
  one('licenseId', 'license');
  if (Array.isArray(v.featureIds)) for (const id of v.featureIds) if (typeof id === 'string') into.push({ type: 'feature', id });
  const createdBy = v.createdBy as { id?: unknown } | null | undefined;
  if (typeof createdBy?.id === 'string') into.push({ type: 'user', id: createdBy.id });
}

/** Every record a page of entries names: targets, actors, and the ids their values hold. */
function referencesOf(events: readonly AuditEvent[]): Reference[] {
  const refs: Reference[] = [];
  for (const e of events) {
    if (e.resourceId && isReferenceType(e.resourceType)) refs.push({ type: e.resourceType, id: e.resourceId });
    refs.push({ type: e.actor.type, id: e.actor.id });
    referencesIn(e.before, refs);
    referencesIn(e.after, refs);
  }
  return refs;
}

/** The audit log: every change made through the admin API or the web app, newest first. */
export const auditRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, { store }) => {
  app.get(
    '/audit',
    {
      schema: {
        summary: 'List audit events, newest first',
        tags: ['audit'],
        querystring: Type.Object({ ...PageQuery, ...AuditFilterQuery }),
        response: { 200: Type.Object({ ...PageOf(AuditReply).properties, references: Type.Array(ReferenceReply) }) },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const page = pageOf(query);
      const filter = valueOf(auditFilterOf(query), reply);
      const { organizationId } = callerOf(request);
      // A read: the store answers it directly, with the caller's organization.
      const result = await store.audit.list(organizationId, { ...page, ...filter });
      const references = await store.auditReferences.resolve(organizationId, referencesOf(result.items));
      return { items: result.items.map((e) => ({ ...e, at: iso(e.at) })), total: result.total, ...page, references };
    },
  );
};
