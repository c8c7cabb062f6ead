import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { needsReopen, type SqliteConnection, type SqliteStatementOf } from './connection.js';

/*
 * What Kysely's SQLite driver is given as its database (its public `SqliteDatabase` interface):
 * the place where every statement the store sends passes, so it is where statements are kept
 * prepared, counted, and watched for the faults that call for a new connection.
 */

/** Statements kept prepared per SQLite database: every query the server runs, with room to spare for the admin API's variants. */
const PREPARED_STATEMENTS = 500;

/**
 * The connection as Kysely's SQLite driver sees it, with each SQL text prepared once: the driver
 * prepares every query it runs, and preparing costs more than running most of Leasehold's. The
 * statements are kept in insertion order, and the oldest goes when there are too many. Kysely
 * runs one statement at a time on the connection, so a kept statement is never busy when reused.
 * Every statement run is counted in `statements`. A statement that writes (BEGIN and COMMIT
 * included) marks the connection when it fails with a fault that reopening may cure.
 */
export function preparedOnce(connection: SqliteConnection, statements: { count: number }): SqliteDatabase {
  const { prepared } = connection;
  return {
    prepare(text: string) {
      statements.count++;
      let statement = prepared.get(text);
      if (!statement) {
        const native = connection.native.prepare(text);
        statement = native.reader ? native : watchedWrite(native, connection);
        if (prepared.size >= PREPARED_STATEMENTS) prepared.delete(prepared.keys().next().value!);
        prepared.set(text, statement);
      }
      return statement;
    },
    close: () => connection.native.close(),
  };
}

/** A writing statement whose failures mark the connection for reopening when they call for it. */
function watchedWrite(statement: BetterSqlite3.Statement, connection: SqliteConnection): SqliteStatementOf {
  return {
    reader: false,
    all: (parameters) => statement.all(parameters),
    iterate: (parameters) => statement.iterate(parameters),
    run: (parameters) => {
      try {
        return statement.run(parameters);
      } catch (err) {
        if (needsReopen(err)) connection.faulted = true;
        throw err;
      }
    },
  };
}
