import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as initial from './migrations/001_initial.js';
import * as accounts from './migrations/002_accounts_audit_usage.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * A database handle and the few things that differ between dialects. Everything above the store
 * layer talks to `Db` only through the store classes.
 */
export interface Db {
  readonly dialect: Dialect;
  readonly kysely: Kysely<Database>;
  /**
   * Runs `fn` in a transaction that holds the write lock from its first statement, so that a
   * read-then-write decision (the lease limit) cannot interleave with another writer, in this
   * process or in another one sharing the database file.
   */
  writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_accounts_audit_usage': accounts,
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Opens (and creates when missing) an SQLite database file with the settings Leasehold relies on. */
export function openSqlite(path: string, busyTimeoutMs = 5000): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const native = new BetterSqlite3(path);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: native }) });
  return {
    dialect: 'sqlite',
    kysely,
    writeTransaction: (fn) =>
      // One connection, held for the whole transaction; BEGIN IMMEDIATE takes the write lock up
      // front, so two processes can never both read "4 of 5 seats used" and both insert.
      kysely.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          if (native.inTransaction) await sql`rollback`.execute(conn);
          throw err;
        }
      }),
    close: () => kysely.destroy(),
  };
}

/** Brings the schema up to date. Kysely's migrator serialises concurrent runs with a lock table. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db: db.kysely, provider, migrationTableName: 'leasehold_migration', migrationLockTableName: 'leasehold_migration_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** True when `err` is the database refusing a duplicate in a unique index. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** True when `err` is the database refusing a row that still has dependents, or a missing parent. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/** True when `err` means the database cannot serve now (locked too long, I/O failure), not that the request was wrong. */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_LOCKED') || code === 'SQLITE_CANTOPEN');
}
