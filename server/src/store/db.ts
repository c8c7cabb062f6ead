import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Compilable,
  type CompiledQuery,
  type Migration,
  type MigrationProvider,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';
import pg from 'pg';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import * as initial from './migrations/001_initial.js';
import * as accounts from './migrations/002_accounts_audit_usage.js';
import * as housekeeping from './migrations/003_lease_housekeeping.js';
import * as secretsAtRest from './migrations/004_secrets_at_rest.js';
import * as accountSafety from './migrations/005_account_safety.js';
import * as licensingThrottle from './migrations/006_licensing_throttle.js';
import { domainEvents } from './migrations/007_domain_events.js';
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
   * True for the handle of one transaction (see `transactionDb`): its `kysely` is the transaction
   * and `writeTransaction` joins it. Domain events are only ever appended through such a handle.
   */
  readonly inTransaction: boolean;
  /**
   * Runs `fn` in a transaction that holds the write lock from its first statement, so that a
   * read-then-write decision (the lease limit) cannot interleave with another writer, in this
   * process or in another one sharing the database file.
   */
  writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Runs the migrations so that only one process at a time can (see `migrate`). */
  exclusively<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Statements sent to the database so far by this handle, BEGIN and COMMIT included. Counted
   * where the driver hands them to the database, at no cost; the statement budget test reads it.
   */
  readonly statements: { count: number };
  /**
   * Marks an SQL text as one to keep prepared on every connection. PostgreSQL then parses and
   * plans it once per connection (a named prepared statement) rather than at every call; SQLite
   * keeps every statement prepared anyway.
   */
  keepPrepared(text: string): void;
  /**
   * Rewrites the database so that content deleted or overwritten before (plain secrets just
   * sealed) is gone from its files: SQLite keeps it in free pages and in the WAL. A no-op on
   * PostgreSQL, whose old row versions only VACUUM FULL removes (docs/configuration.md).
   */
  forgetFreedContent(): Promise<void>;
  close(): Promise<void>;
}

/** Every migration, by name; a migration whose tables differ between dialects is made for one. */
function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '001_initial': initial,
    '002_accounts_audit_usage': accounts,
    '003_lease_housekeeping': housekeeping,
    '004_secrets_at_rest': secretsAtRest,
    '005_account_safety': accountSafety,
    '006_licensing_throttle': licensingThrottle,
    '007_domain_events': domainEvents(dialect),
  };
}

/** Statements kept prepared per SQLite database: every query the server runs, with room to spare for the admin API's variants. */
const PREPARED_STATEMENTS = 500;

/** The one SQLite connection and the statements prepared on it; `reopen` replaces both (see `groupCommit`). */
interface SqliteHandle {
  native: BetterSqlite3.Database;
  readonly prepared: Map<string, BetterSqlite3.Statement | SqliteStatementOf>;
  /** Set by a write that failed with a storage fault the connection may keep (see `needsReopen`). */
  faulted: boolean;
}

type SqliteStatementOf = ReturnType<SqliteDatabase['prepare']>;

/**
 * The database as Kysely's SQLite driver sees it, with each SQL text prepared once: the driver
 * prepares every query it runs, and preparing costs more than running most of Leasehold's. The
 * statements are kept in insertion order, and the oldest goes when there are too many. Kysely
 * runs one statement at a time on the connection, so a kept statement is never busy when reused.
 * Every statement run is counted in `statements`. A statement that writes (BEGIN and COMMIT
 * included) marks the handle when it fails with a fault that reopening may cure.
 */
function preparedOnce(handle: SqliteHandle, statements: { count: number }): SqliteDatabase {
  const { prepared } = handle;
  return {
    prepare(text: string) {
      statements.count++;
      let statement = prepared.get(text);
      if (!statement) {
        const native = handle.native.prepare(text);
        statement = native.reader ? native : watchedWrite(native, handle);
        if (prepared.size >= PREPARED_STATEMENTS) prepared.delete(prepared.keys().next().value!);
        prepared.set(text, statement);
      }
      return statement;
    },
    close: () => handle.native.close(),
  };
}

/** A writing statement whose failures mark the connection for reopening when they call for it. */
function watchedWrite(statement: BetterSqlite3.Statement, handle: SqliteHandle): SqliteStatementOf {
  return {
    reader: false,
    all: (parameters) => statement.all(parameters),
    iterate: (parameters) => statement.iterate(parameters),
    run: (parameters) => {
      try {
        return statement.run(parameters);
      } catch (err) {
        if (needsReopen(err)) handle.faulted = true;
        throw err;
      }
    },
  };
}

