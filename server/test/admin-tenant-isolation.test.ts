// One organization can neither see nor change another's catalog, licenses or leases, in either API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, leaseIdOf, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

describe('admin API: tenant isolation', () => {
  let server: TestServer;
  let a: Awaited<ReturnType<typeof createLicense>>;
  let leaseA: string;
  let tokenB: string;
  before(async () => {
    server = await startTestServer();
    a = await createLicense(server, { leaseLimit: 3, product: 'a-product', features: ['a-feature'] });
    leaseA = (await licensingClient(server).obtain(a.key)).json().lease;
    tokenB = (await server.addOrganization('Tenant B')).apiToken;
  });
  after(() => server.close());

  const asB = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => server.admin(method, url, body, tokenB);

  it("answers 404 to organization B for organization A's product, feature, customer, license and lease ids, and changes nothing", async () => {
    const snapshot = async () => ({
      product: ok(await server.admin('GET', `/api/v1/products/${a.productId}`)),
      feature: ok(await server.admin('GET', `/api/v1/features/${a.featureIds[0]}`)),
      customer: ok(await server.admin('GET', `/api/v1/customers/${a.customerId}`)),
      license: ok(await server.admin('GET', `/api/v1/licenses/${a.licenseId}`)),
      leases: ok(await server.admin('GET', `/api/v1/licenses/${a.licenseId}/leases`)),
    });
    const before = await snapshot();
    const calls: [method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown][] = [
      ['GET', `/api/v1/products/${a.productId}`],
      ['PATCH', `/api/v1/products/${a.productId}`, { description: 'hijacked' }],
      ['DELETE', `/api/v1/products/${a.productId}`],
      ['GET', `/api/v1/products/${a.productId}/features`],
      ['POST', `/api/v1/products/${a.productId}/features`, { name: 'planted' }],
      ['GET', `/api/v1/features/${a.featureIds[0]}`],
      ['PATCH', `/api/v1/features/${a.featureIds[0]}`, { description: 'hijacked' }],
      ['DELETE', `/api/v1/features/${a.featureIds[0]}`],
      ['GET', `/api/v1/customers/${a.customerId}`],
      ['PATCH', `/api/v1/customers/${a.customerId}`, { name: 'hijacked' }],
      ['DELETE', `/api/v1/customers/${a.customerId}`],
      ['GET', `/api/v1/licenses/${a.licenseId}`],
      ['PATCH', `/api/v1/licenses/${a.licenseId}`, { leaseLimit: 1000 }],
      ['PATCH', `/api/v1/licenses/${a.licenseId}`, { keys: ['STOLEN-KEY-01'] }],
      ['DELETE', `/api/v1/licenses/${a.licenseId}`],
      ['GET', `/api/v1/licenses/${a.licenseId}/leases`],
      ['POST', `/api/v1/leases/${leaseIdOf(leaseA)}/release`],
    ];
    for (const [method, url, body] of calls) {
      const res = await asB(method, url, body);
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'NOT_FOUND');
    }
    assert.deepEqual(await snapshot(), before);
    assert.equal((await licensingClient(server).validateLease(leaseA)).json().isValid, true);
  });

  it("never lists organization A's rows to organization B", async () => {
    const b = await createLicense(server, { token: tokenB, product: 'b-product', features: ['a-feature'] });
    const products = ok(await asB('GET', '/api/v1/products'));
    assert.deepEqual(
      products.items.map((p: Json) => p.id),
      [b.productId],
    );
    assert.equal(products.total, 1);
    assert.equal(ok(await asB('GET', '/api/v1/products?q=a-product')).total, 0);
    const features = ok(await asB('GET', '/api/v1/features'));
    assert.deepEqual(
      features.items.map((f: Json) => f.id),
      b.featureIds,
    );
    assert.equal(ok(await asB('GET', `/api/v1/features?productId=${a.productId}`)).total, 0);
    assert.equal(ok(await asB('GET', '/api/v1/features?q=a-feature')).total, 1);
    const customers = ok(await asB('GET', '/api/v1/customers'));
    assert.deepEqual(
      customers.items.map((c: Json) => c.id),
      [b.customerId],
    );
    const licenses = ok(await asB('GET', '/api/v1/licenses'));
    assert.deepEqual(
      licenses.items.map((l: Json) => l.id),
      [b.licenseId],
    );
    assert.equal(ok(await asB('GET', `/api/v1/licenses?customerId=${a.customerId}`)).total, 0);
    assert.equal(ok(await asB('GET', `/api/v1/licenses?q=${a.key}`)).total, 0);
    assert.equal(ok(await asB('GET', `/api/v1/licenses/${b.licenseId}/leases`)).total, 0);
  });

  it("answers 404 when organization B references organization A's customer or features in a license", async () => {
    const own = await createLicense(server, { token: tokenB });
    const before = ok(await asB('GET', '/api/v1/licenses')).total;
    assertError(await asB('POST', '/api/v1/licenses', { customerId: a.customerId, featureIds: own.featureIds }), 404, 'NOT_FOUND');
    assertError(await asB('POST', '/api/v1/licenses', { customerId: own.customerId, featureIds: a.featureIds }), 404, 'NOT_FOUND');
    assertError(await asB('POST', '/api/v1/licenses', { customerId: own.customerId, featureIds: [own.featureIds[0], a.featureIds[0]] }), 404, 'NOT_FOUND');
    assert.equal(ok(await asB('GET', '/api/v1/licenses')).total, before);
    assertError(await asB('PATCH', `/api/v1/licenses/${own.licenseId}`, { customerId: a.customerId }), 404, 'NOT_FOUND');
    assertError(await asB('PATCH', `/api/v1/licenses/${own.licenseId}`, { featureIds: a.featureIds }), 404, 'NOT_FOUND');
    const after = ok(await asB('GET', `/api/v1/licenses/${own.licenseId}`));
    assert.equal(after.customerId, own.customerId);
    assert.deepEqual(after.featureIds, own.featureIds);
    assert.equal(ok(await server.admin('GET', `/api/v1/features/${a.featureIds[0]}`)).name, 'a-feature');
  });

  it("does not let organization B's licensing endpoint accept organization A's key or lease", async () => {
    const b = licensingClient(server, (await server.addOrganization('Tenant C')).organizationId);
    assert.equal((await b.validateKey(a.key)).json().errorCode, 'KEY_INVALID');
    assert.equal((await b.validateLease(leaseA)).json().errorCode, 'LEASE_INVALID');
  });
});
