import type { Kysely } from 'kysely';

/** Failed key and lease lookups per client address, shared by every instance on the database. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('licensing_throttle')
    .addColumn('address', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('licensing_throttle_by_window').on('licensing_throttle').column('window_start').execute();
}
