import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { openConfiguredStore } from '../src/server.js';
import type { Store } from '../src/store/index.js';
import { createLicense, type TestLicense, startTestServer, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';

/*
 * The usage history read from the outbox: obtains and refusals are lease events, committed with
 * the claim, and a usage flush on any instance turns them into the hourly rows, once each.
 */

const HOUR = 3600_000;
const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;

describe(`usage history from the lease events on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  /** A second instance on the same database: its own store (connection or pool) and app. */
  let other: { store: Store; app: FastifyInstance };

  before(async () => {
    server = await startTestServer();
    const store = await openConfiguredStore(server.config);
    other = { store, app: await buildApp({ config: server.config, store, clock: server.clock, logger: false }) };
  });
  after(async () => {
    await other?.app.close();
    await other?.store.close();
    await server?.close();
  });

  const org = () => server.org.organizationId;
  /** An obtain through `app`, for two hours unless told; answers the status and the error code. */
  async function obtain(app: FastifyInstance, license: TestLicense, expiry = 7200): Promise<string> {
    const res = await app.inject({ method: 'POST', url: `/licensing/${org()}/lease/obtain`, payload: { key: license.key, expiry } });
    return res.statusCode === 200 ? 'granted' : `${res.statusCode} ${res.json().errorCode}`;
  }
  const times = async (n: number, call: () => Promise<string>) => {
    const answers = [];
    for (let i = 0; i < n; i++) answers.push(await call());
    return answers;
  };
  /** The license's hourly rows as `{hour offset from `from`: [peak, refused]}`. */
  async function usage(license: TestLicense, from: number): Promise<Record<number, [number, number]>> {
    const rows = await server.store.usage.rows(org(), 0, Number.MAX_SAFE_INTEGER, license.licenseId);
    return Object.fromEntries(rows.map((r) => [(r.hour - hourOf(from)) / HOUR, [r.peakLeases, r.refused]]));
  }

  it('counts the obtains and refusals of another instance, made before the history had a subscription, at a flush', async () => {
    const start = server.clock.now();
    const license = await createLicense(server, { leaseLimit: 2 });
    assert.deepEqual(await times(3, () => obtain(server.app, license)), ['granted', 'granted', '409 LEASE_LIMIT_REACHED']);
    assert.deepEqual(await usage(license, start), {}, 'the licensing path writes no usage');
    assert.equal((await server.store.events.list(org(), { types: ['lease.obtained', 'lease.refused'], limit: 10 })).length, 3, 'but its events');
    assert.equal(await server.store.eventSubscriptions.get('usage-history'), undefined, 'which no one has read yet');

    await other.app.usage.flush();
    assert.deepEqual(await usage(license, start), { 0: [2, 1] });
    await other.app.usage.flush();
    await server.app.usage.flush();
    assert.deepEqual(await usage(license, start), { 0: [2, 1] }, 'each event once, whichever instance flushes');
  });

  it('loses nothing when the instance that holds the history stops without a word: another takes over once its hold ran out', async () => {
    const start = server.clock.now();
    const license = await createLicense(server, { leaseLimit: 1 });
    assert.deepEqual(await times(3, () => obtain(server.app, license)), ['granted', '409 LEASE_LIMIT_REACHED', '409 LEASE_LIMIT_REACHED']);
    // The other instance read the history last and holds it; it never flushes again, as if it died.
    await server.app.usage.flush();
    assert.equal((await usage(license, start))[0]?.[1] ?? 0, 0, 'not yet: the other instance holds the history for 30 s');
    server.clock.advance(30);
    await server.app.usage.flush();
    assert.deepEqual(await usage(license, start), { 0: [1, 2] });
  });

  it('counts each event in the hour it happened, however late it is delivered', async () => {
    const start = server.clock.now();
    const license = await createLicense(server, { leaseLimit: 2 });
    assert.deepEqual(await times(3, () => obtain(server.app, license)), ['granted', 'granted', '409 LEASE_LIMIT_REACHED']);
    server.clock.advance(3600);
    assert.equal(await obtain(other.app, license), '409 LEASE_LIMIT_REACHED');
    await server.app.usage.flush();
    assert.deepEqual(await usage(license, start), { 0: [2, 1], 1: [2, 1] });
  });

  it('counts the seats of a license without a limit as they were at its obtains, not with those obtained after', async () => {
    const start = server.clock.now();
    const license = await createLicense(server, { leaseLimit: null });
    await times(2, () => obtain(server.app, license));
    server.clock.advance(3600);
    await times(3, () => obtain(other.app, license));
    await server.app.usage.flush();
    assert.deepEqual(await usage(license, start), { 0: [2, 0], 1: [5, 0] });
  });

  it('shows the seats taken in an hour whose only event was a refusal, though no flush ran in that hour', async () => {
    const start = server.clock.now();
    const license = await createLicense(server, { leaseLimit: 1 });
    assert.equal(await obtain(server.app, license, 3 * 3600), 'granted');
    await server.app.usage.flush();
    server.clock.advance(3600);
    assert.equal(await obtain(server.app, license), '409 LEASE_LIMIT_REACHED');
    server.clock.advance(3600);
    await server.app.usage.flush();
    assert.deepEqual(await usage(license, start), { 0: [1, 0], 1: [1, 1], 2: [1, 0] });
  });
});
