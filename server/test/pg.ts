import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { DatabaseConfig } from '../src/store/index.js';

/**
 * The database the suite runs on: `node test/run.js --postgres` (or LEASEHOLD_TEST_DATABASE=postgres)
 * runs every store-backed test on PostgreSQL, each test server in a schema of its own, so runs and
 * tests never see each other's data. The server comes from LEASEHOLD_TEST_PG_URL.
 */
export const TEST_DATABASE: 'sqlite' | 'postgres' = process.env.LEASEHOLD_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_PG_URL = process.env.LEASEHOLD_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** With CI set, a PostgreSQL that cannot be reached fails the PostgreSQL tests instead of skipping them. */
export const REQUIRE_PG = Boolean(process.env.CI) || process.env.LEASEHOLD_TEST_REQUIRE_PG === '1';

const RUN = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
let next = 0;

/** A PostgreSQL URL whose connections work in `schema` only. */
export function urlWithSchema(schema: string, base = TEST_PG_URL): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestSchema {
  name: string;
  url: string;
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** Creates an empty schema for one test server (or several instances that share it). */
export async function createTestSchema(): Promise<TestSchema> {
  const name = `lh_test_${RUN}_${next++}`;
  await admin((c) => c.query(`create schema ${name}`));
  const url = urlWithSchema(name);
  return {
    name,
    url,
    config: { kind: 'postgres', url, poolSize: 10, connectTimeoutMs: 5000 },
    drop: () => admin((c) => c.query(`drop schema if exists ${name} cascade`)).then(() => undefined),
  };
}

/** Whether the test PostgreSQL answers; `undefined` when it does, else the reason. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await admin((c) => c.query('select 1'));
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${TEST_PG_URL} is not reachable: ${(err as Error).message}`;
  }
}

/**
 * The `skip` option for suites that need PostgreSQL: false when it answers; otherwise the reason,
 * or (in CI) an error, so that a missing database fails the run instead of passing it quietly.
 */
export async function skipWithoutPostgres(): Promise<string | false> {
  const reason = await postgresUnavailable();
  if (!reason) return false;
  if (REQUIRE_PG) throw new Error(reason);
  return reason;
}
