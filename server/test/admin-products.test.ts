// The admin API's products: creation, names, changes, deletion, paging and search.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertValidationFailed, created, ok, type Json } from './admin-replies.js';
import { startTestServer, type TestServer } from './helpers.js';

describe('admin API: products', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('creates a product with 201 and answers its id, name, description and timestamps', async () => {
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'editor', description: 'The editor' }));
    assert.match(product.id, /^[0-9a-f-]{36}$/);
    assert.equal(product.name, 'editor');
    assert.equal(product.description, 'The editor');
    assert.equal(product.createdAt, new Date(server.clock.now()).toISOString());
    assert.equal(product.updatedAt, product.createdAt);
    const noDescription = created(await server.admin('POST', '/api/v1/products', { name: 'bare' }));
    assert.equal(noDescription.description, null);
  });

  it('accepts names of letters, digits, _ . - and refuses anything else with 400 VALIDATION_FAILED naming body.name', async () => {
    created(await server.admin('POST', '/api/v1/products', { name: 'Good_name-1.2' }));
    for (const name of ['has space', 'slash/name', 'ümlaut', 'semi;colon', '', 'a'.repeat(101)]) {
      const error = assertValidationFailed(await server.admin('POST', '/api/v1/products', { name }), 'body.name');
      assert.match(error.message, /name/);
    }
    assertValidationFailed(await server.admin('POST', '/api/v1/products', { description: 'no name' }), 'body.name');
    assertValidationFailed(await server.admin('POST', '/api/v1/products', { name: 42 }), 'body.name');
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'renamable' }));
    assertValidationFailed(await server.admin('PATCH', `/api/v1/products/${product.id}`, { name: 'bad name' }), 'body.name');
    assert.equal(ok(await server.admin('GET', `/api/v1/products/${product.id}`)).name, 'renamable');
  });

  it('refuses a duplicate name in the same organization with 409 CONFLICT, on create and on rename', async () => {
    created(await server.admin('POST', '/api/v1/products', { name: 'dup' }));
    assertError(await server.admin('POST', '/api/v1/products', { name: 'dup' }), 409, 'CONFLICT');
    const other = created(await server.admin('POST', '/api/v1/products', { name: 'not-dup' }));
    assertError(await server.admin('PATCH', `/api/v1/products/${other.id}`, { name: 'dup' }), 409, 'CONFLICT');
    assert.equal(ok(await server.admin('GET', `/api/v1/products/${other.id}`)).name, 'not-dup');
  });

  it('allows the same product name in another organization', async () => {
    created(await server.admin('POST', '/api/v1/products', { name: 'shared-name' }));
    const orgB = await server.addOrganization('Other vendor');
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'shared-name' }, orgB.apiToken));
    assert.equal(product.name, 'shared-name');
  });

  it('gets, changes and deletes a product by id; a deleted one is 404', async () => {
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'lifecycle', description: 'first' }));
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/products/${product.id}`)), product);

    server.clock.advance(60);
    const changed = ok(await server.admin('PATCH', `/api/v1/products/${product.id}`, { description: 'second' }));
    assert.equal(changed.name, 'lifecycle', 'fields not sent stay as they were');
    assert.equal(changed.description, 'second');
    assert.equal(changed.createdAt, product.createdAt);
    assert.equal(changed.updatedAt, new Date(server.clock.now()).toISOString());
    const renamed = ok(await server.admin('PATCH', `/api/v1/products/${product.id}`, { name: 'lifecycle2', description: null }));
    assert.equal(renamed.name, 'lifecycle2');
    assert.equal(renamed.description, null);
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/products/${product.id}`)), renamed);

    const deleted = await server.admin('DELETE', `/api/v1/products/${product.id}`);
    assert.equal(deleted.statusCode, 204);
    assertError(await server.admin('GET', `/api/v1/products/${product.id}`), 404, 'NOT_FOUND');
    assertError(await server.admin('PATCH', `/api/v1/products/${product.id}`, { description: 'x' }), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', `/api/v1/products/${product.id}`), 404, 'NOT_FOUND');
  });

  it('refuses unknown fields in create and change bodies with 400 naming the field', async () => {
    const error = assertValidationFailed(await server.admin('POST', '/api/v1/products', { name: 'extra', colour: 'red' }), 'body.colour');
    assert.ok(error.details.some((d: Json) => d.field === 'body.colour' && d.message === 'is not a known field'));
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=extra')).total, 0, 'nothing was created');
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'strict' }));
    assertValidationFailed(await server.admin('PATCH', `/api/v1/products/${product.id}`, { id: 'other-id' }), 'body.id');
    assertValidationFailed(await server.admin('PATCH', `/api/v1/products/${product.id}`, { description: 'x', createdAt: '2020-01-01T00:00:00Z' }), 'body.createdAt');
    assert.equal(ok(await server.admin('GET', `/api/v1/products/${product.id}`)).description, null);
  });

  it('answers malformed JSON, a missing body and a repeated query parameter with 400 in the error format', async () => {
    const headers = { authorization: `Bearer ${server.org.apiToken}`, 'content-type': 'application/json' };
    const malformed = await server.app.inject({ method: 'POST', url: '/api/v1/products', headers, payload: '{"name": "half' });
    assertError(malformed, 400, 'BAD_REQUEST');
    assertError(await server.app.inject({ method: 'POST', url: '/api/v1/products', headers: { authorization: headers.authorization } }), 400, 'VALIDATION_FAILED');
    assertError(await server.admin('POST', '/api/v1/products', ['editor']), 400, 'VALIDATION_FAILED');
    assertValidationFailed(await server.admin('GET', '/api/v1/products?q=a&q=b'), 'querystring.q');
    assertValidationFailed(await server.admin('GET', `/api/v1/products/${'x'.repeat(65)}`), 'params.id');
  });

  it('lists products by name in pages with limit, offset and the total across pages', async () => {
    const org = await server.addOrganization('Paging products');
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];
    for (const name of names) created(await server.admin('POST', '/api/v1/products', { name }, org.apiToken));

    const all = ok(await server.admin('GET', '/api/v1/products', undefined, org.apiToken));
    assert.equal(all.total, 5);
    assert.equal(all.limit, 50, 'the default page size');
    assert.equal(all.offset, 0);
    assert.deepEqual(
      all.items.map((p: Json) => p.name),
      [...names].sort(),
    );

    const first = ok(await server.admin('GET', '/api/v1/products?limit=2', undefined, org.apiToken));
    assert.deepEqual({ names: first.items.map((p: Json) => p.name), total: first.total, limit: first.limit, offset: first.offset }, { names: ['alpha', 'bravo'], total: 5, limit: 2, offset: 0 });
    const second = ok(await server.admin('GET', '/api/v1/products?limit=2&offset=2', undefined, org.apiToken));
    assert.deepEqual(
      second.items.map((p: Json) => p.name),
      ['charlie', 'delta'],
    );
    const last = ok(await server.admin('GET', '/api/v1/products?limit=2&offset=4', undefined, org.apiToken));
    assert.deepEqual(
      last.items.map((p: Json) => p.name),
      ['echo'],
    );
    assert.equal(last.total, 5);
    const beyond = ok(await server.admin('GET', '/api/v1/products?offset=10', undefined, org.apiToken));
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.total, 5);
  });

  it('accepts limit 1..200 and refuses 0, 201, negatives, fractions, text and a negative offset with 400', async () => {
    for (const limit of ['1', '200']) assert.equal(ok(await server.admin('GET', `/api/v1/products?limit=${limit}`)).limit, Number(limit));
    for (const query of ['limit=0', 'limit=201', 'limit=-1', 'limit=1.5', 'limit=ten', 'offset=-1', 'offset=x']) {
      assertValidationFailed(await server.admin('GET', `/api/v1/products?${query}`), `querystring.${query.split('=')[0]}`);
    }
  });

  it('searches product names by substring with q, taking _ and % literally', async () => {
    const org = await server.addOrganization('Searching products');
    for (const name of ['hammer', 'Sledgehammer', 'saw', 'ham_radio', 'hamXradio']) created(await server.admin('POST', '/api/v1/products', { name }, org.apiToken));
    const found = ok(await server.admin('GET', '/api/v1/products?q=hammer', undefined, org.apiToken));
    assert.deepEqual(found.items.map((p: Json) => p.name).sort(), ['Sledgehammer', 'hammer']);
    assert.equal(found.total, 2);
    const underscore = ok(await server.admin('GET', '/api/v1/products?q=ham_', undefined, org.apiToken));
    assert.deepEqual(
      underscore.items.map((p: Json) => p.name),
      ['ham_radio'],
      'an underscore in q is not a wildcard',
    );
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=%25', undefined, org.apiToken)).total, 0, 'a percent sign in q is not a wildcard');
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=nothing-like-it', undefined, org.apiToken)).total, 0);
  });
});
