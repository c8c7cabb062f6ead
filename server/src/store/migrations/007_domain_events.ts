import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The outbox: `domain_event` holds every change, written in the transaction that makes it, and
 * `event_subscription` where each subscriber has got to, and which instance delivers to it now.
 *
 * A subscriber's cursor must never pass an event that commits after it moved on. SQLite has one
 * writer at a time and assigns ids under its write lock, so id order is commit order. PostgreSQL
 * draws ids from a sequence as rows are inserted, and a transaction that drew an older id may
 * commit after a younger one; every row therefore records its transaction's id (`tx`, an xid8),
 * and readers take only rows of transactions older than every transaction still running (see
 * `store/events.ts`). On SQLite `tx` is always 0.
 */
export function domainEvents(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        await sql`create table domain_event (
          id bigint generated always as identity primary key,
          tx xid8 not null default pg_current_xact_id(),
          organization_id text not null,
          type text not null,
          at bigint not null,
          subject_type text,
          subject_id text,
          actor_type text,
          actor_id text,
          actor_name text,
          data text not null
        )`.execute(db);
        await sql`create index domain_event_by_position on domain_event (tx, id)`.execute(db);
      } else {
        // AUTOINCREMENT: an id is never handed out twice, even once every older event is deleted.
        await sql`create table domain_event (
          id integer primary key autoincrement,
          tx integer not null default 0,
          organization_id text not null,
          type text not null,
          at bigint not null,
          subject_type text,
          subject_id text,
          actor_type text,
          actor_id text,
          actor_name text,
          data text not null
        )`.execute(db);
      }
      await db.schema.createIndex('domain_event_by_organization').on('domain_event').columns(['organization_id', 'id']).execute();
      await db.schema.createIndex('domain_event_by_at').on('domain_event').column('at').execute();

      await db.schema
        .createTable('event_subscription')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('cursor_tx', 'bigint', (c) => c.notNull())
        .addColumn('cursor_id', 'bigint', (c) => c.notNull())
        .addColumn('holder', 'text')
        .addColumn('held_until', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
