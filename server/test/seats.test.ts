import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { openStore, type Store } from '../src/store/index.js';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';

/**
 * One seat per client id: leases obtained on one license with the same client id share a seat,
 * each lease is renewed and released on its own, and the seat is free once its last live lease ends.
 */
describe('one seat per client id', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const client = () => licensingClient(server);
  const obtain = async (license: TestLicense, clientId?: string | null, expiry?: number) => {
    const res = await client().obtain(license.key, { ...(clientId !== undefined ? { clientId } : {}), ...(expiry !== undefined ? { expiry } : {}) });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const lease = async (license: TestLicense, clientId?: string | null, expiry?: number) => {
    const r = await obtain(license, clientId, expiry);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.lease as string;
  };
  const valid = async (code: string) => (await client().validateLease(code)).json().isValid as boolean;
  const used = async (license: TestLicense) => (await client().validateKey(license.key)).json().leasesUsed as number;
  const adminUsed = async (license: TestLicense) => (await server.admin('GET', `/api/v1/licenses/${license.licenseId}`)).json().leasesUsed as number;
  const leaseIdOf = (code: string) => JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString()).jti as string;

  it('gives leases with one client id one seat; the seat is free once its last lease is released', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const first = await lease(license, 'machine-1');
    const second = await lease(license, 'machine-1');
    assert.notEqual(first, second, 'a new lease code on the same seat');
    assert.equal(await valid(first), true, 'the first lease is not superseded');
    assert.equal(await valid(second), true);
    assert.equal(await used(license), 1);
    assert.equal(await adminUsed(license), 1);

    const other = await obtain(license, 'machine-2');
    assert.equal(other.status, 409);
    assert.equal(other.body.errorCode, 'LEASE_LIMIT_REACHED');

    assert.equal((await client().release(first)).statusCode, 200);
    assert.equal(await valid(first), false);
    assert.equal(await valid(second), true, "the seat's other lease stays valid");
    assert.equal(await used(license), 1, 'the seat is still taken');
    assert.equal((await obtain(license, 'machine-2')).status, 409);

    assert.equal((await client().release(second)).statusCode, 200);
    assert.equal(await used(license), 0);
    assert.equal(await adminUsed(license), 0);
    assert.equal((await obtain(license, 'machine-2')).status, 200, 'the freed seat goes to another client');
  });

  it('gives a client that holds a seat another lease on it even at the limit, counting nothing', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    await lease(license, 'a');
    await lease(license, 'b');
    const atLimit = (await server.admin('GET', '/api/v1/licenses?atLimit=true')).json().items.map((l: { id: string }) => l.id);
    assert.ok(atLimit.includes(license.licenseId));
    for (let i = 0; i < 3; i++) await lease(license, 'a');
    assert.equal(await used(license), 2);
    assert.equal((await obtain(license, 'c')).status, 409);
  });

  it('renews each lease of a seat on its own: the others stay valid', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const first = await lease(license, 'machine-r');
    const second = await lease(license, 'machine-r');
    server.clock.advance(5);
    const renewed = await client().renew(first);
    assert.equal(renewed.statusCode, 200, renewed.body);
    assert.equal(await valid(renewed.json().lease), true);
    assert.equal(await valid(second), true, "renewing one lease does not end its seat's others");
    assert.equal(await valid(first), false, 'the renewed code is replaced');
    assert.equal(await used(license), 1);
  });

  it('frees the seat once the last of its leases has expired', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const short = await lease(license, 'machine-e', 60);
    const long = await lease(license, 'machine-e', 300);
    server.clock.advance(61);
    assert.equal(await valid(short), false);
    assert.equal(await valid(long), true);
    assert.equal(await used(license), 1, 'the longer lease still holds the seat');
    assert.equal((await obtain(license, 'machine-f')).status, 409);
    server.clock.advance(240);
    assert.equal(await used(license), 0);
    assert.equal(await adminUsed(license), 0);
    assert.equal((await obtain(license, 'machine-f')).status, 200);
  });

  it('gives every obtain without a client id a seat of its own', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    await lease(license);
    await lease(license, null);
    assert.equal(await used(license), 2);
    const third = await obtain(license);
    assert.equal(third.status, 409);
    assert.equal(third.body.errorCode, 'LEASE_LIMIT_REACHED');
  });

  it("does not take a client id equal to a lease id for that lease's seat", async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    const anonymous = await lease(license);
    assert.equal((await obtain(license, leaseIdOf(anonymous))).status, 200);
    assert.equal(await used(license), 2);
  });

  it('lets an admin release a seat: the lease and every other active lease of its client id on the license', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    const first = await lease(license, 'machine-x');
    const second = await lease(license, 'machine-x');
    const neighbour = await lease(license, 'machine-y');
    const elsewhere = await createLicense(server, { leaseLimit: 1 });
    const sameIdElsewhere = await lease(elsewhere, 'machine-x');

    const res = await server.admin('POST', `/api/v1/leases/${leaseIdOf(first)}/release`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().state, 'released');
    assert.equal(res.json().leasesEnded, 2);
    assert.equal(await valid(first), false);
    assert.equal(await valid(second), false);
    assert.equal((await client().validateLease(second)).json().errorCode, 'LEASE_RELEASED');
    assert.equal(await valid(neighbour), true, "another client's seat stays");
    assert.equal(await valid(sameIdElsewhere), true, 'the same client id on another license stays');
    assert.equal(await used(license), 1);

    const audit = (await server.admin('GET', `/api/v1/audit?resourceType=lease&resourceId=${leaseIdOf(first)}`)).json();
    const entry = audit.items.find((e: { action: string }) => e.action === 'release');
    assert.ok(entry, JSON.stringify(audit));
    assert.equal(entry.after.leasesEnded, 2);

    const again = await server.admin('POST', `/api/v1/leases/${leaseIdOf(second)}/release`);
    assert.equal(again.json().leasesEnded, 0, 'a seat already ended ends nothing');
    const single = await server.admin('POST', `/api/v1/leases/${leaseIdOf(neighbour)}/release`);
    assert.equal(single.json().leasesEnded, 1);
  });
});

