import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { ConfigError, resolveConfig } from '../src/config.js';
import { addressKey } from '../src/licensing/throttle.js';
import { openStore } from '../src/store/index.js';
import { createLicense, startTestServer, type TestLicense, type TestServer } from './helpers.js';

/** Licensing calls from one client address (or through a proxy, with X-Forwarded-For). */
function from(app: FastifyInstance, base: string, remoteAddress: string, forwardedFor?: string) {
  const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  return {
    validateKey: (key: string) => app.inject({ method: 'GET', url: `${base}/key/validate`, query: { key }, remoteAddress, headers }),
    obtain: (key: string) => app.inject({ method: 'POST', url: `${base}/lease/obtain`, payload: { key }, remoteAddress, headers }),
    validateLease: (lease: string) => app.inject({ method: 'GET', url: `${base}/lease/validate`, query: { lease }, remoteAddress, headers }),
    renew: (lease: string) => app.inject({ method: 'POST', url: `${base}/lease/renew`, payload: { lease }, remoteAddress, headers }),
    release: (lease: string) => app.inject({ method: 'POST', url: `${base}/lease/release`, payload: { lease }, remoteAddress, headers }),
  };
}

let guess = 0;
/** A key nobody has. */
const wrongKey = () => `WRONG-${++guess}-${Math.random().toString(36).slice(2)}`;

