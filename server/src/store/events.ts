import { sql, type Kysely } from 'kysely';
import type { AuditActor } from './audit.js';
import type { Db, Dialect } from './db.js';
import type { Database } from './schema.js';

/**
 * A position in the outbox. Events are read in (tx, id) order: on SQLite tx is 0 and ids follow
 * commit order; on PostgreSQL tx is the writing transaction's id (see migration 007).
 */
export interface EventCursor {
  tx: number;
  id: number;
}

export const START: EventCursor = { tx: 0, id: 0 };

/** What a change records about itself; the organization and the time come from the change. */
export interface NewDomainEvent {
  /** Dotted, `<resource>.<what happened>`: `license.updated`, `lease.obtained`, ... */
  type: string;
  /** The record the event is about. */
  subject?: { type: string; id: string | null };
  /** Who made the change; none for a licensing call or the server itself (housekeeping). */
  actor?: AuditActor | null;
  /** JSON-serializable; never a secret (key codes masked, no password or token secret). */
  data: unknown;
}

export interface DomainEvent {
  cursor: EventCursor;
  organizationId: string;
  type: string;
  at: number;
  subject: { type: string; id: string | null } | null;
  actor: AuditActor | null;
  data: unknown;
}

/**
 * Inserts events with `executor`, which must be the transaction of the change they record: the
 * change and its events commit together or not at all. The store's own transactions (a lease
 * claim) call this directly; services go through `EventStore.append`.
 */
export async function insertEvents(executor: Kysely<Database>, organizationId: string, at: number, events: readonly NewDomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await executor
    .insertInto('domain_event')
    .values(
      events.map((event) => ({
        organization_id: organizationId,
        type: event.type,
        at,
        subject_type: event.subject?.type ?? null,
        subject_id: event.subject?.id ?? null,
        actor_type: event.actor?.type ?? null,
        actor_id: event.actor?.id ?? null,
        actor_name: event.actor?.name ?? null,
        data: JSON.stringify(event.data ?? null),
      })),
    )
    .execute();
}

/** Rows a reader may take: on PostgreSQL only those of transactions older than every running one. */
function visible(dialect: Dialect) {
  return dialect === 'postgres' ? sql<boolean>`tx < pg_snapshot_xmin(pg_current_snapshot())` : sql<boolean>`1 = 1`;
}

/** The outbox: every change's events, appended in the change's transaction, read in commit order. */
export class EventStore {
  constructor(private readonly db: Db) {}

  /**
   * Appends events in the current transaction: a store built by `Store.transaction`. Outside one
   * this throws, because an event written apart from its change could outlive a change that was
   * rolled back, or be lost when the change commits.
   */
  async append(organizationId: string, at: number, events: readonly NewDomainEvent[]): Promise<void> {
    if (!this.db.inTransaction) throw new Error('domain events are appended in the transaction of their change (Store.transaction)');
    await insertEvents(this.db.kysely, organizationId, at, events);
  }

  /** Up to `limit` events after `cursor`, oldest first; never one that a transaction still running could precede. */
  async after(cursor: EventCursor, limit: number): Promise<DomainEvent[]> {
    const db = this.db.kysely;
    const tx = this.db.dialect === 'postgres' ? sql<string>`tx::text` : sql<string>`tx`;
    const later = this.db.dialect === 'postgres' ? sql<boolean>`(tx, id) > (${String(cursor.tx)}::xid8, ${cursor.id})` : sql<boolean>`id > ${cursor.id}`;
    const rows = await db
      .selectFrom('domain_event')
      .select(['id', tx.as('tx'), 'organization_id', 'type', 'at', 'subject_type', 'subject_id', 'actor_type', 'actor_id', 'actor_name', 'data'])
      .where(later)
      .where(visible(this.db.dialect))
      .orderBy('tx')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      cursor: { tx: Number(row.tx), id: Number(row.id) },
      organizationId: row.organization_id,
      type: row.type,
      at: Number(row.at),
      subject: row.subject_type === null ? null : { type: row.subject_type, id: row.subject_id },
      actor: row.actor_type === null ? null : { type: row.actor_type as AuditActor['type'], id: row.actor_id ?? '', name: row.actor_name ?? '' },
      data: JSON.parse(row.data) as unknown,
    }));
  }

  /** The cursor just past the newest event a reader may take now: where a subscriber that starts "from now" begins. */
  async end(): Promise<EventCursor> {
    const tx = this.db.dialect === 'postgres' ? sql<string>`tx::text` : sql<string>`tx`;
    const row = await this.db.kysely
      .selectFrom('domain_event')
      .select(['id', tx.as('tx')])
      .where(visible(this.db.dialect))
      .orderBy('tx', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { tx: Number(row.tx), id: Number(row.id) } : START;
  }

  /** An organization's events, newest first: for reading the record, not for delivery. */
  async list(organizationId: string, options: { types?: readonly string[]; limit: number }): Promise<DomainEvent[]> {
    let query = this.db.kysely.selectFrom('domain_event').selectAll().where('organization_id', '=', organizationId);
    if (options.types && options.types.length > 0) query = query.where('type', 'in', [...options.types]);
    const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((row) => ({
      cursor: { tx: Number(row.tx), id: Number(row.id) },
      organizationId: row.organization_id,
      type: row.type,
      at: Number(row.at),
      subject: row.subject_type === null ? null : { type: row.subject_type, id: row.subject_id },
      actor: row.actor_type === null ? null : { type: row.actor_type as AuditActor['type'], id: row.actor_id ?? '', name: row.actor_name ?? '' },
      data: JSON.parse(row.data) as unknown,
    }));
  }

  /**
   * Deletes up to `limit` events older than `cutoff` that every live subscription has passed;
   * returns how many. A subscriber that is behind keeps its events, however old, as long as some
   * instance still runs it (its row was touched since `cutoff`); one that no instance has run since
   * then was given up, and holds nothing back.
   */
  async deleteDelivered(cutoff: number, limit: number): Promise<number> {
    const db = this.db.kysely;
    const slowest = await db
      .selectFrom('event_subscription')
      .select(['cursor_tx', 'cursor_id'])
      .where('updated_at', '>=', cutoff)
      .orderBy('cursor_tx')
      .orderBy('cursor_id')
      .limit(1)
      .executeTakeFirst();
    const passed =
      slowest === undefined
        ? sql<boolean>`1 = 1`
        : this.db.dialect === 'postgres'
          ? sql<boolean>`(tx, id) <= (${String(slowest.cursor_tx)}::xid8, ${Number(slowest.cursor_id)})`
          : sql<boolean>`id <= ${Number(slowest.cursor_id)}`;
    const old = db.selectFrom('domain_event').select('id').where('at', '<', cutoff).where(passed).limit(limit);
    const result = await db.deleteFrom('domain_event').where('id', 'in', old).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
