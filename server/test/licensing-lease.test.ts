import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

describe('lease life cycle', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { LEASEHOLD_MAX_LEASE_SECONDS: '3600' } });
  });
  after(() => server.close());

  it('obtains a lease that validates, with a 600 s default lifetime and what the license grants', async () => {
    const license = await createLicense(server, { product: 'cad', features: ['render'] });
    const client = licensingClient(server);
    const res = await client.obtain(license.key);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.success, true);
    assert.equal(body.errorCode, null);
    assert.equal(typeof body.lease, 'string');
    assert.equal(body.expiry, new Date(server.clock.now() + 600_000).toISOString());
    assert.deepEqual(body.validFor, [{ product: 'cad', productDescription: 'A product', features: [{ feature: 'render', featureDescription: 'Feature render' }] }]);
    const validation = await client.validateLease(body.lease);
    assert.equal(validation.statusCode, 200);
    assert.deepEqual(validation.json(), { isValid: true, errorCode: null, expiry: body.expiry, validFor: body.validFor });
  });

  it('grants the requested lifetime, clamps it to the server maximum, and never past the license expiry', async () => {
    const client = licensingClient(server);
    const open = await createLicense(server);
    assert.equal((await client.obtain(open.key, { expiry: 120 })).json().expiry, new Date(server.clock.now() + 120_000).toISOString());
    assert.equal((await client.obtain(open.key, { expiry: 999_999 })).json().expiry, new Date(server.clock.now() + 3600_000).toISOString());
    const licenseExpiry = new Date(server.clock.now() + 300_000).toISOString();
    const ending = await createLicense(server, { expiry: licenseExpiry });
    assert.equal((await client.obtain(ending.key, { expiry: 3000 })).json().expiry, licenseExpiry);
  });

  it('takes expiry and clientId from a form body or the query string as well as JSON, and null means not given', async () => {
    const license = await createLicense(server);
    const path = `${server.licensingPath}/lease/obtain`;
    const form = await server.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `key=${license.key}&expiry=90` });
    assert.equal(form.statusCode, 200, form.body);
    assert.equal(form.json().expiry, new Date(server.clock.now() + 90_000).toISOString());
    const query = await server.app.inject({ method: 'POST', url: `${path}?key=${license.key}&expiry=45` });
    assert.equal(query.statusCode, 200, query.body);
    assert.equal(query.json().expiry, new Date(server.clock.now() + 45_000).toISOString());
    const nulls = await server.app.inject({ method: 'POST', url: path, payload: { key: license.key, expiry: null, clientId: null } });
    assert.equal(nulls.statusCode, 200, nulls.body);
    assert.equal(nulls.json().expiry, new Date(server.clock.now() + 600_000).toISOString());
  });

  it('refuses LEASE_LIMIT_REACHED with 409 once every seat is taken, and gives the seat out again after a release', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    const client = licensingClient(server);
    const first = (await client.obtain(license.key)).json().lease;
    assert.equal((await client.obtain(license.key)).statusCode, 200);
    const refused = await client.obtain(license.key);
    assert.equal(refused.statusCode, 409);
    const { message, ...answer } = refused.json<Record<string, unknown>>();
    assert.deepEqual(answer, { success: false, errorCode: 'LEASE_LIMIT_REACHED', lease: null, expiry: null, validFor: null });
    assert.equal(typeof message, 'string');
    assert.equal((await client.release(first)).json().success, true);
    assert.equal((await client.obtain(license.key)).statusCode, 200);
  });

  it('frees the seats of expired leases without anyone releasing them', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const client = licensingClient(server);
    const lease = (await client.obtain(license.key, { expiry: 60 })).json().lease;
    assert.equal((await client.obtain(license.key)).json().errorCode, 'LEASE_LIMIT_REACHED');
    server.clock.advance(60);
    const validation = await client.validateLease(lease);
    assert.equal(validation.statusCode, 403);
    assert.equal(validation.json().errorCode, 'LEASE_EXPIRED');
    assert.equal((await client.obtain(license.key)).statusCode, 200);
  });

  it('gives a client that already holds a seat another lease on that seat, leaving its old lease valid', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const client = licensingClient(server);
    const before = (await client.obtain(license.key, { clientId: 'workstation-7' })).json().lease;
    const again = await client.obtain(license.key, { clientId: 'workstation-7' });
    assert.equal(again.statusCode, 200, 'the restarted client is not locked out');
    assert.equal((await client.validateLease(before)).json().isValid, true, 'a second copy on the machine does not end the first');
    assert.equal((await client.validateLease(again.json().lease)).json().isValid, true);
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1);
    assert.equal((await client.obtain(license.key, { clientId: 'workstation-8' })).json().errorCode, 'LEASE_LIMIT_REACHED');
  });

  it('renews a lease into a new code for the same seat; the old code answers LEASE_RELEASED', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    const client = licensingClient(server);
    const old = (await client.obtain(license.key, { expiry: 60 })).json().lease;
    server.clock.advance(30);
    const renewed = await client.renew(old, { expiry: 300 });
    assert.equal(renewed.statusCode, 200);
    assert.equal(renewed.json().success, true);
    assert.equal(renewed.json().expiry, new Date(server.clock.now() + 300_000).toISOString());
    assert.notEqual(renewed.json().lease, old);
    assert.equal((await client.validateLease(renewed.json().lease)).json().isValid, true);
    const stale = await client.validateLease(old);
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().errorCode, 'LEASE_RELEASED');
    assert.equal((await client.renew(old)).json().errorCode, 'LEASE_RELEASED');
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1, 'renewing keeps one seat');
    server.clock.advance(200);
    assert.equal((await client.validateLease(renewed.json().lease)).json().isValid, true, 'the renewed lease outlives the old one');
  });

  it('refuses to renew an expired lease with LEASE_EXPIRED and an expired license with KEY_EXPIRED', async () => {
    const client = licensingClient(server);
    const open = await createLicense(server);
    const lease = (await client.obtain(open.key, { expiry: 60 })).json().lease;
    server.clock.advance(61);
    const late = await client.renew(lease);
    assert.equal(late.statusCode, 403);
    assert.equal(late.json().errorCode, 'LEASE_EXPIRED');

    const ending = await createLicense(server, { expiry: new Date(server.clock.now() + 100_000).toISOString() });
    const lease2 = (await client.obtain(ending.key, { expiry: 600 })).json().lease;
    server.clock.advance(100);
    const expired = await client.renew(lease2);
    assert.equal(expired.statusCode, 403);
    assert.equal(expired.json().errorCode, 'KEY_EXPIRED');
    assert.equal((await client.obtain(ending.key)).json().errorCode, 'KEY_EXPIRED');
  });

  it('releases a seat at once, and releasing again succeeds and changes nothing', async () => {
    const license = await createLicense(server, { leaseLimit: 3 });
    const client = licensingClient(server);
    const a = (await client.obtain(license.key)).json().lease;
    await client.obtain(license.key);
    assert.deepEqual((await client.release(a)).json(), { success: true, errorCode: null });
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1);
    assert.deepEqual((await client.release(a)).json(), { success: true, errorCode: null });
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1);
    assert.equal((await client.validateLease(a)).json().errorCode, 'LEASE_RELEASED');
    assert.equal((await client.renew(a)).json().errorCode, 'LEASE_RELEASED');
  });

  it('answers LEASE_INVALID for codes it did not issue: garbage, altered and forged ones', async () => {
    const license = await createLicense(server);
    const client = licensingClient(server);
    const lease: string = (await client.obtain(license.key)).json().lease;
    const [header, payload, signature] = lease.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString('base64url')}.${signature}`;
    const flippedSignature = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const code of ['not-a-lease', 'a.b.c', `${header}.${payload}`, altered, flippedSignature, `${lease}x`]) {
      const res = await client.validateLease(code);
      assert.equal(res.statusCode, 404, code);
      assert.equal(res.json().errorCode, 'LEASE_INVALID', code);
      assert.equal((await client.renew(code)).json().errorCode, 'LEASE_INVALID', code);
      assert.equal((await client.release(code)).json().errorCode, 'LEASE_INVALID', code);
    }
    assert.equal((await client.validateLease(lease)).json().isValid, true, 'the real code still works');
  });
});

describe('tenant isolation on the licensing API', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("never resolves one organization's keys or leases at another's endpoint", async () => {
    const other = await server.addOrganization('Other Org');
    const license = await createLicense(server);
    const mine = licensingClient(server);
    const theirs = licensingClient(server, other.organizationId);
    const lease = (await mine.obtain(license.key)).json().lease;
    assert.equal((await theirs.validateKey(license.key)).json().errorCode, 'KEY_INVALID');
    assert.equal((await theirs.obtain(license.key)).json().errorCode, 'KEY_INVALID');
    assert.equal((await theirs.validateLease(lease)).json().errorCode, 'LEASE_INVALID');
    assert.equal((await theirs.renew(lease)).json().errorCode, 'LEASE_INVALID');
    assert.equal((await theirs.release(lease)).json().errorCode, 'LEASE_INVALID');
    assert.equal((await mine.validateLease(lease)).json().isValid, true, 'the other endpoint changed nothing');
  });

  it('answers 404 for an unknown organization id without looking anything up', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id', '..%2F..%2Fapi']) {
      const res = await server.app.inject({ method: 'GET', url: `/licensing/${id}/key/validate?key=X` });
      assert.equal(res.statusCode, 404, id);
      assert.equal(res.json().errorCode, 'LICENSING_ENDPOINT_INVALID');
    }
  });
});
