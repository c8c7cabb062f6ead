import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeLease, LicenseClient, type SeatKeeperOptions } from '../src/index.js';
import { admin, createLicense, names, Network, record, seatsUsed, startServer, TestClock, type LiveServer, type TestLicense } from './support.js';

describe('SeatKeeper against a real server, on a clock the test moves', () => {
  let live: LiveServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (error: unknown) => void unhandled.push(error);
  before(async () => {
    live = await startServer();
    process.on('unhandledRejection', onUnhandled);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'nothing escaped into the event loop');
    await live.close();
  });

  /** A keeper on its own license (or the one given), with a switchable network and a manual clock. */
  async function setup(options: SeatKeeperOptions & { license?: TestLicense; leaseLimit?: number; clientId?: string } = {}) {
    const license = options.license ?? (await createLicense(live.server, { leaseLimit: options.leaseLimit ?? 1, product: `p-${Math.random().toString(36).slice(2, 8)}`, features: ['pro'] }));
    const clock = new TestClock(live.server.clock);
    const network = new Network();
    const client = new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clientId: options.clientId ?? 'keeper-test', clock, fetch: network.fetch, leaseSeconds: 600 });
    const keeper = client.keeper({ random: () => 0.5, handleSignals: false, ...options });
    const log = record(keeper);
    const advance = (seconds: number) => clock.advance(seconds * 1000, () => keeper.whenIdle());
    return { license, clock, network, client, keeper, log, advance, seats: () => seatsUsed(live.server, license.licenseId) };
  }

  it('obtains a lease, renews it at two thirds of its life and releases it on stop', async () => {
    const { keeper, log, clock, advance, seats, client } = await setup();
    const state = await keeper.start();
    assert.equal(state.status, 'held');
    assert.equal(state.held, true);
    assert.equal(state.online, true);
    assert.deepEqual(names(log), ['acquired']);
    assert.equal(log[0]![1].replaced, null);
    assert.equal(keeper.hasFeature(state.validFor[0]!.product, 'pro'), true);
    assert.equal(keeper.hasFeature(state.validFor[0]!.product, 'other'), false);
    assert.deepEqual(clock.pending(), [400_000, 600_000], 'renewal at 2/3 of 600 s; the lease runs out at 600 s');
    assert.equal(await seats(), 1);

    const first = state.lease!;
    await advance(399);
    assert.deepEqual(names(log), ['acquired']);
    await advance(1);
    assert.deepEqual(names(log), ['acquired', 'renewed']);
    assert.notEqual(keeper.state.lease, first);
    assert.equal(client.lease, keeper.state.lease, "the client follows the keeper's lease");
    const old = await client.validateLease(first);
    assert.ok(old.kind === 'denied' && old.errorCode === 'LEASE_RELEASED');
    assert.deepEqual(clock.pending(), [400_000, 600_000]);
    assert.equal(await seats(), 1);

    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'renewed', 'renewed']);
    assert.deepEqual(await keeper.stop(), { released: true });
    assert.deepEqual(names(log), ['acquired', 'renewed', 'renewed', 'released', 'stopped']);
    assert.equal(keeper.state.status, 'stopped');
    assert.equal(keeper.held, false);
    assert.deepEqual(clock.pending(), []);
    assert.equal(await seats(), 0);
  });

  it('spreads renewals with jitter around two thirds of the lease', async () => {
    const low = await setup({ random: () => 0 });
    await low.keeper.start();
    assert.equal(low.clock.pending()[0], Math.round(600_000 * (2 / 3 - 0.05)));
    await low.keeper.stop();
    const high = await setup({ random: () => 0.999999 });
    await high.keeper.start();
    assert.ok(Math.abs(high.clock.pending()[0]! - 600_000 * (2 / 3 + 0.05)) < 5);
    await high.keeper.stop();
  });

  it('keeps the seat through a network outage shorter than the lease, retrying with backoff', async () => {
    const { keeper, log, clock, network, advance, seats } = await setup();
    await keeper.start();
    network.mode = 'down';
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'offline']);
    const offline = log[1]![1];
    assert.equal(offline.error.kind, 'unavailable');
    assert.equal(offline.error.reason, 'network');
    assert.equal(offline.heldUntil.getTime(), clock.now() + 200_000);
    assert.equal(keeper.state.status, 'held');
    assert.equal(keeper.state.online, false);
    assert.equal(keeper.held, true);

    // Backoff: 1 s, 2 s, 4 s, ... (times 0.75 with this random), up to 60 s.
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const next = clock.pending()[0]!;
      delays.push(next);
      await advance(next / 1000);
    }
    assert.deepEqual(delays, [750, 1500, 3000, 6000, 12_000, 24_000, 45_000, 45_000]);
    assert.equal(keeper.held, true, 'still held within the signed lease');

    network.mode = 'up';
    await advance(clock.pending()[0]! / 1000);
    assert.deepEqual(names(log), ['acquired', 'offline', 'online', 'renewed']);
    assert.equal(keeper.held, true);
    assert.equal(keeper.state.online, true);
    assert.equal(await seats(), 1);
    await keeper.stop();
  });

  it('reports the seat lost when the outage outlasts the lease, and takes one again when the network is back', async () => {
    const { keeper, log, clock, network, advance, seats } = await setup();
    await keeper.start();
    network.mode = 'down';
    await advance(599);
    assert.equal(keeper.held, true);
    assert.deepEqual(names(log), ['acquired', 'offline']);
    await advance(1);
    assert.equal(keeper.held, false);
    assert.deepEqual(names(log), ['acquired', 'offline', 'lost']);
    assert.deepEqual(log[2]![1].errorCode, 'LEASE_EXPIRED');
    assert.equal(keeper.state.status, 'offline');
    assert.equal(await seats(), 0, 'the server let the lease run out too');

    await advance(120);
    assert.deepEqual(names(log), ['acquired', 'offline', 'lost'], 'retries go on quietly');
    network.mode = 'up';
    await advance(clock.pending()[0]! / 1000);
    assert.deepEqual(names(log), ['acquired', 'offline', 'lost', 'online', 'acquired']);
    assert.equal(keeper.held, true);
    assert.equal(await seats(), 1);
    await keeper.stop();
  });

  it('waits at least what Retry-After asks when the server answers 503', async () => {
    const { keeper, log, clock, network, advance } = await setup();
    await keeper.start();
    network.mode = '503';
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'offline']);
    assert.equal(log[1]![1].error.reason, 'server');
    assert.equal(log[1]![1].error.status, 503);
    assert.equal(clock.pending()[0], 5000, 'Retry-After: 5 beats the 750 ms backoff');
    network.mode = 'up';
    await advance(5);
    assert.deepEqual(names(log), ['acquired', 'offline', 'online', 'renewed']);
    await keeper.stop();
  });

  it('reports the limit reached and asks again until a seat is free', async () => {
    const { keeper, log, clock, advance, license, seats } = await setup({ leaseLimit: 1 });
    const other = new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clientId: 'other' });
    assert.ok((await other.obtainLease()).ok);

    const state = await keeper.start();
    assert.equal(state.status, 'waiting');
    assert.equal(state.held, false);
    assert.deepEqual(names(log), ['limitReached']);
    assert.equal(log[0]![1].retryInMs, 60_000);
    assert.deepEqual(clock.pending(), [60_000]);
    await advance(60);
    assert.deepEqual(names(log), ['limitReached', 'limitReached']);

    assert.ok((await other.releaseLease()).ok);
    await advance(60);
    assert.deepEqual(names(log), ['limitReached', 'limitReached', 'acquired']);
    assert.equal(keeper.held, true);
    assert.equal(await seats(), 1);
    await keeper.stop();
  });

  it('takes a new lease when the server ended the old one (released by an administrator)', async () => {
    const { keeper, log, advance, seats } = await setup();
    const state = await keeper.start();
    await admin(live.server, 'POST', `/api/v1/leases/${decodeLease(state.lease!)!.claims.jti}/release`);
    assert.equal(await seats(), 0);
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'acquired']);
    assert.equal(log[1]![1].replaced, 'LEASE_RELEASED');
    assert.equal(keeper.held, true);
    assert.equal(await seats(), 1);
    await keeper.stop();
  });

  it('gets its seat back, not a second one, when the reply to a renewal is lost, with a client id of its own when the application gave none', async () => {
    const license = await createLicense(live.server, { leaseLimit: 1 });
    const clock = new TestClock(live.server.clock);
    let dropRenewReply = false;
    // The renewal reaches the server, which renews; its reply never reaches the keeper.
    const fetchDroppingOneRenewal = async (url: string, init: RequestInit) => {
      const res = await fetch(url, init);
      if (dropRenewReply && url.endsWith('/lease/renew')) {
        dropRenewReply = false;
        await res.arrayBuffer();
        throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      }
      return res;
    };
    const client = new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clientId: null, clock, fetch: fetchDroppingOneRenewal, leaseSeconds: 600 });
    const keeper = client.keeper({ random: () => 0.5, handleSignals: false });
    const log = record(keeper);
    const advance = (seconds: number) => clock.advance(seconds * 1000, () => keeper.whenIdle());
    const seats = () => seatsUsed(live.server, license.licenseId);

    const first = await keeper.start();
    const clientId = decodeLease(first.lease!)!.claims.cid;
    assert.match(String(clientId), /^keeper-[0-9a-f]{32}$/, 'the keeper sends a client id of its own');

    dropRenewReply = true;
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'offline']);
    assert.equal(await seats(), 1, 'the server renewed: the renewed lease, whose code the keeper never got, holds the seat');

    await advance(1);
    // The retry meets LEASE_RELEASED (the old code was renewed away); the keeper obtains again under
    // the same client id and gets another lease on its own seat, though the license is full.
    assert.deepEqual(names(log), ['acquired', 'offline', 'online', 'acquired']);
    assert.equal(log[3]![1].replaced, 'LEASE_RELEASED');
    assert.equal(keeper.held, true);
    assert.equal(decodeLease(keeper.state.lease!)!.claims.cid, clientId);
    assert.equal(await seats(), 1, 'no second seat');
    const other = await new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clientId: 'other-machine' }).obtainLease();
    assert.ok(other.kind === 'denied' && other.errorCode === 'LEASE_LIMIT_REACHED');

    // Renewals go on from the new lease.
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'offline', 'online', 'acquired', 'renewed']);
    assert.deepEqual(await keeper.stop(), { released: true });
    // The lease whose code never arrived expires on its own.
    await advance(600);
    assert.equal(await seats(), 0);
  });

  it('reports the seat lost when the server ended the lease and no seat is left, then waits for one', async () => {
    const { keeper, log, advance, license } = await setup({ leaseLimit: 1 });
    const state = await keeper.start();
    await admin(live.server, 'POST', `/api/v1/leases/${decodeLease(state.lease!)!.claims.jti}/release`);
    const other = new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clientId: 'other' });
    assert.ok((await other.obtainLease()).ok);
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'lost', 'limitReached']);
    assert.equal(log[1]![1].errorCode, 'LEASE_RELEASED');
    assert.equal(keeper.state.status, 'waiting');
    assert.equal(keeper.held, false);
    await keeper.stop();
  });

  it('with reacquire off, reports the seat lost and stops', async () => {
    const { keeper, log, clock, advance } = await setup({ reacquire: false });
    const state = await keeper.start();
    await admin(live.server, 'POST', `/api/v1/leases/${decodeLease(state.lease!)!.claims.jti}/release`);
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'lost']);
    assert.equal(keeper.state.status, 'lost');
    assert.deepEqual(clock.pending(), []);
  });

  it('gives up with denied when the license expires or is deleted while held', async () => {
    const expiring = await setup();
    await expiring.keeper.start();
    await admin(live.server, 'PATCH', `/api/v1/licenses/${expiring.license.licenseId}`, { expiry: new Date(live.server.clock.now() + 1000).toISOString() });
    await expiring.advance(400);
    assert.deepEqual(names(expiring.log), ['acquired', 'lost', 'denied']);
    assert.equal(expiring.log[1]![1].errorCode, 'KEY_EXPIRED');
    assert.equal(expiring.keeper.state.status, 'denied');
    assert.deepEqual(expiring.clock.pending(), []);

    const deleted = await setup();
    await deleted.keeper.start();
    await admin(live.server, 'DELETE', `/api/v1/licenses/${deleted.license.licenseId}`, undefined, 204);
    await deleted.advance(400);
    assert.deepEqual(names(deleted.log), ['acquired', 'lost', 'denied']);
    assert.equal(deleted.log[2]![1].errorCode, 'KEY_INVALID');
  });

  it('gives up with denied at start for an unknown key', async () => {
    const { keeper, log, clock } = await setup({ license: { key: 'NO-SUCH-KEY' } as TestLicense });
    const state = await keeper.start();
    assert.equal(state.status, 'denied');
    assert.equal(state.lastError?.kind, 'denied');
    assert.deepEqual(names(log), ['denied']);
    assert.equal(log[0]![1].errorCode, 'KEY_INVALID');
    assert.deepEqual(clock.pending(), []);
    assert.deepEqual(await keeper.stop(), { released: false });
  });

  it('starts offline without throwing, and takes the seat once the network is there', async () => {
    const { keeper, log, clock, network, advance } = await setup();
    network.mode = 'down';
    const state = await keeper.start();
    assert.equal(state.status, 'offline');
    assert.equal(state.held, false);
    assert.deepEqual(names(log), ['offline']);
    assert.equal(log[0]![1].heldUntil, null);
    network.mode = 'up';
    await advance(clock.pending()[0]! / 1000);
    assert.deepEqual(names(log), ['offline', 'online', 'acquired']);
    await keeper.stop();
  });

  it('stop() while offline resolves without a release; stop() during an obtain releases what it brings', async () => {
    const a = await setup();
    await a.keeper.start();
    a.network.mode = 'down';
    assert.deepEqual(await a.keeper.stop(), { released: false });
    assert.deepEqual(names(a.log), ['acquired', 'stopped']);
    a.network.mode = 'up';
    assert.equal(await a.seats(), 1, 'the lease simply runs out');

    const b = await setup();
    const starting = b.keeper.start();
    while (b.network.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(b.network.calls, ['POST lease/obtain']);
    const stopped = await b.keeper.stop();
    await starting;
    assert.deepEqual(stopped, { released: true });
    assert.deepEqual(names(b.log), ['released', 'stopped']);
    assert.equal(await b.seats(), 0);
    assert.equal(b.keeper.state.status, 'stopped');
    assert.deepEqual(b.clock.pending(), []);

    // Stopped before its first call went out: nothing is obtained.
    const c = await setup();
    const never = c.keeper.start();
    assert.deepEqual(await c.keeper.stop(), { released: false });
    await never;
    assert.deepEqual(c.network.calls, []);
    assert.equal(await c.seats(), 0);

    // And it starts again.
    await b.keeper.start();
    assert.equal(b.keeper.held, true);
    await b.keeper.stop();
    assert.equal(await b.seats(), 0);
  });

  it('a listener that throws is reported as an error event and changes nothing', async () => {
    const { keeper, log, advance } = await setup();
    keeper.on('acquired', () => {
      throw new Error('application bug');
    });
    keeper.on('renewed', async () => {
      throw new Error('async application bug');
    });
    await keeper.start();
    await advance(400);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(names(log), ['acquired', 'error', 'renewed', 'error']);
    assert.equal(log[1]![1].event, 'acquired');
    assert.match(String(log[1]![1].error), /application bug/);
    assert.equal(keeper.held, true);
    await keeper.stop();
  });
});
