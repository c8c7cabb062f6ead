import type { Kysely } from 'kysely';
import type { Db } from './db.js';
import type { Database } from './schema.js';

/**
 * The handle of one write transaction, in the shape of a `Db`, so that every store class can be
 * built on it and a service can make several of their calls in one transaction: their queries run
 * on the transaction, and a store method that opens a write transaction of its own joins this one
 * instead (SQLite would wait forever for the connection it already holds; PostgreSQL would open a
 * second, independent transaction).
 */
export function transactionDb(db: Db, trx: Kysely<Database>): Db {
  const notInTransaction = (what: string) => () => {
    throw new Error(`${what} cannot run inside a transaction`);
  };
  return {
    dialect: db.dialect,
    kysely: trx,
    inTransaction: true,
    writeTransaction: (fn) => fn(trx),
    exclusively: notInTransaction('migrations'),
    statements: db.statements,
    keepPrepared: (text) => db.keepPrepared(text),
    forgetFreedContent: notInTransaction('forgetFreedContent'),
    close: notInTransaction('close'),
  };
}
