import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';

/*
 * Each licensing call may send at most its budget of statements to the database, BEGIN and COMMIT
 * included (Store.statements counts them where the driver hands them over). A call that starts
 * issuing more, an N+1 loop, a lookup that stopped being one join, a cache that no longer holds,
 * fails here, without any timing. The budgets are today's counts; lower them when a call gets cheaper.
 * Each change's event costs no statement where it shares one with the change (PostgreSQL), and one
 * INSERT in the change's write transaction where it cannot (SQLite, and a refused obtain).
 */

type Call = () => Promise<{ statusCode: number; headers: Record<string, unknown>; json(): unknown }>;

describe('statements per licensing call', () => {
  let server: TestServer;
  let limited: TestLicense;
  let unlimited: TestLicense;
  let full: TestLicense;
  const postgres = () => server.store.dialect === 'postgres';

  before(async () => {
    server = await startTestServer();
    limited = await createLicense(server, { leaseLimit: 5, features: ['export', 'print'] });
    unlimited = await createLicense(server, { leaseLimit: null });
    full = await createLicense(server, { leaseLimit: 1 });
  });
  after(() => server.close());

  /** The statements `call` sent, checked against `budget`, and its reply. */
  async function spend(name: string, budget: number, status: number, call: Call): Promise<Record<string, unknown>> {
    const before = server.store.statements;
    const res = await call();
    const spent = server.store.statements - before;
    assert.equal(res.statusCode, status, `${name} answered ${res.statusCode}`);
    assert.ok(spent <= budget, `${name} sent ${spent} statements to ${server.store.dialect}, over its budget of ${budget}`);
    return String(res.headers['content-type']).includes('json') ? (res.json() as Record<string, unknown>) : {};
  }

  const get = (path: string) => () => server.app.inject({ method: 'GET', url: `${server.licensingPath}${path}` });

  it('counts every statement the store sends', async () => {
    const before = server.store.statements;
    await server.store.ping();
    assert.equal(server.store.statements - before, 1);
  });

  it('keeps the organization signing key cached: signature.pem reads it once, then never', async () => {
    // The first call of an organization reads its current signing key; every later one finds it cached.
    await spend('signature.pem, first call', 1, 200, get('/signature.pem'));
    await spend('signature.pem', 0, 200, get('/signature.pem'));
    // jwks.json lists every key that may verify a live lease: one query, on purpose uncached.
    await spend('jwks.json', 1, 200, get('/jwks.json'));
  });

  it('validates a key in one statement', async () => {
    const client = licensingClient(server);
    // The key, its license, the seats in use (a subquery on the partial index of active leases)
    // and the granted features: one join.
    const body = await spend('key/validate', 1, 200, () => client.validateKey(limited.key));
    assert.equal((body.validFor as unknown[]).length, 1);
    // An unknown key: the lookup, then the failure counted for the client's address (one upsert).
    await spend('key/validate of an unknown key', 2, 404, () => client.validateKey('NO-SUCH-KEY'));
  });

  it('obtains, validates, renews and releases a lease within budget', async () => {
    const client = licensingClient(server);
    // 1: the key with its license and features. Then the seat claim, one write transaction:
    // BEGIN, the license row (locked on PostgreSQL), the seats in use, the lease and its
    // lease.obtained event (one statement on PostgreSQL, two INSERTs on SQLite), COMMIT.
    const obtain = postgres() ? 6 : 7;
    const obtained = await spend('lease/obtain', obtain, 200, () => client.obtain(limited.key));
    // A client id adds nothing: the count of seats in use also tells whether the client holds one.
    await spend('lease/obtain with a client id', obtain, 200, () => client.obtain(limited.key, { clientId: 'machine-1' }));
    await spend('lease/obtain with a client id that holds a seat', obtain, 200, () => client.obtain(limited.key, { clientId: 'machine-1' }));
    // No limit, no count.
    await spend('lease/obtain, unlimited license', obtain - 1, 200, () => client.obtain(unlimited.key));
    // No count either, but one lookup of the client id among the live leases: the event tells whether the seat is shared.
    await spend('lease/obtain with a client id, unlimited license', obtain, 200, () => client.obtain(unlimited.key, { clientId: 'machine-1' }));
    // 1: the lease with its license and features, one join.
    await spend('lease/validate', 1, 200, () => client.validateLease(obtained.lease as string));
    // 1: the lease with its license and features; then PostgreSQL supersedes it and inserts its
    // successor and its lease.renewed event in one statement, SQLite in a write transaction
    // (BEGIN, UPDATE, INSERT, INSERT, COMMIT).
    const renewed = await spend('lease/renew', postgres() ? 2 : 6, 200, () => client.renew(obtained.lease as string));
    // A code already renewed: its lookup alone tells.
    await spend('lease/renew of a superseded code', 1, 409, () => client.renew(obtained.lease as string));
    // 1: the lease and its license; then PostgreSQL updates it and inserts its lease.released
    // event in one statement, SQLite in a write transaction (BEGIN, UPDATE, INSERT, COMMIT).
    await spend('lease/release', postgres() ? 2 : 5, 200, () => client.release(renewed.lease as string));
    await spend('lease/release again', 1, 200, () => client.release(renewed.lease as string));
  });

  it('refuses an obtain over the limit within budget', async () => {
    const client = licensingClient(server);
    await spend('lease/obtain', postgres() ? 6 : 7, 200, () => client.obtain(full.key));
    // The key, then BEGIN, the license row, the count that says full, the lease.refused event, and COMMIT.
    await spend('lease/obtain over the limit', 6, 409, () => client.obtain(full.key));
  });
});
