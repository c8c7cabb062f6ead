// The audit log's filters and order, parsed in one place for the list and its CSV export.
import { Type, type Static } from 'typebox';
import { SortQuery } from '../http/schemas.js';
import { invalid, ok, type Outcome } from '../services/outcome.js';
import { AUDIT_SORTS, type AuditFilter, type AuditSort } from '../store/audit.js';
import type { SortRequest } from '../store/sort.js';

const text = Type.Optional(Type.String({ maxLength: 200 }));
const time = (description: string) => Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description }));

/**
 * What the audit log can be narrowed to and ordered by, as query parameters: the one definition
 * that every reading of the log (the list, the export) takes its filters from, with `auditFilterOf`.
 */
export const AuditFilterQuery = {
  resourceType: text,
  resourceId: text,
  action: text,
  actor: Type.Optional(Type.String({ maxLength: 200, description: 'Actor name (username or token name) or id.' })),
  from: time('Entries at or after this time.'),
  to: time('Entries before this time (exclusive): the day after the last day shown, for a range of days.'),
  since: time('Deprecated: the same as `from`.'),
  until: time('Deprecated: the same as `to`.'),
  ...SortQuery(AUDIT_SORTS, 'at, newest first'),
};

export const AuditFilterQuerySchema = Type.Object(AuditFilterQuery);
export type AuditFilterParams = Static<typeof AuditFilterQuerySchema>;

/** The store's filter and order from the query's parameters; a time that is no time, or a range that ends before it starts, is refused. */
export function auditFilterOf(query: AuditFilterParams): Outcome<AuditFilter & SortRequest<AuditSort>> {
  const from = query.from ?? query.since;
  const to = query.to ?? query.until;
  const fromMs = from === undefined ? undefined : Date.parse(from);
  const toMs = to === undefined ? undefined : Date.parse(to);
  if (fromMs !== undefined && !Number.isFinite(fromMs)) return invalid('querystring.from is not a valid date-time', [{ field: 'from', message: 'not a valid date-time' }]);
  if (toMs !== undefined && !Number.isFinite(toMs)) return invalid('querystring.to is not a valid date-time', [{ field: 'to', message: 'not a valid date-time' }]);
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) return invalid('querystring.to is before querystring.from', [{ field: 'to', message: 'before from' }]);
  return ok({ resourceType: query.resourceType, resourceId: query.resourceId, action: query.action, actor: query.actor, since: fromMs, until: toMs, sort: query.sort, order: query.order });
}
