import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db, Dialect } from './db.js';
import * as initial from './migrations/001_initial.js';
import * as accounts from './migrations/002_accounts_audit_usage.js';
import * as housekeeping from './migrations/003_lease_housekeeping.js';
import * as secretsAtRest from './migrations/004_secrets_at_rest.js';
import * as accountSafety from './migrations/005_account_safety.js';
import * as licensingThrottle from './migrations/006_licensing_throttle.js';
import { domainEvents } from './migrations/007_domain_events.js';
import * as leaseExpiry from './migrations/008_lease_expiry.js';
import * as caseInsensitiveNames from './migrations/009_case_insensitive_names.js';
import * as tokenExpiry from './migrations/010_token_expiry.js';

/*
 * The schema's history and the one way it is applied: every start runs `migrate`, which does
 * nothing when every migration is recorded, and otherwise lets one instance at a time catch up.
 */

/**
 * Every migration, by name, in the order they run. A new one is added at the end; one whose
 * tables differ between the dialects is made for the database's (`domainEvents(dialect)`).
 */
function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '001_initial': initial,
    '002_accounts_audit_usage': accounts,
    '003_lease_housekeeping': housekeeping,
    '004_secrets_at_rest': secretsAtRest,
    '005_account_safety': accountSafety,
    '006_licensing_throttle': licensingThrottle,
    '007_domain_events': domainEvents(dialect),
    '008_lease_expiry': leaseExpiry,
    '009_case_insensitive_names': caseInsensitiveNames,
    '010_token_expiry': tokenExpiry,
  };
}

/**
 * Brings the schema up to date, once however many instances start at once: on PostgreSQL under
 * Kysely's advisory lock, on SQLite inside one write transaction (see `exclusively`).
 */
export async function migrate(db: Db): Promise<void> {
  await db.exclusively(() => migrateOnce(db));
}

async function migrateOnce(db: Db): Promise<void> {
  // On PostgreSQL the migration tables are named with the schema in use: Kysely otherwise looks
  // for them in every schema, and another Leasehold database in the same PostgreSQL would hide ours.
  const schema = db.dialect === 'postgres' ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema : undefined;
  if (db.dialect === 'postgres' && !schema) throw new Error('the PostgreSQL search_path names no schema that exists');
  if (await upToDate(db, schema ?? undefined)) return;
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(db.dialect) };
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    migrationTableName: 'leasehold_migration',
    migrationLockTableName: 'leasehold_migration_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
  }
}

/**
 * True when every migration is recorded already, as at most starts: one query, where Kysely's
 * migrator first inspects every table of the database. Anything unexpected (no table yet, an
 * error) answers false, and the migrator decides as before.
 */
async function upToDate(db: Db, schema: string | undefined): Promise<boolean> {
  try {
    const table = schema ? sql.id(schema, 'leasehold_migration') : sql.id('leasehold_migration');
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db.kysely);
    const done = new Set(rows.map((row) => row.name));
    return Object.keys(migrationsFor(db.dialect)).every((name) => done.has(name));
  } catch {
    return false;
  }
}
