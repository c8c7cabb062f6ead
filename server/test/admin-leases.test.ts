// The admin API's view of a license's leases, and releasing a lease by hand.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertValidationFailed, leaseIdOf, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

describe('admin API: leases', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("lists a license's leases newest first with id, clientId, issuedAt, expiry and state", async () => {
    const license = await createLicense(server, { leaseLimit: 5 });
    const client = licensingClient(server);
    const first = (await client.obtain(license.key, { clientId: 'host-a', expiry: 300 })).json().lease as string;
    const firstIssued = server.clock.now();
    server.clock.advance(10);
    const second = (await client.obtain(license.key, { clientId: 'host-a', expiry: 300 })).json().lease as string;
    server.clock.advance(10);
    const third = (await client.obtain(license.key, { expiry: 120 })).json().lease as string;
    const thirdIssued = server.clock.now();
    server.clock.advance(10);
    await client.release(third);

    const listed = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases`));
    assert.equal(listed.total, 3);
    assert.deepEqual(
      listed.items.map((l: Json) => [l.id, l.clientId, l.state]),
      [
        [leaseIdOf(third), null, 'released'],
        [leaseIdOf(second), 'host-a', 'active'],
        [leaseIdOf(first), 'host-a', 'active'],
      ],
    );
    const [t, , f] = listed.items;
    assert.equal(f.licenseId, license.licenseId);
    assert.equal(f.issuedAt, new Date(firstIssued).toISOString());
    assert.equal(f.expiry, new Date(firstIssued + 300_000).toISOString());
    assert.equal(f.endedAt, null, 'the same client obtaining again shares the seat and ends nothing');
    assert.equal(t.issuedAt, new Date(thirdIssued).toISOString());
    assert.equal(t.expiry, new Date(thirdIssued + 120_000).toISOString());
    assert.equal(t.endedAt, new Date(server.clock.now()).toISOString());

    const active = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases?state=active`));
    assert.deepEqual(
      active.items.map((l: Json) => l.id),
      [leaseIdOf(second), leaseIdOf(first)],
    );
    assert.equal(active.total, 2);
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`)).leasesUsed, 1, 'two leases of one client id are one seat');
    const paged = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases?limit=1&offset=2`));
    assert.deepEqual({ ids: paged.items.map((l: Json) => l.id), total: paged.total }, { ids: [leaseIdOf(first)], total: 3 });
    assertValidationFailed(await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases?state=gone`), 'querystring.state');
  });

  it('lists a renewed lease as superseded and its successor as active', async () => {
    const license = await createLicense(server);
    const client = licensingClient(server);
    const lease = (await client.obtain(license.key)).json().lease as string;
    server.clock.advance(5);
    const renewed = (await client.renew(lease)).json().lease as string;
    const states = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases`)).items.map((l: Json) => [l.id, l.state]);
    assert.deepEqual(states, [
      [leaseIdOf(renewed), 'active'],
      [leaseIdOf(lease), 'superseded'],
    ]);
  });

  it('releasing a lease frees its seat at once and its code answers LEASE_RELEASED', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const client = licensingClient(server);
    const lease = (await client.obtain(license.key, { clientId: 'desk-1' })).json().lease as string;
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1);
    assert.equal((await client.obtain(license.key)).json().errorCode, 'LEASE_LIMIT_REACHED');

    server.clock.advance(20);
    const released = ok(await server.admin('POST', `/api/v1/leases/${leaseIdOf(lease)}/release`));
    assert.equal(released.id, leaseIdOf(lease));
    assert.equal(released.state, 'released');
    assert.equal(released.clientId, 'desk-1');
    assert.equal(released.endedAt, new Date(server.clock.now()).toISOString());

    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 0);
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`)).leasesUsed, 0);
    const validation = await client.validateLease(lease);
    assert.equal(validation.statusCode, 409);
    assert.equal(validation.json().errorCode, 'LEASE_RELEASED');
    assert.equal((await client.renew(lease)).json().errorCode, 'LEASE_RELEASED');
    assert.equal((await client.obtain(license.key)).statusCode, 200, 'the freed seat can be taken again');

    const again = ok(await server.admin('POST', `/api/v1/leases/${leaseIdOf(lease)}/release`));
    assert.equal(again.endedAt, released.endedAt, 'releasing again changes nothing');
    assertError(await server.admin('POST', '/api/v1/leases/00000000-0000-0000-0000-000000000000/release'), 404, 'NOT_FOUND');
  });

  it('answers 404 for the leases of an unknown license', async () => {
    assertError(await server.admin('GET', '/api/v1/licenses/00000000-0000-0000-0000-000000000000/leases'), 404, 'NOT_FOUND');
  });
});