/**
 * True for the faults that a connection may keep after their cause is gone. SQLite opens a file it
 * may not write (read-only file, read-only mount) read-only without a word, and every write on that
 * connection then fails with SQLITE_READONLY even once the file is writable again; an I/O error or
 * a file that could not be opened may leave it as broken. A full disk (SQLITE_FULL) heals by itself.
 */
function needsReopen(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB)/.test(code);
}

/** Write transactions that may share one SQLite transaction (see `groupCommit`). */
const GROUP_MAX = 32;

interface PendingWrite {
  fn: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * SQLite write transactions with group commit. Each runs on the one connection inside
 * BEGIN IMMEDIATE ... COMMIT, which takes the file's write lock up front, so two processes can
 * never both read "4 of 5 seats used" and both insert. The write transactions that arrive while
 * one runs are queued and then share the next transaction, each inside a savepoint: one that fails
 * is rolled back to its savepoint alone, and each caller hears of its outcome only once COMMIT
 * has made it durable. A commit writes every page it changed to the WAL, and the pages that
 * several writes touch (the ends of the time indexes, the table) are then written once for all:
 * durable writes under load cost less. They still run one after the other, each seeing the
 * writes before it, exactly as in separate transactions.
 */
function groupCommit(kysely: Kysely<Database>, handle: SqliteHandle, reopen: () => void): Db['writeTransaction'] {
  const queue: PendingWrite[] = [];
  let running = false;

  /**
   * Runs the writes queued when the connection is free in one transaction; settles every write
   * of them, or puts the unstarted ones back in the queue. The group is taken only once the
   * connection is ours: the writes that arrived while it was busy join it.
   */
  const runGroup = (taken: PendingWrite[]) =>
    kysely.connection().execute(async (conn) => {
      // The connection is ours and idle: a faulty one is replaced before the next writes, so that
      // service resumes without a restart once the file is writable again. While the fault lasts
      // each group reopens it, a cost only while writes fail anyway.
      if (handle.faulted) {
        try {
          reopen();
        } catch {
          // Cannot open the file now either: the writes below fail and tell why; try again later.
        }
      }
      const native = handle.native;
      const group = queue.splice(0, GROUP_MAX);
      taken.push(...group);
      const run = (text: string) => sql.raw(text).execute(conn);
      // Undoes the whole transaction: the writes done so far fail with `err`, those not started go to the next group.
      const abandon = async (err: unknown, done: PendingWrite[], rest: PendingWrite[]) => {
        if (native.inTransaction) await run('rollback').catch(() => undefined);
        for (const write of done) write.reject(err);
        queue.unshift(...rest);
      };
      try {
        await run('begin immediate');
      } catch (err) {
        for (const write of group) write.reject(err);
        return;
      }
      // Alone, a write needs no savepoint: its failure rolls the transaction back.
      const alone = group.length === 1;
      const done: { write: PendingWrite; result: unknown }[] = [];
      for (let i = 0; i < group.length; i++) {
        const write = group[i]!;
        try {
          if (!alone) await run('savepoint leasehold_write');
          const result = await write.fn(conn);
          if (!alone) await run('release leasehold_write');
          done.push({ write, result });
        } catch (err) {
          write.reject(err);
          if (alone) {
            await abandon(err, [], []);
            return;
          }
          try {
            // SQLite may have rolled the whole transaction back itself (a full disk, an I/O error).
            if (!native.inTransaction) throw err;
            await run('rollback to leasehold_write');
            await run('release leasehold_write');
          } catch {
            await abandon(err, done.map((d) => d.write), group.slice(i + 1));
            return;
          }
        }
      }
      try {
        await run('commit');
      } catch (err) {
        await abandon(err, done.map((d) => d.write), []);
        return;
      }
      for (const { write, result } of done) write.resolve(result);
    });

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const group: PendingWrite[] = [];
        await runGroup(group).catch((err: unknown) => {
          // No connection (the database is closing) or a fault: the writes of the group that are
          // still pending fail (a settled one ignores this), and so do all those waiting, rather
          // than wait forever or be retried in a loop.
          for (const write of [...group, ...queue.splice(0)]) write.reject(err);
        });
      }
    } finally {
      running = false;
    }
  }

  return <T>(fn: (trx: Kysely<Database>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!running) {
        running = true;
        // The first write waits for the event loop's next turn: better-sqlite3 answers at once, so
        // without it every request would finish its write before the next one is even read, and
        // no two writes would ever share a commit.
        setImmediate(() => void drain());
      }
    });
}

