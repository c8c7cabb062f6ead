import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/*
 * The database handle every store class is given. The dialects open it (sqlite/open-sqlite.ts,
 * postgres/open-postgres.ts); this file only says what they must provide, so that nothing above
 * the store depends on how either one does it.
 */

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
