// Who may call the admin API: API tokens, their roles, and when a token was last used.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { parseApiToken } from '../src/credentials.js';
import { assertError, created, leaseIdOf, ok } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

describe('admin API: authentication and roles', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const raw = (headers: Record<string, string>, method: 'GET' | 'POST' = 'GET', url = '/api/v1/products', payload?: object) =>
    server.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  it('answers 401 UNAUTHORIZED without an Authorization header', async () => {
    assertError(await raw({}), 401, 'UNAUTHORIZED');
    assertError(await raw({}, 'POST', '/api/v1/products', { name: 'sneaky' }), 401, 'UNAUTHORIZED');
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=sneaky')).total, 0);
  });

  it('answers 401 UNAUTHORIZED for a malformed Authorization header', async () => {
    for (const authorization of [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('admin:pw').toString('base64')}`,
      server.org.apiToken,
      `Token ${server.org.apiToken}`,
      'Bearer not-a-token',
      `Bearer ${server.org.apiToken} extra`,
    ]) {
      assertError(await raw({ authorization }), 401, 'UNAUTHORIZED');
    }
  });

  it('answers 401 UNAUTHORIZED for a known token id with the wrong secret, and for an unknown token', async () => {
    const token = server.org.apiToken;
    const secret = token.slice(token.lastIndexOf('_') + 1);
    const wrongSecret = `${token.slice(0, token.lastIndexOf('_') + 1)}${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    assertError(await raw({ authorization: `Bearer ${wrongSecret}` }), 401, 'UNAUTHORIZED');
    const unknown = `lh_${'0'.repeat(32)}_${'A'.repeat(43)}`;
    assertError(await raw({ authorization: `Bearer ${unknown}` }), 401, 'UNAUTHORIZED');
    assert.equal((await raw({ authorization: `Bearer ${token}` })).statusCode, 200, 'the real token works');
  });

  it('lets a viewer token read but answers 403 FORBIDDEN to its writes, which change nothing', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    const lease = (await licensingClient(server).obtain(license.key)).json().lease as string;
    const viewer = (await createApiToken(server.store, server.clock, server.org.organizationId, 'read only', 'viewer')).token;
    const as = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => server.admin(method, url, body, viewer);

    assert.equal(ok(await as('GET', `/api/v1/products/${license.productId}`)).id, license.productId);
    ok(await as('GET', '/api/v1/products'));
    ok(await as('GET', `/api/v1/features/${license.featureIds[0]}`));
    ok(await as('GET', `/api/v1/customers/${license.customerId}`));
    ok(await as('GET', `/api/v1/licenses/${license.licenseId}`));
    ok(await as('GET', `/api/v1/licenses/${license.licenseId}/leases`));
    ok(await as('GET', '/api/v1/organization'));

    const before = {
      products: ok(await server.admin('GET', '/api/v1/products')),
      customers: ok(await server.admin('GET', '/api/v1/customers')),
      licenses: ok(await server.admin('GET', '/api/v1/licenses')),
      organization: ok(await server.admin('GET', '/api/v1/organization')),
    };
    const writes: [method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown][] = [
      ['POST', '/api/v1/products', { name: 'viewer-made' }],
      ['PATCH', `/api/v1/products/${license.productId}`, { name: 'viewer-renamed' }],
      ['DELETE', `/api/v1/products/${license.productId}`],
      ['POST', `/api/v1/products/${license.productId}/features`, { name: 'viewer-feature' }],
      ['PATCH', `/api/v1/features/${license.featureIds[0]}`, { name: 'viewer-renamed' }],
      ['DELETE', `/api/v1/features/${license.featureIds[0]}`],
      ['POST', '/api/v1/customers', { name: 'viewer customer' }],
      ['PATCH', `/api/v1/customers/${license.customerId}`, { name: 'viewer renamed' }],
      ['DELETE', `/api/v1/customers/${license.customerId}`],
      ['POST', '/api/v1/licenses', { customerId: license.customerId, featureIds: license.featureIds }],
      ['PATCH', `/api/v1/licenses/${license.licenseId}`, { leaseLimit: 100 }],
      ['DELETE', `/api/v1/licenses/${license.licenseId}`],
      ['POST', `/api/v1/leases/${leaseIdOf(lease)}/release`],
      ['PATCH', '/api/v1/organization', { name: 'viewer org' }],
      ['POST', '/api/v1/organization/signing-keys/rotate'],
    ];
    for (const [method, url, body] of writes) assertError(await as(method, url, body), 403, 'FORBIDDEN');

    assert.deepEqual(ok(await server.admin('GET', '/api/v1/products')), before.products);
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/customers')), before.customers);
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/licenses')), before.licenses);
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/organization')), before.organization);
    assert.equal((await licensingClient(server).validateLease(lease)).json().isValid, true);
  });

  it('lets an admin token write', async () => {
    const admin = (await createApiToken(server.store, server.clock, server.org.organizationId, 'writer', 'admin')).token;
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'admin-made' }, admin));
    ok(await server.admin('PATCH', `/api/v1/products/${product.id}`, { description: 'by admin' }, admin));
    assert.equal((await server.admin('DELETE', `/api/v1/products/${product.id}`, undefined, admin)).statusCode, 204);
  });

  it("sets the token's last_used_at when it is used", async () => {
    const token = (await createApiToken(server.store, server.clock, server.org.organizationId, 'tracked', 'admin')).token;
    const { id } = parseApiToken(token)!;
    assert.equal((await server.store.tokens.get(id))!.lastUsedAt, null);
    server.clock.advance(100);
    ok(await server.admin('GET', '/api/v1/products', undefined, token));
    assert.equal((await server.store.tokens.get(id))!.lastUsedAt, server.clock.now());
    server.clock.advance(3600);
    ok(await server.admin('GET', '/api/v1/customers', undefined, token));
    assert.equal((await server.store.tokens.get(id))!.lastUsedAt, server.clock.now(), 'a later use moves it forward');
  });

  it("does not set last_used_at for a call with the token's id and a wrong secret", async () => {
    const token = (await createApiToken(server.store, server.clock, server.org.organizationId, 'guessed', 'admin')).token;
    const { id } = parseApiToken(token)!;
    const secret = token.slice(token.lastIndexOf('_') + 1);
    const wrong = `${token.slice(0, token.lastIndexOf('_') + 1)}${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    assertError(await server.admin('GET', '/api/v1/products', undefined, wrong), 401, 'UNAUTHORIZED');
    assert.equal((await server.store.tokens.get(id))!.lastUsedAt, null);
  });
});
