// The admin API's features: a product's features, their names, changes, and deletion while licenses grant them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertValidationFailed, created, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

describe('admin API: features', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const newProduct = async (name: string) => created(await server.admin('POST', '/api/v1/products', { name })).id as string;

  it('creates a feature of a product with 201, its productId and description; an unknown product is 404', async () => {
    const productId = await newProduct('f-create');
    const feature = created(await server.admin('POST', `/api/v1/products/${productId}/features`, { name: 'export', description: 'Export files' }));
    assert.match(feature.id, /^[0-9a-f-]{36}$/);
    assert.equal(feature.productId, productId);
    assert.equal(feature.name, 'export');
    assert.equal(feature.description, 'Export files');
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/features/${feature.id}`)), feature);
    assertError(await server.admin('POST', '/api/v1/products/00000000-0000-0000-0000-000000000000/features', { name: 'export' }), 404, 'NOT_FOUND');
    assertValidationFailed(await server.admin('POST', `/api/v1/products/${productId}/features`, { name: 'bad name' }), 'body.name');
    assertValidationFailed(await server.admin('POST', `/api/v1/products/${productId}/features`, { name: 'ok', extra: 1 }), 'body.extra');
  });

  it('refuses a duplicate feature name within a product with 409, but allows it in another product', async () => {
    const a = await newProduct('f-dup-a');
    const b = await newProduct('f-dup-b');
    created(await server.admin('POST', `/api/v1/products/${a}/features`, { name: 'print' }));
    assertError(await server.admin('POST', `/api/v1/products/${a}/features`, { name: 'print' }), 409, 'CONFLICT');
    created(await server.admin('POST', `/api/v1/products/${b}/features`, { name: 'print' }));
    const other = created(await server.admin('POST', `/api/v1/products/${a}/features`, { name: 'scan' }));
    assertError(await server.admin('PATCH', `/api/v1/features/${other.id}`, { name: 'print' }), 409, 'CONFLICT');
    assert.equal(ok(await server.admin('GET', `/api/v1/features/${other.id}`)).name, 'scan');
  });

  it("lists one product's features with GET /features?productId= and GET /products/{id}/features", async () => {
    const a = await newProduct('f-list-a');
    const b = await newProduct('f-list-b');
    for (const name of ['zoom', 'annotate', 'measure']) created(await server.admin('POST', `/api/v1/products/${a}/features`, { name }));
    created(await server.admin('POST', `/api/v1/products/${b}/features`, { name: 'annotate' }));

    const byQuery = ok(await server.admin('GET', `/api/v1/features?productId=${a}`));
    assert.equal(byQuery.total, 3);
    assert.deepEqual(
      byQuery.items.map((f: Json) => f.name),
      ['annotate', 'measure', 'zoom'],
    );
    assert.ok(byQuery.items.every((f: Json) => f.productId === a));
    const byPath = ok(await server.admin('GET', `/api/v1/products/${a}/features`));
    assert.deepEqual(byPath, byQuery);
    const paged = ok(await server.admin('GET', `/api/v1/products/${a}/features?limit=1&offset=1`));
    assert.deepEqual({ names: paged.items.map((f: Json) => f.name), total: paged.total }, { names: ['measure'], total: 3 });
    created(await server.admin('POST', `/api/v1/products/${b}/features`, { name: 'with_underscore' }));
    created(await server.admin('POST', `/api/v1/products/${b}/features`, { name: 'withXunderscore' }));
    assert.deepEqual(
      ok(await server.admin('GET', '/api/v1/features?q=h_u')).items.map((f: Json) => f.name),
      ['with_underscore'],
    );
    const searched = ok(await server.admin('GET', `/api/v1/features?q=annot`));
    assert.deepEqual(searched.items.map((f: Json) => f.productId).sort(), [a, b].sort());
    assertError(await server.admin('GET', '/api/v1/products/00000000-0000-0000-0000-000000000000/features'), 404, 'NOT_FOUND');
  });

  it('changes and deletes a feature', async () => {
    const productId = await newProduct('f-change');
    const feature = created(await server.admin('POST', `/api/v1/products/${productId}/features`, { name: 'draft', description: 'before' }));
    server.clock.advance(5);
    const changed = ok(await server.admin('PATCH', `/api/v1/features/${feature.id}`, { name: 'final', description: null }));
    assert.equal(changed.name, 'final');
    assert.equal(changed.description, null);
    assert.equal(changed.productId, productId);
    assert.notEqual(changed.updatedAt, feature.updatedAt);
    assert.equal((await server.admin('DELETE', `/api/v1/features/${feature.id}`)).statusCode, 204);
    assertError(await server.admin('GET', `/api/v1/features/${feature.id}`), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', `/api/v1/features/${feature.id}`), 404, 'NOT_FOUND');
    assertError(await server.admin('PATCH', `/api/v1/features/${feature.id}`, { name: 'again' }), 404, 'NOT_FOUND');
  });

  it('refuses with 409 to delete a feature a license grants, and changes nothing', async () => {
    const license = await createLicense(server, { features: ['granted', 'other'] });
    const [granted] = license.featureIds;
    const error = assertError(await server.admin('DELETE', `/api/v1/features/${granted}`), 409, 'CONFLICT');
    assert.match(error.message, /license/);
    assert.equal(ok(await server.admin('GET', `/api/v1/features/${granted}`)).name, 'granted');
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`)).featureIds.sort(), [...license.featureIds].sort());
    const validFor = (await licensingClient(server).validateKey(license.key)).json().validFor;
    assert.deepEqual(
      validFor[0].features.map((f: Json) => f.feature),
      ['granted', 'other'],
    );
  });

  it('refuses with 409 to delete a product whose features a license grants, and keeps product and features', async () => {
    const license = await createLicense(server, { features: ['one', 'two'] });
    assertError(await server.admin('DELETE', `/api/v1/products/${license.productId}`), 409, 'CONFLICT');
    ok(await server.admin('GET', `/api/v1/products/${license.productId}`));
    assert.equal(ok(await server.admin('GET', `/api/v1/products/${license.productId}/features`)).total, 2);
    assert.equal((await licensingClient(server).validateKey(license.key)).json().isValid, true);
  });

  it('deletes an unused product together with its features', async () => {
    const productId = await newProduct('f-unused');
    const featureIds = [];
    for (const name of ['x', 'y']) featureIds.push(created(await server.admin('POST', `/api/v1/products/${productId}/features`, { name })).id);
    assert.equal((await server.admin('DELETE', `/api/v1/products/${productId}`)).statusCode, 204);
    for (const id of featureIds) assertError(await server.admin('GET', `/api/v1/features/${id}`), 404, 'NOT_FOUND');
    assert.equal(ok(await server.admin('GET', `/api/v1/features?productId=${productId}`)).total, 0);
  });

  it('lets a product be deleted once the licenses granting its features are gone', async () => {
    const license = await createLicense(server, { features: ['temp'] });
    assert.equal((await server.admin('DELETE', `/api/v1/licenses/${license.licenseId}`)).statusCode, 204);
    assert.equal((await server.admin('DELETE', `/api/v1/products/${license.productId}`)).statusCode, 204);
    assertError(await server.admin('GET', `/api/v1/features/${license.featureIds[0]}`), 404, 'NOT_FOUND');
  });
});
