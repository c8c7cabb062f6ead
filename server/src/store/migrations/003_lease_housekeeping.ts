import type { Kysely } from 'kysely';

/** Indexes that let housekeeping find leases past their retention without scanning the table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('lease_by_ended_at').on('lease').column('ended_at').execute();
  await db.schema.createIndex('lease_by_expires_at').on('lease').column('expires_at').execute();
  await db.schema.createIndex('admin_session_by_expiry').on('admin_session').column('expires_at').execute();
}
