import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Secrets at rest. SQL alone cannot encrypt, so this only shapes the tables; the start that follows
 * (store/sealing.ts) seals the secrets rows still hold in plain text, under the key-encryption key.
 *
 * - `sealing_key` records the id of the key that sealed the database's secrets (one row).
 * - `license_key.code` becomes `code_sealed` (the display copy, sealed) and `code_hash` (a keyed
 *   hash, null until sealed) takes over its unique index per organization: a sealed value differs
 *   at every sealing, so only the hash can find a code or refuse a duplicate.
 * - `signing_key.private_key_pem` keeps its name and holds the sealed key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sealing_key')
    .addColumn('slot', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('sealed_at', 'bigint', (c) => c.notNull())
    .execute();

  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // SQLite cannot drop a table's unique constraint: the table is rebuilt. Nothing references it
    // (a lease's key_id is deliberately not a foreign key).
    await db.schema
      .createTable('license_key_sealed')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
      .addColumn('license_id', 'text', (c) => c.notNull().references('license.id').onDelete('cascade'))
      .addColumn('code_sealed', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into license_key_sealed (id, organization_id, license_id, code_sealed, code_hash, created_at)
              select id, organization_id, license_id, code, null, created_at from license_key`.execute(db);
    await db.schema.dropTable('license_key').execute();
    await db.schema.alterTable('license_key_sealed').renameTo('license_key').execute();
    await db.schema.createIndex('license_key_by_license').on('license_key').column('license_id').execute();
  } else {
    await db.schema.alterTable('license_key').dropConstraint('license_key_code_unique').execute();
    await db.schema.alterTable('license_key').renameColumn('code', 'code_sealed').execute();
    await db.schema.alterTable('license_key').addColumn('code_hash', 'text').execute();
  }
  await db.schema.createIndex('license_key_code_hash_unique').on('license_key').columns(['organization_id', 'code_hash']).unique().execute();
}