/** How SQLite flushes commits: `full` (the default) syncs the WAL at every commit; `normal` only at checkpoints. */
export type SqliteSynchronous = 'full' | 'normal';

/** Opens one connection with the settings Leasehold relies on. */
function openNative(path: string, busyTimeoutMs: number, synchronous: SqliteSynchronous): BetterSqlite3.Database {
  // A file is opened privately (0600 in a 0700 directory); see openPrivately.
  const native = path === ':memory:' ? new BetterSqlite3(path) : openPrivately(path);
  try {
    native.pragma('journal_mode = WAL');
    // FULL: COMMIT returns only once the WAL is flushed to disk (fsync), so a lease answered is
    // never lost to a power cut. A group commit (below) shares one flush among its writes. NORMAL
    // flushes only at checkpoints: faster, but the last commits before a power cut may be lost.
    native.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    native.pragma('foreign_keys = ON');
    // A checkpoint runs inside the commit that fills the WAL past this many pages and holds the
    // event loop while it copies them: 250 pages rather than SQLite's 1,000 cut the p99 of a
    // write-heavy licensing mix from 10 to 6 ms (bench/), for 14 to 24% of write throughput.
    native.pragma('wal_autocheckpoint = 250');
    // 32 MiB of page cache rather than 2: at a million licenses the lookups otherwise read most
    // index pages back from the operating system.
    native.pragma('cache_size = -32768');
    native.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  } catch (err) {
    native.close();
    throw err;
  }
  return native;
}

/** Opens (and creates when missing) an SQLite database file with the settings Leasehold relies on. */
export function openSqlite(path: string, busyTimeoutMs = 5000, synchronous: SqliteSynchronous = 'full'): Db {
  const handle: SqliteHandle = { native: openNative(path, busyTimeoutMs, synchronous), prepared: new Map(), faulted: false };
  // Replaces the connection; only ever called while the connection is held and idle (see groupCommit).
  const reopen = () => {
    if (path === ':memory:') return;
    const fresh = openNative(path, busyTimeoutMs, synchronous);
    const old = handle.native;
    handle.native = fresh;
    handle.prepared.clear();
    handle.faulted = false;
    try {
      old.close();
    } catch {
      // Already unusable: nothing to release.
    }
  };
  const statements = { count: 0 };
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(handle, statements) }) });
  return {
    dialect: 'sqlite',
    kysely,
    inTransaction: false,
    // Kysely neither locks nor wraps migrations in a transaction on SQLite, so two processes
    // starting on a new file would both create the tables. The migrations run instead inside one
    // BEGIN IMMEDIATE transaction on this (only) connection: the file's write lock serialises
    // them across processes, and a failed migration leaves nothing half done.
    exclusively: async (fn) => {
      for (let waited = 0; ; waited += 1) {
        try {
          handle.native.exec('BEGIN IMMEDIATE');
          break;
        } catch (err) {
          // Another process migrates (busy_timeout already waited); it finishes within milliseconds.
          if (!isUnavailable(err) || waited >= 10) throw err;
        }
      }
      try {
        const result = await fn();
        handle.native.exec('COMMIT');
        return result;
      } catch (err) {
        if (handle.native.inTransaction) handle.native.exec('ROLLBACK');
        throw err;
      }
    },
    statements,
    keepPrepared: () => undefined,
    forgetFreedContent: async () => {
      // VACUUM writes every live page anew (through the WAL); TRUNCATE then empties the WAL file,
      // whose old frames would otherwise keep the pages as they were.
      handle.native.exec('VACUUM');
      handle.native.pragma('wal_checkpoint(TRUNCATE)');
    },
    writeTransaction: groupCommit(kysely, handle, reopen),
    close: () => kysely.destroy(),
  };
}

/**
 * Opens an SQLite file so that only its owner can read it: the directory Leasehold creates is
 * 0700, and the database, -wal and -shm files are 0600. Files are created under umask 077 (SQLite
 * gives -wal and -shm the database file's mode); files an older version made readable by others
 * lose the group and other bits, here and once WAL mode made its files exist.
 */
