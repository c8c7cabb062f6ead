import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

describe('GET /key/validate', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('reports a known key as valid with its limit, seats in use and what it grants by name', async () => {
    const license = await createLicense(server, { leaseLimit: 3, product: 'editor', features: ['export', 'print'] });
    const client = licensingClient(server);
    await client.obtain(license.key);
    const res = await client.validateKey(license.key);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      isValid: true,
      errorCode: null,
      expiry: null,
      leaseLimit: 3,
      leasesUsed: 1,
      validFor: [
        {
          product: 'editor',
          productDescription: 'A product',
          features: [
            { feature: 'export', featureDescription: 'Feature export' },
            { feature: 'print', featureDescription: 'Feature print' },
          ],
        },
      ],
    });
  });

  it('answers KEY_INVALID with 404 for an unknown key', async () => {
    const res = await licensingClient(server).validateKey('NOPE-NOPE-NOPE');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().isValid, false);
    assert.equal(res.json().errorCode, 'KEY_INVALID');
  });

  it('answers KEY_EXPIRED for an expired key and still reports expiry, limit, usage and validFor', async () => {
    const expiry = new Date(server.clock.now() + 3600_000).toISOString();
    const license = await createLicense(server, { leaseLimit: 2, expiry, product: 'viewer' });
    const client = licensingClient(server);
    assert.equal((await client.obtain(license.key)).statusCode, 200);
    server.clock.advance(1800);
    assert.equal((await client.validateKey(license.key)).json().isValid, true);
    server.clock.advance(1800);
    const res = await client.validateKey(license.key);
    assert.equal(res.statusCode, 403);
    const body = res.json();
    assert.equal(body.isValid, false);
    assert.equal(body.errorCode, 'KEY_EXPIRED');
    assert.equal(body.expiry, expiry);
    assert.equal(body.leaseLimit, 2);
    assert.equal(body.leasesUsed, 0, 'the lease ended with the license, so no seat is in use');
    assert.equal(body.validFor[0].product, 'viewer');
  });

  it('counts only active leases as used', async () => {
    const license = await createLicense(server, { leaseLimit: 5 });
    const client = licensingClient(server);
    const a = (await client.obtain(license.key, { expiry: 60 })).json().lease;
    await client.obtain(license.key, { expiry: 600 });
    const c = (await client.obtain(license.key, { expiry: 600 })).json().lease;
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 3);
    await client.release(c);
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 2, 'a released lease frees its seat');
    server.clock.advance(61);
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1, 'an expired lease frees its seat');
    assert.ok(a);
  });

  it('reports an unlimited license with a null limit', async () => {
    const license = await createLicense(server, { leaseLimit: null });
    const body = (await licensingClient(server).validateKey(license.key)).json();
    assert.equal(body.isValid, true);
    assert.equal(body.leaseLimit, null);
  });
});