function assertTooMany(res: LightMyRequestResponse, flag: 'isValid' | 'success' = 'isValid') {
  assert.equal(res.statusCode, 429, res.body);
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers['retry-after']}`);
  const body = res.json();
  assert.equal(body[flag], false);
  assert.equal(body.errorCode, 'TOO_MANY_REQUESTS');
  assert.equal(typeof body.message, 'string');
  return retryAfter;
}

describe('failed licensing lookups are limited per client address', () => {
  let server: TestServer;
  let license: TestLicense;
  let other: TestLicense;
  before(async () => {
    server = await startTestServer({ env: { LEASEHOLD_TRUST_PROXY: '10.9.9.9' } });
    license = await createLicense(server);
    other = await createLicense(server);
  });
  after(() => server.close());

  it('answers 429 with Retry-After past 30 failures a minute, spares keys already good from that address, and ends the block', async () => {
    const start = server.clock.ms;
    const me = from(server.app, server.licensingPath, '198.51.100.7');
    const neighbour = from(server.app, server.licensingPath, '198.51.100.8');
    // A good key and a lease, used from this address before anything goes wrong.
    assert.equal((await me.validateKey(license.key)).statusCode, 200);
    const lease = (await me.obtain(license.key)).json().lease as string;

    for (let i = 1; i <= 30; i++) {
      const res = await me.validateKey(wrongKey());
      assert.equal(res.statusCode, 404, `failure ${i}: ${res.body}`);
      assert.equal(res.json().errorCode, 'KEY_INVALID');
    }
    const blocked = await me.validateKey(wrongKey());
    assert.equal(assertTooMany(blocked), 60);
    assert.deepEqual(
      { ...blocked.json<object>(), message: undefined },
      { isValid: false, errorCode: 'TOO_MANY_REQUESTS', message: undefined, expiry: null, leaseLimit: null, leasesUsed: null, validFor: [] },
    );
    assertTooMany(await me.obtain(wrongKey()), 'success');

    // A valid key this address never used is not revealed: it is refused like any guess.
    assertTooMany(await me.validateKey(other.key));
    assertTooMany(await me.obtain(other.key), 'success');
    // The key it used before keeps working, and so do its lease codes.
    assert.equal((await me.validateKey(license.key)).json().isValid, true);
    assert.equal((await me.obtain(license.key)).json().success, true);
    assert.equal((await me.validateLease(lease)).json().isValid, true);
    const renewed = await me.renew(lease);
    assert.equal(renewed.json().success, true, renewed.body);
    // A wrong lease code is refused as a failure.
    assertTooMany(await me.validateLease(`${renewed.json().lease}x`));
    assertTooMany(await me.release('not.a.lease'), 'success');
    assert.equal((await me.release(renewed.json().lease)).json().success, true);

    // Another address is not affected.
    assert.equal((await neighbour.validateKey(other.key)).json().isValid, true);
    assert.equal((await neighbour.validateKey(wrongKey())).statusCode, 404);

    // Retry-After counts down with the clock, and the block ends.
    server.clock.advance(45);
    assert.equal(assertTooMany(await me.validateKey(wrongKey())), 15);
    server.clock.advance(15);
    assert.equal((await me.validateKey(other.key)).json().isValid, true);
    assert.equal((await me.validateKey(wrongKey())).statusCode, 404);
    server.clock.ms = start + 3600_000;
  });

  it('counts the forwarded address behind a trusted proxy, and the peer address otherwise', async () => {
    const proxy = '10.9.9.9';
    const viaProxyA = from(server.app, server.licensingPath, proxy, '203.0.113.10');
    const viaProxyB = from(server.app, server.licensingPath, proxy, '203.0.113.11');
    for (let i = 0; i < 30; i++) assert.equal((await viaProxyA.obtain(wrongKey())).statusCode, 404);
    assertTooMany(await viaProxyA.obtain(wrongKey()), 'success');
    // Another client behind the same proxy, and the proxy's own address, are not blocked.
    assert.equal((await viaProxyB.obtain(wrongKey())).statusCode, 404);
    assert.equal((await from(server.app, server.licensingPath, proxy).validateKey(wrongKey())).statusCode, 404);

    // An untrusted peer cannot spread its guesses over made-up forwarded addresses.
    for (let i = 0; i < 30; i++) {
      const res = await from(server.app, server.licensingPath, '192.0.2.50', `203.0.113.${100 + i}`).validateKey(wrongKey());
      assert.equal(res.statusCode, 404);
    }
    assertTooMany(await from(server.app, server.licensingPath, '192.0.2.50', '203.0.113.200').validateKey(wrongKey()));
    server.clock.advance(3600);
  });

  it('counts an IPv6 client by its /64 network, and an IPv4-mapped address as IPv4', async () => {
    assert.equal(addressKey('2001:DB8:0:0a::1'), '2001:db8:0:a::/64');
    assert.equal(addressKey('2001:db8::'), '2001:db8:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey('1:2:3:4:5:6:7:8'), '1:2:3:4::/64');
    assert.equal(addressKey('::ffff:198.51.100.9'), '198.51.100.9');
    assert.equal(addressKey('198.51.100.9'), '198.51.100.9');
    for (let i = 1; i <= 30; i++) {
      assert.equal((await from(server.app, server.licensingPath, `2001:db8:5:6::${i.toString(16)}`).validateKey(wrongKey())).statusCode, 404);
    }
    assertTooMany(await from(server.app, server.licensingPath, '2001:db8:5:6:ffff:1:2:3').validateKey(wrongKey()));
    assert.equal((await from(server.app, server.licensingPath, '2001:db8:5:7::1').validateKey(wrongKey())).statusCode, 404, 'the next /64 is another client');
    server.clock.advance(3600);
  });

  it('holds the limit exactly for a burst of simultaneous failures', async () => {
    const me = from(server.app, server.licensingPath, '198.51.100.70');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? me.validateKey(wrongKey()) : me.obtain(wrongKey()))));
    const statuses = answers.map((a) => a.statusCode);
    assert.equal(statuses.filter((s) => s === 404).length, 30, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 20);
    server.clock.advance(3600);
  });

  it('holds across two instances on one database', async () => {
    const store = await openStore(server.config.database, { secrets: server.store.secrets });
    const second = await buildApp({ config: server.config, store, clock: server.clock, logger: false });
    try {
      const one = from(server.app, server.licensingPath, '198.51.100.99');
      const two = from(second, server.licensingPath, '198.51.100.99');
      for (let i = 0; i < 30; i++) assert.equal((await (i % 2 ? one : two).validateKey(wrongKey())).statusCode, 404, `failure ${i + 1}`);
      assertTooMany(await two.validateKey(wrongKey()));
      assertTooMany(await one.validateKey(wrongKey()));
      // Each instance now refuses the address without asking the database.
      const before = store.statements;
      assertTooMany(await two.validateKey(wrongKey()));
      assertTooMany(await two.obtain(license.key), 'success');
      assert.equal(store.statements, before);
      server.clock.advance(60);
      assert.equal((await two.validateKey(license.key)).json().isValid, true);
    } finally {
      await second.close();
      await store.close();
    }
    server.clock.advance(3600);
  });

  it('writes nothing for lookups that succeed', async () => {
    const me = from(server.app, server.licensingPath, '198.51.100.120');
    // The first call after the clock moved reloads the organization's signing key.
    assert.equal((await me.validateKey(license.key)).statusCode, 200);
    const before = server.store.statements;
    for (let i = 0; i < 40; i++) assert.equal((await me.validateKey(license.key)).statusCode, 200);
    assert.equal(server.store.statements - before, 40);
  });
});

describe('housekeeping of lookup failures', () => {
  it('deletes the counts of addresses that neither count nor are blocked any more', async () => {
    const server = await startTestServer({ env: { LEASEHOLD_LICENSING_FAILURES_PER_MINUTE: '1', LEASEHOLD_LICENSING_BLOCK_SECONDS: '120' } });
    try {
      const me = from(server.app, server.licensingPath, '198.51.100.200');
      await me.validateKey(wrongKey());
      assert.equal((await me.validateKey(wrongKey())).statusCode, 429);
      server.clock.advance(60);
      assert.equal(await server.store.licensingThrottle.deleteStale(server.clock.now(), 60_000), 0, 'still blocked');
      server.clock.advance(60);
      await server.app.housekeeping.run();
      assert.equal(await server.store.licensingThrottle.deleteStale(server.clock.now(), 60_000), 0, 'housekeeping deleted it');
      assert.equal((await me.validateKey(wrongKey())).statusCode, 404);
    } finally {
      await server.close();
    }
  });
});

describe('the lookup limit is configurable', () => {
  it('reads its settings from the environment, with defaults, and refuses bad values', () => {
    const config = (env: Record<string, string>) => resolveConfig({ database: ':memory:' }, env);
    assert.deepEqual([config({}).licensingFailuresPerMinute, config({}).licensingBlockSeconds], [30, 60]);
    const set = config({ LEASEHOLD_LICENSING_FAILURES_PER_MINUTE: '0', LEASEHOLD_LICENSING_BLOCK_SECONDS: '900' });
    assert.deepEqual([set.licensingFailuresPerMinute, set.licensingBlockSeconds], [0, 900]);
    for (const env of [
      { LEASEHOLD_LICENSING_FAILURES_PER_MINUTE: '-1' },
      { LEASEHOLD_LICENSING_FAILURES_PER_MINUTE: 'many' },
      { LEASEHOLD_LICENSING_BLOCK_SECONDS: '0' },
      { LEASEHOLD_LICENSING_BLOCK_SECONDS: '86401' },
    ] as Record<string, string>[]) {
      assert.throws(() => config(env), ConfigError, JSON.stringify(env));
    }
  });

  it('blocks after the configured number for the configured time, and 0 turns it off', async () => {
    const strict = await startTestServer({ env: { LEASEHOLD_LICENSING_FAILURES_PER_MINUTE: '3', LEASEHOLD_LICENSING_BLOCK_SECONDS: '300' } });
    const off = await startTestServer({ env: { LEASEHOLD_LICENSING_FAILURES_PER_MINUTE: '0' } });
    try {
      const me = from(strict.app, strict.licensingPath, '198.51.100.1');
      for (let i = 0; i < 3; i++) assert.equal((await me.validateKey(wrongKey())).statusCode, 404);
      const res = await me.validateKey(wrongKey());
      assert.equal(res.statusCode, 429);
      assert.equal(res.headers['retry-after'], '300');
      strict.clock.advance(299);
      assert.equal((await me.validateKey(wrongKey())).statusCode, 429);
      strict.clock.advance(1);
      assert.equal((await me.validateKey(wrongKey())).statusCode, 404);

      const unlimited = from(off.app, off.licensingPath, '198.51.100.1');
      for (let i = 0; i < 100; i++) assert.equal((await unlimited.validateKey(wrongKey())).statusCode, 404);
    } finally {
      await strict.close();
      await off.close();
    }
  });
});