function openPrivately(path: string): BetterSqlite3.Database {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // process.umask cannot be changed in a worker thread; the chmod below covers that case.
  const previous = isMainThread ? process.umask(0o077) : undefined;
  try {
    keepPrivate(path);
    const native = new BetterSqlite3(path);
    native.pragma('journal_mode = WAL');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) keepPrivate(file);
    return native;
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

/** Takes the group and other permissions off a file of ours, when it exists and has any. */
function keepPrivate(file: string): void {
  try {
    const { mode } = statSync(file);
    if ((mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
  } catch (err) {
    // Not there (yet), or not ours to change: another user's file keeps the mode its owner chose.
    if (!['ENOENT', 'EPERM'].includes((err as { code?: string }).code ?? '')) throw err;
  }
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
  const statements = { count: 0 };
  // The texts to send as named prepared statements, and their names (the same on every connection).
  const names = new Map<string, string>();
  pool.on('connect', (client) => {
    // Kysely's driver sends every statement, BEGIN and COMMIT included, as client.query(text, values).
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      statements.count++;
      const name = typeof args[0] === 'string' ? names.get(args[0]) : undefined;
      return name ? query({ name, text: args[0], values: args[1] }) : query(...args);
    }) as typeof client.query;
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    kysely,
    inTransaction: false,
    statements,
    keepPrepared: (text) => {
      if (!names.has(text)) names.set(text, `leasehold_${names.size + 1}`);
    },
    // READ COMMITTED; the decisions that must hold under concurrency take row locks (the license row
    // for a seat claim) or are single conditional updates (renew), which PostgreSQL re-checks after
    // waiting for a concurrent writer of the same row.
    writeTransaction: (fn) => kysely.transaction().execute(fn),
    // Kysely's migrator holds a transaction-scoped advisory lock on PostgreSQL.
    exclusively: (fn) => fn(),
    forgetFreedContent: async () => undefined,
    close: () => kysely.destroy(),
  };
}

/**
 * A query built and compiled once, at its first call; every call then binds its own values to the
 * same SQL text, which stays prepared (see `keepPrepared`). Building and compiling a Kysely query
 * costs about as much as running one of Leasehold's indexed lookups, so the licensing calls use
 * these. `build` receives a stand-in for each argument and must pass each one on as a plain value,
 * never branch on it. Call with the transaction to run in, or undefined for the database.
 */
export function prepared<Args extends unknown[], Row>(db: Db, build: (...args: Args) => Compilable<Row>) {
  let compiled: { query: CompiledQuery<Row>; positions: number[] } | undefined;
  const compile = () => {
    const standIns = Array.from({ length: build.length }, (_, i) => `\u0000leasehold-argument-${i}\u0000`) as unknown as Args;
    const query = build(...standIns).compile();
    const positions = query.parameters.map((value) => (standIns as unknown[]).indexOf(value));
    const unused = (standIns as unknown[]).findIndex((_, i) => !positions.includes(i));
    if (unused >= 0) throw new Error(`prepared query: argument ${unused} is not a parameter of: ${query.sql}`);
    db.keepPrepared(query.sql);
    return { query, positions };
  };
  return (executor: Kysely<Database> | undefined, ...args: Args): Promise<QueryResult<Row>> => {
    compiled ??= compile();
    const { query, positions } = compiled;
    const parameters = positions.map((position, i) => (position >= 0 ? args[position] : query.parameters[i]));
    return (executor ?? db.kysely).executeQuery<Row>({ ...query, parameters });
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
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
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

/**
 * True when `err` is the storage failing rather than the request: a full disk, a file or mount that
 * is read-only, an I/O error, a damaged file. It lasts until someone acts (frees space, fixes the
 * mount), so the instance answers 503 and its readiness check fails meanwhile; it resumes by itself
 * once writes work again. PostgreSQL's disk_full (53100), read_only_sql_transaction (25006, a
 * primary that became a standby) and io_error (58030) are the same.
 */
export function isStorageFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB)/.test(code) || ['53100', '25006', '58030', '58000'].includes(code);
}

/** True when `err` means the database cannot serve now (locked too long, unreachable, a storage fault), not that the request was wrong. */
export function isUnavailable(err: unknown): boolean {
  if (isStorageFault(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
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
