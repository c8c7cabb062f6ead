import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLicense, startTestServer, type TestServer } from './helpers.js';

/** Fires all requests at once over real HTTP connections and waits for every answer. */
async function burst<T>(count: number, request: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => request(i)));
}

describe('the lease limit under concurrency (real HTTP)', () => {
  let server: TestServer;
  let base: string;
  before(async () => {
    server = await startTestServer();
    base = `${await server.listen()}${server.licensingPath}`;
  });
  after(() => server.close());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('gives exactly 5 leases to 100 simultaneous obtains on a limit of 5', async () => {
    const license = await createLicense(server, { leaseLimit: 5 });
    const results = await burst(100, (i) => post('/lease/obtain', { key: license.key, clientId: `client-${i}` }));
    const granted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    assert.equal(granted.length, 5);
    assert.equal(refused.length, 95);
    assert.ok(refused.every((r) => r.body.errorCode === 'LEASE_LIMIT_REACHED'));
    const validation = await (await fetch(`${base}/key/validate?key=${license.key}`)).json();
    assert.equal(validation.leasesUsed, 5);
    const listed = (await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases?state=active`)).json();
    assert.equal(listed.total, 5);
  });

  it('keeps the limit while releases and obtains race each other', async () => {
    const license = await createLicense(server, { leaseLimit: 3 });
    const first = await burst(3, () => post('/lease/obtain', { key: license.key }));
    const leases = first.map((r) => r.body.lease as string);
    const mixed = await burst(60, (i) => (i < 3 ? post('/lease/release', { lease: leases[i] }) : post('/lease/obtain', { key: license.key, clientId: `late-${i}` })));
    const granted = mixed.slice(3).filter((r) => r.status === 200).length;
    assert.ok(mixed.slice(0, 3).every((r) => r.body.success === true));
    assert.ok(granted <= 3, `at most the 3 released seats are given out again, got ${granted}`);
    const used = (await (await fetch(`${base}/key/validate?key=${license.key}`)).json()).leasesUsed;
    assert.equal(used, granted);
  });

  it('lets one client that obtains many times at once hold exactly one seat', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    const results = await burst(30, () => post('/lease/obtain', { key: license.key, clientId: 'same-machine' }));
    assert.ok(
      results.every((r) => r.status === 200),
      'a client holding a seat always gets it back',
    );
    const used = (await (await fetch(`${base}/key/validate?key=${license.key}`)).json()).leasesUsed;
    assert.equal(used, 1);
  });

  it('lets exactly one of two simultaneous renewals of a lease succeed', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const lease = (await post('/lease/obtain', { key: license.key })).body.lease;
    const results = await burst(2, () => post('/lease/renew', { lease }));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.equal(results.find((r) => r.status === 409)!.body.errorCode, 'LEASE_RELEASED');
  });

  it('lets exactly one of 50 simultaneous renewals succeed, and the seat count stays one', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const lease = (await post('/lease/obtain', { key: license.key })).body.lease;
    const results = await burst(50, () => post('/lease/renew', { lease }));
    const winners = results.filter((r) => r.status === 200);
    assert.equal(winners.length, 1);
    const fresh = winners[0]!.body.lease as string;
    assert.equal((await (await fetch(`${base}/lease/validate?lease=${encodeURIComponent(fresh)}`)).json()).isValid, true);
    assert.equal((await (await fetch(`${base}/key/validate?key=${license.key}`)).json()).leasesUsed, 1);
  });
});
