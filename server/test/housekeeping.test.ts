import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, resolveConfig } from '../src/config.js';
import { Housekeeping } from '../src/housekeeping.js';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';

const DAY_S = 86_400;

describe('lease housekeeping', () => {
  let server: TestServer;
  let license: TestLicense;
  const client = () => licensingClient(server);
  const leaseIds = async () => ((await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases?limit=100`)).json().items as { id: string; state: string }[]).map((l) => l.state).sort();

  before(async () => {
    server = await startTestServer();
    license = await createLicense(server, { leaseLimit: 10 });
  });
  after(() => server.close());

  it('deletes leases that ended or expired more than 30 days ago, keeps the rest, and leaves usage history alone', async () => {
    // Day 0: five leases: one released, one renewed (superseded + its active successor), one left to expire.
    const released = (await client().obtain(license.key, { clientId: 'released' })).json().lease;
    await client().release(released);
    const renewed = (await client().obtain(license.key, { clientId: 'renewed', expiry: 3600 })).json().lease;
    assert.equal((await client().renew(renewed, { expiry: 3600 })).statusCode, 200);
    await client().obtain(license.key, { clientId: 'expires', expiry: 60 });
    await server.app.usage.flush();
    assert.deepEqual(await leaseIds(), ['active', 'active', 'released', 'superseded']);

    // Day 29: nothing is old enough yet; the two leases that ran out (the renewed lease's successor
    // and the one left to expire) are marked expired.
    server.clock.advance(29 * DAY_S);
    assert.deepEqual(await server.app.housekeeping.run(), { expired: 2, leases: 0, sessions: 0, events: 0 });
    assert.deepEqual(await leaseIds(), ['expired', 'expired', 'released', 'superseded']);

    // Day 31: the released, superseded and expired leases of day 0 go; a lease active now stays.
    server.clock.advance(2 * DAY_S - 3600);
    const keeper = (await client().obtain(license.key, { clientId: 'keeper' })).json().lease;
    const result = await server.app.housekeeping.run();
    assert.equal(result.leases, 4, 'released, superseded, its successor (expired after an hour) and the expired lease');
    assert.equal(result.expired, 0, 'the keeper is live');
    assert.deepEqual(await leaseIds(), ['active']);
    assert.equal((await client().validateLease(keeper)).json().isValid, true);
    assert.equal((await client().validateLease(released)).json().errorCode, 'LEASE_INVALID', 'a deleted lease is unknown');
    assert.equal((await client().validateKey(license.key)).json().leasesUsed, 1);

    // Usage history is kept: the day-0 hour still holds its peak of two leases.
    const rows = await server.store.usage.rows(server.org.organizationId, 0, server.clock.now(), license.licenseId);
    assert.equal(rows[0]?.peakLeases, 2, JSON.stringify(rows));
  });

  it('deletes in bounded batches, and two instances running at once delete each old lease exactly once', async () => {
    const other = await createLicense(server, { leaseLimit: null });
    for (let i = 0; i < 25; i++) {
      const lease = (await client().obtain(other.key, { clientId: `batch-${i}` })).json().lease;
      if (i % 2 === 0) await client().release(lease);
    }
    server.clock.advance(31 * DAY_S);
    const small = (maxBatches: number) => new Housekeeping(server.store, server.clock, { retentionDays: 30, batchSize: 4, maxBatches });
    const first = await small(2).run();
    assert.equal(first.leases, 8, 'one run deletes at most batchSize × maxBatches');
    assert.equal(first.expired, 8, 'marking too goes by batches');
    const [a, b] = await Promise.all([small(100).run(), small(100).run()]);
    assert.equal(first.leases + a.leases + b.leases, 25 + 1, 'every old lease (and the keeper of the first test, now expired) once');
    assert.equal(first.expired + a.expired + b.expired, 12 + 1, 'every lease that ran out while active (and the keeper) marked once');
    assert.deepEqual(await small(100).run(), { expired: 0, leases: 0, sessions: 0, events: 0 });
  });

  it('keeps events 30 days unless LEASEHOLD_EVENT_RETENTION_DAYS says otherwise, from 1 to 36500 days', () => {
    const days = (value?: string) => resolveConfig({ database: ':memory:' }, value === undefined ? {} : { LEASEHOLD_EVENT_RETENTION_DAYS: value }).eventRetentionDays;
    assert.equal(days(), 30);
    assert.equal(days('7'), 7);
    for (const bad of ['0', '36501', 'a week']) assert.throws(() => days(bad), ConfigError, bad);
  });

  it('deletes events older than LEASEHOLD_EVENT_RETENTION_DAYS that no live subscriber still needs', async () => {
    const short = await startTestServer({ env: { LEASEHOLD_EVENT_RETENTION_DAYS: '2' } });
    try {
      const limited = await createLicense(short, { leaseLimit: 1 });
      const seat = async () => licensingClient(short).release((await licensingClient(short).obtain(limited.key)).json().lease);
      const org = short.org.organizationId;
      const events = async () => (await short.store.events.list(org, { limit: 100 })).map((e) => `${e.type} ${e.at}`);
      await seat();
      const dayZero = await events();
      assert.ok(dayZero.length >= 2, 'the obtain and the release, and whatever the catalog recorded');
      short.clock.advance(DAY_S);
      await seat();
      const dayOne = (await events()).slice(0, 2);
      // Two days and a second after day 0: its events go, those of day 1 stay.
      short.clock.advance(DAY_S + 1);
      const result = await short.app.housekeeping.run();
      assert.equal(result.events, dayZero.length);
      assert.deepEqual(await events(), dayOne);
      assert.deepEqual(
        dayOne.map((e) => e.split(' ')[0]),
        ['lease.released', 'lease.obtained'],
      );
    } finally {
      await short.close();
    }
  });

  it('deletes expired sign-in sessions', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: server.org.adminUsername, password: server.org.adminPassword } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await server.app.housekeeping.run()).sessions, 0, 'a live session stays');
    server.clock.advance(31 * DAY_S);
    assert.equal((await server.app.housekeeping.run()).sessions, 1);
  });
});
