import type { Kysely } from 'kysely';
import { nameKey } from '../../names.js';

/**
 * Names and key codes that differ only in case are one:
 * - `product.name_key` (unique per organization), `feature.name_key` (unique per product) and
 *   `customer.name_key` (not unique: two customers may share a name), each `nameKey(name)`. Search
 *   and the exact-name filter compare these, so both databases fold case alike.
 * - An older database may hold products `EDITOR` and `editor`, or two such features: the migration
 *   must not fail on them, so the oldest of each group gets the key and the younger ones keep a
 *   NULL key. They keep working under their exact names; no new or renamed product can take any
 *   spelling of the key, and renaming a younger one gives it a key once its name is free.
 * - `license_key.code_fold_hash`, the keyed hash of the code in upper case (unique per
 *   organization), and `license_key_gram`, the blind index key search narrows candidates with.
 *   Both are keyed by the key-encryption key, which migrations never see: `indexed` = 0 marks a
 *   key whose entries are still to be written, and the start after the migrations writes them
 *   (store/key-search-index.ts), oldest key first, so that of two codes that differ only in case
 *   the older gets the fold hash and the younger answers to its exact spelling only.
 */
interface NamedTables {
  product: { id: string; organization_id: string; name: string; name_key: string | null; created_at: number };
  feature: { id: string; product_id: string; name: string; name_key: string | null; created_at: number };
  customer: { id: string; organization_id: string; name: string; name_key: string | null };
}

const BATCH = 1000;

/** Gives each row its name key, the oldest of each group first (rows come oldest first); later rows of a group keep NULL. */
async function backfill(db: Kysely<NamedTables>, table: 'product' | 'feature', rows: { id: string; name: string; scope: string }[]): Promise<void> {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = nameKey(row.name);
    const group = `${row.scope}\n${key}`;
    if (seen.has(group)) continue;
    seen.add(group);
    await db.updateTable(table).set({ name_key: key }).where('id', '=', row.id).execute();
  }
}

export async function up(db: Kysely<NamedTables>): Promise<void> {
  await db.schema.alterTable('product').addColumn('name_key', 'text').execute();
  const products = await db.selectFrom('product').select(['id', 'name', 'organization_id as scope']).orderBy('created_at').orderBy('id').execute();
  await backfill(db, 'product', products);
  await db.schema.createIndex('product_by_name_key').on('product').columns(['organization_id', 'name_key']).unique().execute();

  await db.schema.alterTable('feature').addColumn('name_key', 'text').execute();
  const features = await db.selectFrom('feature').select(['id', 'name', 'product_id as scope']).orderBy('created_at').orderBy('id').execute();
  await backfill(db, 'feature', features);
  await db.schema.createIndex('feature_by_name_key').on('feature').columns(['product_id', 'name_key']).unique().execute();

  await db.schema.alterTable('customer').addColumn('name_key', 'text').execute();
  for (let after = ''; ;) {
    const rows = await db.selectFrom('customer').select(['id', 'name']).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (rows.length === 0) break;
    for (const row of rows)
      await db
        .updateTable('customer')
        .set({ name_key: nameKey(row.name) })
        .where('id', '=', row.id)
        .execute();
    after = rows[rows.length - 1]!.id;
  }
  await db.schema.createIndex('customer_by_name_key').on('customer').columns(['organization_id', 'name_key']).execute();

  await db.schema.alterTable('license_key').addColumn('code_fold_hash', 'text').execute();
  await db.schema
    .alterTable('license_key')
    .addColumn('indexed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('license_key_by_fold_hash').on('license_key').columns(['organization_id', 'code_fold_hash']).unique().execute();
  await db.schema.createIndex('license_key_to_index').on('license_key').columns(['indexed', 'created_at']).execute();
  await db.schema
    .createTable('license_key_gram')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('gram', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull().references('license_key.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('license_key_gram_pk', ['organization_id', 'gram', 'key_id'])
    .execute();
  await db.schema.createIndex('license_key_gram_by_key').on('license_key_gram').column('key_id').execute();
}
