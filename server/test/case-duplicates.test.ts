// Names and key codes that differ only in case are one: refused with 409 naming what exists, even when created at the same moment.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { assertError, created, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

/** Requests sent at once: on PostgreSQL each takes its own connection, so the database decides. */
const BURST = 8;

describe('names and key codes that differ only in case', () => {
  let server: TestServer;
  before(async () => {
    // Room for a burst of user creations, which hash their passwords first.
    server = await startTestServer({ env: { LEASEHOLD_PASSWORD_HASH_QUEUE: String(2 * BURST) } });
  });
  after(() => server.close());

  const conflictMessage = (res: LightMyRequestResponse) => assertError(res, 409, 'CONFLICT').message as string;

  it('refuses a product named EDITOR beside editor, creating or renaming, with a sentence naming editor', async () => {
    created(await server.admin('POST', '/api/v1/products', { name: 'editor' }));
    assert.equal(conflictMessage(await server.admin('POST', '/api/v1/products', { name: 'EDITOR' })), 'a product named "editor" already exists, and "EDITOR" differs from it only in case');
    assert.equal(conflictMessage(await server.admin('POST', '/api/v1/products', { name: 'editor' })), 'a product named "editor" already exists');
    const other = created(await server.admin('POST', '/api/v1/products', { name: 'viewer' }));
    assert.match(conflictMessage(await server.admin('PATCH', `/api/v1/products/${other.id}`, { name: 'Editor' })), /a product named "editor" already exists/);
    assert.equal(ok(await server.admin('PATCH', `/api/v1/products/${other.id}`, { name: 'VIEWER' })).name, 'VIEWER', 'a product may change the case of its own name');
    const org = await server.addOrganization('Another vendor');
    created(await server.admin('POST', '/api/v1/products', { name: 'Editor' }, org.apiToken));
  });

  it('refuses a feature named Core beside core in the same product, not in another', async () => {
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'features-case' }));
    const core = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'core' }));
    assert.equal(
      conflictMessage(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'Core' })),
      'a feature of this product named "core" already exists, and "Core" differs from it only in case',
    );
    const extra = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'extra' }));
    assertError(await server.admin('PATCH', `/api/v1/features/${extra.id}`, { name: 'CORE' }), 409, 'CONFLICT');
    const second = created(await server.admin('POST', '/api/v1/products', { name: 'features-case-2' }));
    created(await server.admin('POST', `/api/v1/products/${second.id}/features`, { name: 'CORE' }));
    assert.equal(ok(await server.admin('GET', `/api/v1/features/${core.id}`)).name, 'core');
  });

  it('refuses a key code that differs from one of the organization only in case, naming the code in use', async () => {
    const license = await createLicense(server);
    const lower = license.key.toLowerCase();
    const message = conflictMessage(await server.admin('POST', '/api/v1/licenses', { customerId: license.customerId, featureIds: license.featureIds, keys: [lower] }));
    assert.ok(message.includes(`"${lower}" (as "${license.key}"`), message);
    const twice = conflictMessage(await server.admin('POST', '/api/v1/licenses', { customerId: license.customerId, featureIds: license.featureIds, keys: ['Case-Twice-0001', 'CASE-TWICE-0001'] }));
    assert.match(twice, /given twice/);
    const org = await server.addOrganization('Keys elsewhere');
    const elsewhere = await createLicense(server, { token: org.apiToken });
    ok(await server.admin('PATCH', `/api/v1/licenses/${elsewhere.licenseId}`, { keys: [elsewhere.key, lower] }, org.apiToken));
  });

  it('validates a key typed in any case as the one license, on the licensing API', async () => {
    const license = await createLicense(server);
    const client = licensingClient(server);
    for (const key of [license.key, license.key.toLowerCase(), license.key.charAt(0).toLowerCase() + license.key.slice(1)]) {
      const res = await client.validateKey(key);
      assert.equal(res.statusCode, 200, `${key}: ${res.body}`);
    }
    const obtained = await client.obtain(license.key.toLowerCase());
    assert.equal(obtained.statusCode, 200, obtained.body);
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`)).leasesUsed, 1);
    assert.equal((await client.validateKey(license.key.replace(/-/g, ''))).statusCode, 404, 'only the case is forgiven, not the dashes');
  });

  it('makes exactly one of a burst of products, features or key codes that differ only in case', async () => {
    const spellings = (word: string) => Array.from({ length: BURST }, (_, i) => word.replace(/./g, (c, j: number) => ((i >> j) & 1 ? c.toUpperCase() : c)));
    const count = (replies: LightMyRequestResponse[]) => {
      for (const r of replies) assert.ok(r.statusCode === 201 || r.statusCode === 409, `${r.statusCode} ${r.body}`);
      return replies.filter((r) => r.statusCode === 201).length;
    };
    const products = await Promise.all(spellings('burst-product').map((name) => server.admin('POST', '/api/v1/products', { name })));
    assert.equal(count(products), 1);
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=BURST-PRODUCT')).total, 1);

    const product = created(await server.admin('POST', '/api/v1/products', { name: 'burst-features' }));
    const features = await Promise.all(spellings('feature').map((name) => server.admin('POST', `/api/v1/products/${product.id}/features`, { name })));
    assert.equal(count(features), 1);

    const renamed = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const p = created(await server.admin('POST', '/api/v1/products', { name: `rename-source-${i}` }));
        return server.admin('PATCH', `/api/v1/products/${p.id}`, { name: spellings('renamed')[i] });
      }),
    );
    assert.equal(renamed.filter((r) => r.statusCode === 200).length, 1, renamed.map((r) => r.statusCode).join(' '));

    const base = await createLicense(server);
    const keys = await Promise.all(spellings('burst-key-code').map((code) => server.admin('POST', '/api/v1/licenses', { customerId: base.customerId, featureIds: base.featureIds, keys: [code] })));
    assert.equal(count(keys), 1);
    const found = ok(await server.admin('GET', '/api/v1/licenses?q=burstkeycode')).items as Json[];
    assert.equal(found.length, 1);

    // Usernames had their unique normalized key already (migration 005): the same holds for them.
    const users = await Promise.all(
      spellings('burst-user').map((username) => server.admin('POST', '/api/v1/users', { username, displayName: username, role: 'viewer', password: 'a long enough password 1' })),
    );
    assert.equal(count(users), 1);
  });
});