describe('one seat per client id under concurrency (real HTTP)', () => {
  let server: TestServer;
  let second: { app: Awaited<ReturnType<typeof buildApp>>; store: Store };
  let bases: string[];
  before(async () => {
    server = await startTestServer();
    // A second instance on the same database, with its own connections (and, on SQLite, its own group commits).
    const store = await openStore(server.config.database, { secrets: server.store.secrets });
    second = { store, app: await buildApp({ config: server.config, store, clock: server.clock, logger: false }) };
    await second.app.listen({ port: 0, host: '127.0.0.1' });
    const address = second.app.server.address();
    const secondUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    bases = [`${await server.listen()}${server.licensingPath}`, `${secondUrl}${server.licensingPath}`];
  });
  after(async () => {
    await second?.app.close();
    await second?.store.close();
    await server?.close();
  });

  const post = async (base: string, path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const valid = async (code: string) => (await (await fetch(`${bases[0]}/lease/validate?lease=${encodeURIComponent(code)}`)).json()).isValid as boolean;
  const used = async (key: string) => (await (await fetch(`${bases[1]}/key/validate?key=${encodeURIComponent(key)}`)).json()).leasesUsed as number;

  for (const instances of [1, 2]) {
    const on = instances === 1 ? 'on one instance' : 'across two instances on one database';
    it(`gives 50 simultaneous obtains with one client id on a limit of 1 fifty valid leases on one seat, ${on}`, async () => {
      const license = await createLicense(server, { leaseLimit: 1 });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(bases[i % instances]!, '/lease/obtain', { key: license.key, clientId: 'same-machine' })));
      assert.deepEqual(
        results.filter((r) => r.status !== 200),
        [],
      );
      const codes = new Set(results.map((r) => r.body.lease as string));
      assert.equal(codes.size, 50);
      for (const code of codes) assert.equal(await valid(code), true);
      assert.equal(await used(license.key), 1);
    });

    it(`gives 100 simultaneous obtains of 10 client ids on a limit of 3 to exactly 3 client ids, all of theirs, ${on}`, async () => {
      const license = await createLicense(server, { leaseLimit: 3 });
      const results = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => ({ clientId: `client-${i % 10}`, ...(await post(bases[i % instances]!, '/lease/obtain', { key: license.key, clientId: `client-${i % 10}` })) })),
      );
      const granted = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      const winners = new Set(granted.map((r) => r.clientId));
      assert.equal(winners.size, 3, `granted to ${[...winners].join(', ')}`);
      assert.equal(granted.length, 30, 'every obtain of a client id that holds a seat is granted');
      assert.ok(refused.every((r) => r.status === 409 && r.body.errorCode === 'LEASE_LIMIT_REACHED' && !winners.has(r.clientId)));
      assert.equal(await used(license.key), 3);
      for (const r of granted) assert.equal(await valid(r.body.lease as string), true);
    });
  }
});
