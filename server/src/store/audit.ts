import { sql } from 'kysely';
import type { Db } from './db.js';
import { sorted, type SortRequest, type SortSpec } from './sort.js';
import type { Page, PageRequest } from './page.js';

export interface AuditActor {
  type: 'user' | 'token';
  id: string;
  name: string;
}

export interface AuditEvent {
  id: string;
  at: number;
  actor: AuditActor;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  resourceType?: string;
  resourceId?: string;
  action?: string;
  /** Matches the actor's name or id. */
  actor?: string;
  since?: number;
  until?: number;
}

export const AUDIT_SORTS = ['at', 'actor', 'action', 'resourceType'] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];

const auditSorts: SortSpec<AuditSort> = {
  columns: {
    at: { expression: sql.ref('at') },
    actor: { expression: sql.ref('actor_name'), text: true },
    action: { expression: sql.ref('action'), text: true },
    resourceType: { expression: sql.ref('resource_type'), text: true },
  },
  default: { sort: 'at', order: 'desc' },
  id: 'id',
};

/** The audit log: who changed what, when, with the values before and after. Append-only. */
export class AuditStore {
  constructor(private readonly db: Db) {}

  async record(organizationId: string, event: AuditEvent): Promise<void> {
    await this.db.kysely
      .insertInto('audit_event')
      .values({
        id: event.id,
        organization_id: organizationId,
        at: event.at,
        actor_type: event.actor.type,
        actor_id: event.actor.id,
        actor_name: event.actor.name,
        action: event.action,
        resource_type: event.resourceType,
        resource_id: event.resourceId,
        before_json: event.before === undefined || event.before === null ? null : JSON.stringify(event.before),
        after_json: event.after === undefined || event.after === null ? null : JSON.stringify(event.after),
      })
      .execute();
  }

  /** Whether an entry of this record and action was written at or after `since`. */
  async recordedSince(organizationId: string, entry: { resourceType: string; resourceId: string; action: string }, since: number): Promise<boolean> {
    const row = await this.db.kysely
      .selectFrom('audit_event')
      .select('id')
      .where('organization_id', '=', organizationId)
      .where('at', '>=', since)
      .where('resource_type', '=', entry.resourceType)
      .where('resource_id', '=', entry.resourceId)
      .where('action', '=', entry.action)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Events newest first unless sorted otherwise. */
  async list(organizationId: string, filter: AuditFilter & PageRequest & SortRequest<AuditSort>): Promise<Page<AuditEvent>> {
    let query = this.db.kysely.selectFrom('audit_event').where('organization_id', '=', organizationId);
    if (filter.resourceType) query = query.where('resource_type', '=', filter.resourceType);
    if (filter.resourceId) query = query.where('resource_id', '=', filter.resourceId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.actor) {
      const actor = filter.actor;
      query = query.where((eb) => eb.or([eb('actor_name', '=', actor), eb('actor_id', '=', actor)]));
    }
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    const [rows, count] = await Promise.all([
      sorted(query.selectAll(), this.db.dialect, auditSorts, filter).limit(filter.limit).offset(filter.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: Number(r.at),
        actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
        action: r.action,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        before: r.before_json === null ? null : (JSON.parse(r.before_json) as unknown),
        after: r.after_json === null ? null : (JSON.parse(r.after_json) as unknown),
      })),
      total: Number(count.n),
    };
  }
}
