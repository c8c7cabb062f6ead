import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Db } from '../db.js';
import type { Database } from '../schema.js';
import { StatementPool } from './statement-pool.js';

/*
 * The PostgreSQL side of `Db`: a pool of connections that survives the database going away and
 * coming back, numbers read as numbers, and write transactions that rely on row locks.
 */

/** PostgreSQL's type ids whose text Leasehold reads as numbers: int8 (timestamps in ms, counts) and numeric. */
const INT8 = 20;
const NUMERIC = 1700;
// Millisecond timestamps and counts fit a double exactly; the store layer treats them as numbers.
// Overrides of this pool's clients only (pg's TypeOverrides), never pg's global parsers.
const pgTypes = new pg.TypeOverrides();
pgTypes.setTypeParser(INT8, 'text', (value: string) => Number(value));
pgTypes.setTypeParser(NUMERIC, 'text', (value: string) => Number(value));

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
  const statementPool = new StatementPool(pool);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: statementPool }) });
  return {
    dialect: 'postgres',
    kysely,
    inTransaction: false,
    statements: statementPool.statements,
    keepPrepared: (text) => statementPool.keepPrepared(text),
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
