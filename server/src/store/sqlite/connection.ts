import BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { openPrivately } from './private-files.js';

/*
 * The one SQLite connection a Leasehold process keeps: opened with the settings the rest of the
 * store relies on (WAL, flushed commits, foreign keys, the busy timeout), and replaced when a
 * storage fault may have left it unable to write, so that service resumes without a restart.
 */

/** How SQLite flushes commits: `full` (the default) syncs the WAL at every commit; `normal` only at checkpoints. */
export type SqliteSynchronous = 'full' | 'normal';

/** What a connection is opened with, again when it is replaced. */
export interface SqliteSettings {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly synchronous: SqliteSynchronous;
}

export type SqliteStatementOf = ReturnType<SqliteDatabase['prepare']>;

/** The one SQLite connection and the statements prepared on it; `reopen` replaces both (see group-commit.ts). */
export interface SqliteConnection {
  native: BetterSqlite3.Database;
  readonly prepared: Map<string, BetterSqlite3.Statement | SqliteStatementOf>;
  /** Set by a write that failed with a storage fault the connection may keep (see `needsReopen`). */
  faulted: boolean;
}

export function openConnection(settings: SqliteSettings): SqliteConnection {
  return { native: openNative(settings), prepared: new Map(), faulted: false };
}

/** Opens one connection with the settings Leasehold relies on. */
function openNative({ path, busyTimeoutMs, synchronous }: SqliteSettings): BetterSqlite3.Database {
  // A file is opened privately (0600 in a 0700 directory); see openPrivately.
  const native = path === ':memory:' ? new BetterSqlite3(path) : openPrivately(path);
  try {
    native.pragma('journal_mode = WAL');
    // FULL: COMMIT returns only once the WAL is flushed to disk (fsync), so a lease answered is
    // never lost to a power cut. A group commit shares one flush among its writes. NORMAL
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

/**
 * Replaces the connection, and with it every prepared statement; only ever called while the
 * connection is held and idle (see group-commit.ts). An in-memory database is its connection and
 * is kept.
 */
export function reopen(connection: SqliteConnection, settings: SqliteSettings): void {
  if (settings.path === ':memory:') return;
  const fresh = openNative(settings);
  const old = connection.native;
  connection.native = fresh;
  connection.prepared.clear();
  connection.faulted = false;
  try {
    old.close();
  } catch {
    // Already unusable: nothing to release.
  }
}

/**
 * True for the faults that a connection may keep after their cause is gone. SQLite opens a file it
 * may not write (read-only file, read-only mount) read-only without a word, and every write on that
 * connection then fails with SQLITE_READONLY even once the file is writable again; an I/O error or
 * a file that could not be opened may leave it as broken. A full disk (SQLITE_FULL) heals by itself.
 */
export function needsReopen(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB)/.test(code);
}
