import { type Kysely, sql } from 'kysely';

/** Sessions of signed-in users, login throttling, the audit log and hourly usage per license. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admin_session')
    // The id is the SHA-256 of the cookie's secret: a database dump holds no usable session.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('admin_user.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_session_by_user').on('admin_session').column('user_id').execute();

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .execute();
  await db.schema.createIndex('audit_event_by_org').on('audit_event').columns(['organization_id', 'at']).execute();

  await db.schema
    .createTable('usage_hourly')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id').onDelete('cascade'))
    .addColumn('license_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('peak_leases', 'integer', (c) => c.notNull())
    .addColumn('refused', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_hourly_pk', ['license_id', 'hour'])
    .execute();
  // The dashboard counts an organization's seats in use; like the per-license index, it holds active rows only.
  await db.schema.createIndex('lease_active_by_org').on('lease').columns(['organization_id', 'expires_at']).where(sql.ref('state'), '=', 'active').execute();
  await db.schema.createIndex('usage_hourly_by_org').on('usage_hourly').columns(['organization_id', 'hour']).execute();
}
