import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as initial from './migrations/001_initial.js';
import * as accounts from './migrations/002_accounts_audit_usage.js';
import * as housekeeping from './migrations/003_lease_housekeeping.js';
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
  /** Runs the migrations so that only one process at a time can (see `migrate`). */
  exclusively<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_accounts_audit_usage': accounts,
  '003_lease_housekeeping': housekeeping,
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
    // Kysely neither locks nor wraps migrations in a transaction on SQLite, so two processes
    // starting on a new file would both create the tables. The migrations run instead inside one
    // BEGIN IMMEDIATE transaction on this (only) connection: the file's write lock serialises
    // them across processes, and a failed migration leaves nothing half done.
    exclusively: async (fn) => {
      for (let waited = 0; ; waited += 1) {
        try {
          native.exec('BEGIN IMMEDIATE');
          break;
        } catch (err) {
          // Another process migrates (busy_timeout already waited); it finishes within milliseconds.
          if (!isUnavailable(err) || waited >= 10) throw err;
        }
      }
      try {
        const result = await fn();
        native.exec('COMMIT');
        return result;
      } catch (err) {
        if (native.inTransaction) native.exec('ROLLBACK');
        throw err;
      }
    },
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

/** PostgreSQL's type ids whose text Leasehold reads as numbers: int8 (timestamps in ms, counts) and numeric. */
const INT8 = 20;
const NUMERIC = 1700;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    // Millisecond timestamps and counts fit a double exactly; the store layer treats them as numbers.
    oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Connections this instance keeps at most. */
  poolSize?: number;
  /** How long a request waits for a connection (and a new connection for the server) before it answers 503. */
  connectTimeoutMs?: number;
  /** Where errors of idle connections (the database restarting) are reported; they never crash the process. */
  onIdleError?: (err: Error) => void;
}

/**
 * Connects to PostgreSQL through a pool. Nothing is sent until the first query, so a database that
 * is down at start surfaces as a failed migration (start) or 503 answers (later), and a database
 * that comes back is used again without a restart: the pool drops broken connections and opens new ones.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    types: pgTypes,
    application_name: 'leasehold',
  });
  // An idle connection that the server closes (restart, failover) emits 'error' on the pool;
  // unhandled, that would end the process.
  pool.on('error', (err) => options.onIdleError?.(err));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    kysely,
    // READ COMMITTED; the decisions that must hold under concurrency take row locks (the license row
    // for a seat claim) or are single conditional updates (renew), which PostgreSQL re-checks after
    // waiting for a concurrent writer of the same row.
    writeTransaction: (fn) => kysely.transaction().execute(fn),
    // Kysely's migrator holds a transaction-scoped advisory lock on PostgreSQL.
    exclusively: (fn) => fn(),
    close: () => kysely.destroy(),
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
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_LOCKED') || code === 'SQLITE_CANTOPEN') return true;
    // Sockets that cannot reach the server, and PostgreSQL's classes 08 (connection exception),
    // 53 (insufficient resources), 57P (operator intervention: shutdown, cannot connect now), 40001/40P01
    // (serialization failure, deadlock: retrying later succeeds).
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
    if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
  }
  // pg reports a connection that ended, or a pool that could not hand one out in time, without a code.
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is not open/i.test(message);
}
