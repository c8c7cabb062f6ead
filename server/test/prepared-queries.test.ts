import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../src/store/db.js';
import { observePreparedQueries, type PreparedQueryRun } from '../src/store/prepared-query.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';

/*
 * The licensing queries are compiled by Kysely once, with a stand-in for each argument, and each
 * call puts its values where the stand-ins came out (store/prepared-query.ts). That holds only as
 * long as Kysely hands values through to the parameters unchanged and compiles the same text
 * whatever the values: a Kysely that inlined numbers, wrote a null as a literal or changed the
 * parameters of a value would make the prepared queries send something else than the query
 * itself. Here every licensing call runs, with nulls and numbers where the API sends them, and
 * every prepared query it runs must send exactly what building it with the same values sends.
 */

type Build = PreparedQueryRun['build'];

/** A prepared query's SQL text, compiled with a stand-in for each argument. */
const textOf = (build: Build) => build(...Array.from({ length: build.length }, (_, i) => `argument ${i}`)).compile().sql;

/**
 * The prepared query each dialect makes and never runs: PostgreSQL renews in one statement
 * (WITH ... UPDATE ... INSERT), SQLite with an UPDATE then an INSERT.
 */
const otherDialectsRenewal = { sqlite: /^with "previous" as \(update "lease"/, postgres: /^update "lease" set "state" = \$1, "replaced_by" = \$2/ };

describe('prepared licensing queries', () => {
  let server: TestServer;
  const made: { db: Db; build: Build }[] = [];
  const runs: PreparedQueryRun[] = [];
  let stopObserving: () => void;

  before(async () => {
    stopObserving = observePreparedQueries({ made: (db, build) => made.push({ db, build }), ran: (run) => runs.push(run) });
    // One connection, so that PostgreSQL's named prepared statements are all on the one asked below.
    server = await startTestServer({ env: { LEASEHOLD_PG_POOL_SIZE: '1' } });
    const limited = await createLicense(server, { leaseLimit: 3, features: ['export', 'print'] });
    const unlimited = await createLicense(server, { leaseLimit: null });
    const full = await createLicense(server, { leaseLimit: 1 });
    const client = licensingClient(server);
    const ok = async (status: number, reply: Promise<{ statusCode: number; body: string; json(): unknown }>) => {
      const res = await reply;
      assert.equal(res.statusCode, status, res.body);
      return res.json() as { lease?: string };
    };

    await ok(200, client.validateKey(limited.key));
    await ok(404, client.validateKey('NO-SUCH-KEY'));
    const anonymous = await ok(200, client.obtain(limited.key));
    const machine = await ok(200, client.obtain(limited.key, { clientId: 'machine-1' }));
    await ok(200, client.obtain(limited.key, { clientId: 'machine-1' }));
    await ok(200, client.obtain(unlimited.key, { expiry: 600 }));
    await ok(200, client.obtain(unlimited.key, { clientId: 'machine-1' }));
    await ok(200, client.obtain(full.key));
    await ok(409, client.obtain(full.key, { clientId: 'machine-2' }));
    await ok(200, client.validateLease(anonymous.lease!));
    const renewedAnonymous = await ok(200, client.renew(anonymous.lease!));
    const renewedMachine = await ok(200, client.renew(machine.lease!, { expiry: 300 }));
    await ok(409, client.renew(anonymous.lease!));
    await ok(200, client.release(renewedAnonymous.lease!));
    await ok(200, client.release(renewedMachine.lease!));
    await ok(200, client.release(renewedMachine.lease!));
  });
  after(async () => {
    stopObserving();
    await server?.close();
  });

  const ofServer = () => {
    const db = made[0]?.db;
    assert.ok(db, 'the store made no prepared query');
    return { db, made: made.filter((m) => m.db === db), runs: runs.filter((r) => r.db === db) };
  };

  it('sends exactly the SQL text and parameters of the query built with the same values', () => {
    const { runs } = ofServer();
    assert.ok(runs.length > 0, 'no prepared query ran');
    for (const run of runs) {
      const direct = run.build(...run.args).compile();
      assert.equal(run.query.sql, direct.sql, `the prepared query's text differs from the query built with ${JSON.stringify(run.args)}`);
      assert.deepEqual(run.query.parameters, direct.parameters, `the prepared query's parameters differ from those built for: ${direct.sql}`);
    }
  });

  it('runs every prepared query of the dialect in the calls above, with and without a client id', () => {
    const { db, made, runs } = ofServer();
    const ran = new Set<Build>(runs.map((r) => r.build));
    const unrun = made.filter((m) => !ran.has(m.build)).map((m) => textOf(m.build));
    const expected = unrun.filter((text) => otherDialectsRenewal[db.dialect].test(text));
    assert.deepEqual(unrun, expected, 'prepared queries that no call above ran, so that nothing checks them: add calls that do');
    assert.equal(expected.length, 1, `the other dialect's renewal was not found among the prepared queries: ${unrun.join('; ')}`);
    // Null and a text both reached the client id of the seat count and of the insert.
    const clientIds = new Set(runs.filter((r) => r.args.includes('machine-1')).map((r) => r.build));
    const nullArgs = new Set(runs.filter((r) => r.args.includes(null)).map((r) => r.build));
    assert.ok(
      [...clientIds].some((b) => nullArgs.has(b)),
      'no prepared query ran with both a null and a text client id',
    );
  });

  // PostgreSQL only: SQLite keeps every statement prepared on its one connection anyway.
  if (TEST_DATABASE === 'postgres')
    it('keeps the licensing statements prepared on PostgreSQL, under the names given to them', async () => {
      const { db, runs } = ofServer();
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db.kysely);
      const named = new Map(rows.map((row) => [row.statement, row.name]));
      for (const text of new Set(runs.map((r) => r.query.sql))) {
        assert.match(named.get(text) ?? '(not prepared)', /^leasehold_\d+$/, `not kept prepared: ${text}`);
      }
    });
});
