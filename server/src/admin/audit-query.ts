// The audit log's filters and order, parsed in one place for the list and its CSV export.
import { Type, type Static } from 'typebox';
import { SortQuery } from '../http/schemas.js';
import { AUDIT_SORTS, type AuditFilter, type AuditSort } from '../store/audit.js';
import type { SortRequest } from '../store/sort.js';

const text = Type.Optional(Type.String({ maxLength: 200 }));

/** The query fields that narrow and order the audit log (the list adds its page). */
export const AuditQuery = {
  resourceType: text,
  resourceId: text,
  action: text,
  actor: Type.Optional(Type.String({ maxLength: 200, description: 'Actor name (username or token name) or id.' })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  ...SortQuery(AUDIT_SORTS, 'at, newest first'),
};

/** The same fields as one object schema. */
export const AuditQueryObject = Type.Object(AuditQuery);

/** The store's filter and order from a checked query. */
export function auditFilterOf(query: Static<typeof AuditQueryObject>): AuditFilter & SortRequest<AuditSort> {
  return {
    resourceType: query.resourceType,
    resourceId: query.resourceId,
    action: query.action,
    actor: query.actor,
    since: query.since === undefined ? undefined : Date.parse(query.since),
    until: query.until === undefined ? undefined : Date.parse(query.until),
    sort: query.sort,
    order: query.order,
  };
}
