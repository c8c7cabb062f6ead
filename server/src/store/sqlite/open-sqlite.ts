import { Kysely, SqliteDialect } from 'kysely';
import type { Db } from '../db.js';
import { isUnavailable } from '../db-errors.js';
import type { Database } from '../schema.js';
import { openConnection, reopen, type SqliteSettings, type SqliteSynchronous } from './connection.js';
import { groupCommit } from './group-commit.js';
import { preparedOnce } from './prepared-statements.js';

/*
 * The SQLite side of `Db`: one connection per process, which Kysely reaches through the kept
 * statements, writes through the group commit, and migrations through one exclusive transaction.
 */

export type { SqliteSynchronous } from './connection.js';

/** Opens (and creates when missing) an SQLite database file with the settings Leasehold relies on. */
export function openSqlite(path: string, busyTimeoutMs = 5000, synchronous: SqliteSynchronous = 'full'): Db {
  const settings: SqliteSettings = { path, busyTimeoutMs, synchronous };
  const handle = openConnection(settings);
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
    writeTransaction: groupCommit(kysely, handle, () => reopen(handle, settings)),
    close: () => kysely.destroy(),
  };
}
