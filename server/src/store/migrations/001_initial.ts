import { type Kysely, sql } from 'kysely';

/**
 * The first schema. Written once for every dialect: `text` and `bigint` mean the same in SQLite
 * (bigint has INTEGER affinity) and PostgreSQL, and partial indexes exist in both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organization')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('signing_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key_pem', 'text', (c) => c.notNull())
    .addColumn('private_key_pem', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema.createIndex('signing_key_by_org').on('signing_key').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('admin_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('customer')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('phone', 'text')
    .addColumn('comment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customer_by_org').on('customer').columns(['organization_id', 'name']).execute();

  await db.schema
    .createTable('product')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('product_name_unique', ['organization_id', 'name'])
    .execute();

  await db.schema
    .createTable('feature')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('feature_name_unique', ['product_id', 'name'])
    .execute();
  await db.schema.createIndex('feature_by_org').on('feature').columns(['organization_id', 'name']).execute();

  await db.schema
    .createTable('license')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customer.id'))
    .addColumn('lease_limit', 'integer')
    .addColumn('expiry', 'bigint')
    .addColumn('comment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_by_org').on('license').columns(['organization_id', 'created_at']).execute();
  await db.schema.createIndex('license_by_customer').on('license').column('customer_id').execute();

  await db.schema
    .createTable('license_feature')
    .addColumn('license_id', 'text', (c) => c.notNull().references('license.id').onDelete('cascade'))
    .addColumn('feature_id', 'text', (c) => c.notNull().references('feature.id'))
    .addPrimaryKeyConstraint('license_feature_pk', ['license_id', 'feature_id'])
    .execute();
  await db.schema.createIndex('license_feature_by_feature').on('license_feature').column('feature_id').execute();

  await db.schema
    .createTable('license_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('license_id', 'text', (c) => c.notNull().references('license.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('license_key_code_unique', ['organization_id', 'code'])
    .execute();
  await db.schema.createIndex('license_key_by_license').on('license_key').column('license_id').execute();

  await db.schema
    .createTable('lease')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('license_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('revoked_reason', 'text')
    .addColumn('signing_key_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('replaced_by', 'text')
    .addColumn('ended_at', 'bigint')
    .execute();
  // Counting a license's seats reads only active rows: this index holds nothing else.
  await db.schema.createIndex('lease_active_by_license').on('lease').columns(['license_id', 'expires_at']).where(sql.ref('state'), '=', 'active').execute();
  await db.schema.createIndex('lease_active_by_client').on('lease').columns(['license_id', 'client_id']).where(sql.ref('state'), '=', 'active').execute();
  await db.schema.createIndex('lease_by_license').on('lease').columns(['license_id', 'issued_at']).execute();
  await db.schema.createIndex('lease_by_key').on('lease').column('key_id').execute();
  await db.schema.createIndex('lease_by_signing_key').on('lease').columns(['signing_key_id', 'expires_at']).execute();
}
