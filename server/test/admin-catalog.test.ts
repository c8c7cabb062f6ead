import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { claimedLeaseId } from '../src/keys/lease-code.js';
import { parseApiToken } from '../src/credentials.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;

/** Asserts a 201 and returns the created resource. */
function created(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Asserts a 200 and returns the body. */
function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Asserts the admin API's error reply: `{ error: { code, message, details? } }` with this status and code. */
function assertError(res: LightMyRequestResponse, status: number, code: string): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /application\/json/);
  const body = res.json();
  assert.equal(body.error?.code, code, res.body);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  return body.error;
}

function assertValidationFailed(res: LightMyRequestResponse, field?: string): Json {
  const error = assertError(res, 400, 'VALIDATION_FAILED');
  assert.ok(Array.isArray(error.details) && error.details.length > 0, 'details lists what failed');
  for (const d of error.details) {
    assert.equal(typeof d.field, 'string');
    assert.equal(typeof d.message, 'string');
  }
  if (field) assert.ok(error.details.some((d: Json) => d.field === field), `details name ${field}: ${JSON.stringify(error.details)}`);
  return error;
}

const CROCKFORD_GROUP = '[0-9A-HJKMNP-TV-Z]{5}';
const GENERATED_KEY = new RegExp(`^${CROCKFORD_GROUP}(-${CROCKFORD_GROUP}){4}$`);

/** The lease id inside a lease code (its `jti`). */
function leaseIdOf(code: string): string {
  const id = claimedLeaseId(code);
  assert.ok(id, 'a lease code names its lease');
  return id;
}

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
    assert.deepEqual(all.items.map((p: Json) => p.name), [...names].sort());

    const first = ok(await server.admin('GET', '/api/v1/products?limit=2', undefined, org.apiToken));
    assert.deepEqual({ names: first.items.map((p: Json) => p.name), total: first.total, limit: first.limit, offset: first.offset }, { names: ['alpha', 'bravo'], total: 5, limit: 2, offset: 0 });
    const second = ok(await server.admin('GET', '/api/v1/products?limit=2&offset=2', undefined, org.apiToken));
    assert.deepEqual(second.items.map((p: Json) => p.name), ['charlie', 'delta']);
    const last = ok(await server.admin('GET', '/api/v1/products?limit=2&offset=4', undefined, org.apiToken));
    assert.deepEqual(last.items.map((p: Json) => p.name), ['echo']);
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
    assert.deepEqual(underscore.items.map((p: Json) => p.name), ['ham_radio'], 'an underscore in q is not a wildcard');
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=%25', undefined, org.apiToken)).total, 0, 'a percent sign in q is not a wildcard');
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=nothing-like-it', undefined, org.apiToken)).total, 0);
  });
});

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
    assert.deepEqual(byQuery.items.map((f: Json) => f.name), ['annotate', 'measure', 'zoom']);
    assert.ok(byQuery.items.every((f: Json) => f.productId === a));
    const byPath = ok(await server.admin('GET', `/api/v1/products/${a}/features`));
    assert.deepEqual(byPath, byQuery);
    const paged = ok(await server.admin('GET', `/api/v1/products/${a}/features?limit=1&offset=1`));
    assert.deepEqual({ names: paged.items.map((f: Json) => f.name), total: paged.total }, { names: ['measure'], total: 3 });
    created(await server.admin('POST', `/api/v1/products/${b}/features`, { name: 'with_underscore' }));
    created(await server.admin('POST', `/api/v1/products/${b}/features`, { name: 'withXunderscore' }));
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/features?q=h_u')).items.map((f: Json) => f.name), ['with_underscore']);
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
    assert.deepEqual(validFor[0].features.map((f: Json) => f.feature), ['granted', 'other']);
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

describe('admin API: customers', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const full = { name: 'Acme Corp', contactName: 'Wile E. Coyote', contactEmail: 'wile@acme.example', phone: '+1 (555) 010-9999', comment: 'Pays late' };

  it('creates a customer with every field and answers them back; fields not given are null', async () => {
    const customer = created(await server.admin('POST', '/api/v1/customers', full));
    assert.match(customer.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...customer, id: undefined, createdAt: undefined, updatedAt: undefined }, { ...full, id: undefined, createdAt: undefined, updatedAt: undefined });
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/customers/${customer.id}`)), customer);
    const minimal = created(await server.admin('POST', '/api/v1/customers', { name: 'Minimal' }));
    assert.deepEqual([minimal.contactName, minimal.contactEmail, minimal.phone, minimal.comment], [null, null, null, null]);
  });

  it('refuses a malformed e-mail address, a missing name and unknown fields with 400', async () => {
    for (const contactEmail of ['not-an-email', 'a@', '@b.example', 'two@@at.example']) {
      assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Bad mail', contactEmail }), 'body.contactEmail');
    }
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { contactEmail: 'x@y.example' }), 'body.name');
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Extra', fax: '123' }), 'body.fax');
    assert.equal(ok(await server.admin('GET', '/api/v1/customers?q=Bad%20mail')).total, 0);
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'Patched mail', contactEmail: 'ok@x.example' }));
    assertValidationFailed(await server.admin('PATCH', `/api/v1/customers/${customer.id}`, { contactEmail: 'broken' }), 'body.contactEmail');
    assert.equal(ok(await server.admin('GET', `/api/v1/customers/${customer.id}`)).contactEmail, 'ok@x.example');
  });

  it('refuses a phone number with letters and an overlong name with 400', async () => {
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Phone', phone: 'call me' }), 'body.phone');
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'x'.repeat(201) }), 'body.name');
    assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Typed', comment: 5 }), 'body.comment');
  });

  it('changes the fields sent, keeps the others, and clears a field sent as null', async () => {
    const customer = created(await server.admin('POST', '/api/v1/customers', { ...full, name: 'Patch me' }));
    server.clock.advance(30);
    const changed = ok(await server.admin('PATCH', `/api/v1/customers/${customer.id}`, { contactEmail: 'new@acme.example', comment: null }));
    assert.equal(changed.name, 'Patch me');
    assert.equal(changed.contactName, full.contactName);
    assert.equal(changed.phone, full.phone);
    assert.equal(changed.contactEmail, 'new@acme.example');
    assert.equal(changed.comment, null);
    assert.equal(changed.createdAt, customer.createdAt);
    assert.equal(changed.updatedAt, new Date(server.clock.now()).toISOString());
    assertError(await server.admin('PATCH', '/api/v1/customers/00000000-0000-0000-0000-000000000000', { name: 'x' }), 404, 'NOT_FOUND');
  });

  it('refuses with 409 to delete a customer that has licenses, saying so, and deletes it once they are gone', async () => {
    const license = await createLicense(server);
    const error = assertError(await server.admin('DELETE', `/api/v1/customers/${license.customerId}`), 409, 'CONFLICT');
    assert.match(error.message, /licen[cs]e/i);
    ok(await server.admin('GET', `/api/v1/customers/${license.customerId}`));
    assert.equal((await licensingClient(server).validateKey(license.key)).json().isValid, true);
    assert.equal((await server.admin('DELETE', `/api/v1/licenses/${license.licenseId}`)).statusCode, 204);
    assert.equal((await server.admin('DELETE', `/api/v1/customers/${license.customerId}`)).statusCode, 204);
    assertError(await server.admin('GET', `/api/v1/customers/${license.customerId}`), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', `/api/v1/customers/${license.customerId}`), 404, 'NOT_FOUND');
  });

  it('lists customers by name in pages and searches them with q', async () => {
    const org = await server.addOrganization('Paging customers');
    for (const name of ['Zeta GmbH', 'Alpha Ltd', 'Mu Inc', 'Alphabet Soup']) created(await server.admin('POST', '/api/v1/customers', { name }, org.apiToken));
    const all = ok(await server.admin('GET', '/api/v1/customers', undefined, org.apiToken));
    assert.equal(all.total, 4);
    assert.deepEqual(all.items.map((c: Json) => c.name), ['Alpha Ltd', 'Alphabet Soup', 'Mu Inc', 'Zeta GmbH']);
    const page = ok(await server.admin('GET', '/api/v1/customers?limit=2&offset=1', undefined, org.apiToken));
    assert.deepEqual({ names: page.items.map((c: Json) => c.name), total: page.total, limit: page.limit, offset: page.offset }, { names: ['Alphabet Soup', 'Mu Inc'], total: 4, limit: 2, offset: 1 });
    const search = ok(await server.admin('GET', '/api/v1/customers?q=alpha', undefined, org.apiToken));
    assert.deepEqual(search.items.map((c: Json) => c.name), ['Alpha Ltd', 'Alphabet Soup']);
    assert.equal(search.total, 2);
    assertValidationFailed(await server.admin('GET', '/api/v1/customers?limit=500', undefined, org.apiToken), 'querystring.limit');
  });

  it('searches customer names with q taking _ and % literally', async () => {
    const org = await server.addOrganization('Searching customers');
    for (const name of ['Under_score Co', 'UnderXscore Co', '100% Fun', '1000 Funs']) created(await server.admin('POST', '/api/v1/customers', { name }, org.apiToken));
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/customers?q=r_s', undefined, org.apiToken)).items.map((c: Json) => c.name), ['Under_score Co']);
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/customers?q=0%25', undefined, org.apiToken)).items.map((c: Json) => c.name), ['100% Fun']);
  });
});

describe('admin API: licenses', () => {
  let server: TestServer;
  let customerId: string;
  let featureA: string;
  let featureB: string;
  before(async () => {
    server = await startTestServer();
    customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Licensee' })).id;
    const p1 = created(await server.admin('POST', '/api/v1/products', { name: 'suite-writer', description: 'Writer' })).id;
    const p2 = created(await server.admin('POST', '/api/v1/products', { name: 'suite-calc', description: 'Calc' })).id;
    featureA = created(await server.admin('POST', `/api/v1/products/${p1}/features`, { name: 'spellcheck' })).id;
    featureB = created(await server.admin('POST', `/api/v1/products/${p2}/features`, { name: 'charts' })).id;
  });
  after(() => server.close());

  const newLicense = async (body: Json = {}) => created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], ...body }));

  it('creates a license granting features of two products with a limit, an expiry and a comment', async () => {
    const expiry = new Date(server.clock.now() + 30 * 86400_000).toISOString();
    const license = created(
      await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA, featureB], leaseLimit: 3, expiry, comment: 'Enterprise deal' }),
    );
    assert.match(license.id, /^[0-9a-f-]{36}$/);
    assert.equal(license.customerId, customerId);
    assert.deepEqual([...license.featureIds].sort(), [featureA, featureB].sort());
    assert.equal(license.leaseLimit, 3);
    assert.equal(license.expiry, expiry);
    assert.equal(license.comment, 'Enterprise deal');
    assert.equal(license.leasesUsed, 0);
    assert.equal(license.keys.length, 1);
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)), license);

    const validation = (await licensingClient(server).validateKey(license.keys[0])).json();
    assert.equal(validation.isValid, true);
    assert.equal(validation.expiry, expiry);
    assert.equal(validation.leaseLimit, 3);
    assert.deepEqual(
      validation.validFor.map((p: Json) => [p.product, p.features.map((f: Json) => f.feature)]),
      [
        ['suite-calc', ['charts']],
        ['suite-writer', ['spellcheck']],
      ],
    );
  });

  it('takes an expiry with a UTC offset and answers it in UTC', async () => {
    const license = await newLicense({ expiry: '2031-03-01T10:00:00+02:00' });
    assert.equal(license.expiry, '2031-03-01T08:00:00.000Z');
    assert.equal((await licensingClient(server).validateKey(license.keys[0])).json().expiry, '2031-03-01T08:00:00.000Z');
  });

  it('defaults to no limit, no expiry and no comment', async () => {
    const license = await newLicense();
    assert.deepEqual([license.leaseLimit, license.expiry, license.comment], [null, null, null]);
  });

  it('generates a key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX in Crockford base32 when none is given, different each time', async () => {
    const a = await newLicense();
    const b = await newLicense();
    assert.match(a.keys[0], GENERATED_KEY);
    assert.match(b.keys[0], GENERATED_KEY);
    assert.notEqual(a.keys[0], b.keys[0]);
    assert.equal((await licensingClient(server).validateKey(a.keys[0])).json().isValid, true);
  });

  it('accepts custom key codes, each of which unlocks the license', async () => {
    const license = await newLicense({ keys: ['ACME-2030-GOLD', 'acme.backup_key'] });
    assert.deepEqual([...license.keys].sort(), ['ACME-2030-GOLD', 'acme.backup_key']);
    for (const key of license.keys) assert.equal((await licensingClient(server).validateKey(key)).json().isValid, true);
    assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: ['has space'] }), 'body.keys.0');
    assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: [] }), 'body.keys');
  });

  it('refuses with 409 a key code already used in the organization, on create and on change, but not in another organization', async () => {
    const first = await newLicense({ keys: ['TAKEN-CODE-1'] });
    const before = ok(await server.admin('GET', '/api/v1/licenses')).total;
    assertError(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: ['TAKEN-CODE-1'] }), 409, 'CONFLICT');
    assertError(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: ['TWICE-CODE-01', 'TWICE-CODE-01'] }), 409, 'CONFLICT');
    assert.equal(ok(await server.admin('GET', '/api/v1/licenses')).total, before, 'no license was created');
    const second = await newLicense({ keys: ['FREE-CODE-002'] });
    assertError(await server.admin('PATCH', `/api/v1/licenses/${second.id}`, { keys: ['TAKEN-CODE-1'] }), 409, 'CONFLICT');
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${second.id}`)).keys, ['FREE-CODE-002'], 'the refused change left the keys as they were');
    assert.equal((await licensingClient(server).validateKey('FREE-CODE-002')).json().isValid, true);
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${first.id}`)).keys, ['TAKEN-CODE-1']);

    const orgB = await server.addOrganization('Other licensor');
    const b = await createLicense(server, { token: orgB.apiToken });
    const res = await server.admin('PATCH', `/api/v1/licenses/${b.licenseId}`, { keys: ['TAKEN-CODE-1'] }, orgB.apiToken);
    assert.deepEqual(ok(res).keys, ['TAKEN-CODE-1']);
  });

  it('refuses a lease limit of 0, a negative, a fraction or a string with 400; null means unlimited', async () => {
    const before = ok(await server.admin('GET', '/api/v1/licenses')).total;
    for (const leaseLimit of [0, -1, 1.5, '5', true]) {
      assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], leaseLimit }), 'body.leaseLimit');
    }
    assert.equal(ok(await server.admin('GET', '/api/v1/licenses')).total, before);
    const license = await newLicense({ leaseLimit: 2 });
    assertValidationFailed(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leaseLimit: 0 }), 'body.leaseLimit');
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).leaseLimit, 2);
    assert.equal(ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leaseLimit: null })).leaseLimit, null);
  });

  it('refuses an expiry that is not an ISO date-time with 400', async () => {
    for (const expiry of ['tomorrow', '2030-13-01T00:00:00Z', 1893456000, '2030-01-01']) {
      assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], expiry }), 'body.expiry');
    }
  });

  it('answers 404 for an unknown customer or feature and creates nothing', async () => {
    const before = ok(await server.admin('GET', '/api/v1/licenses')).total;
    const unknown = '00000000-0000-0000-0000-000000000000';
    assert.match(assertError(await server.admin('POST', '/api/v1/licenses', { customerId: unknown, featureIds: [featureA] }), 404, 'NOT_FOUND').message, /customer/);
    assert.match(assertError(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA, unknown] }), 404, 'NOT_FOUND').message, /feature/);
    assert.equal(ok(await server.admin('GET', '/api/v1/licenses')).total, before);
    const license = await newLicense();
    assertError(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { featureIds: [unknown] }), 404, 'NOT_FOUND');
    assertError(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { customerId: unknown }), 404, 'NOT_FOUND');
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).featureIds, [featureA]);
    assertError(await server.admin('GET', `/api/v1/licenses/${unknown}`), 404, 'NOT_FOUND');
    assertError(await server.admin('PATCH', `/api/v1/licenses/${unknown}`, { comment: 'x' }), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', `/api/v1/licenses/${unknown}`), 404, 'NOT_FOUND');
  });

  it('changes the limit, the expiry and the features, and the licensing API sees the change', async () => {
    const license = await newLicense({ leaseLimit: 1, comment: 'keep me' });
    const key = license.keys[0];
    const client = licensingClient(server);
    assert.equal((await client.obtain(key)).statusCode, 200);
    assert.equal((await client.obtain(key)).json().errorCode, 'LEASE_LIMIT_REACHED');

    const expiry = new Date(server.clock.now() + 7 * 86400_000).toISOString();
    server.clock.advance(10);
    const changed = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leaseLimit: 2, expiry, featureIds: [featureB] }));
    assert.equal(changed.leaseLimit, 2);
    assert.equal(changed.expiry, expiry);
    assert.deepEqual(changed.featureIds, [featureB]);
    assert.equal(changed.comment, 'keep me', 'fields not sent stay as they were');
    assert.deepEqual(changed.keys, license.keys);
    assert.equal(changed.leasesUsed, 1);
    assert.equal(changed.updatedAt, new Date(server.clock.now()).toISOString());

    assert.equal((await client.obtain(key)).statusCode, 200, 'the raised limit gives a second seat');
    const validation = (await client.validateKey(key)).json();
    assert.equal(validation.expiry, expiry);
    assert.deepEqual(validation.validFor.map((p: Json) => p.product), ['suite-calc']);

    const cleared = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { expiry: null, comment: null }));
    assert.equal(cleared.expiry, null);
    assert.equal(cleared.comment, null);

    const past = new Date(server.clock.now() - 1000).toISOString();
    ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { expiry: past }));
    assert.equal((await client.validateKey(key)).json().errorCode, 'KEY_EXPIRED');
  });

  it('replacing the keys invalidates leases obtained with a removed key and keeps those of a kept key', async () => {
    const license = await newLicense({ keys: ['OLD-KEY-CODE-1', 'KEPT-KEY-CODE-1'] });
    const client = licensingClient(server);
    const removedLease = (await client.obtain('OLD-KEY-CODE-1')).json().lease as string;
    const keptLease = (await client.obtain('KEPT-KEY-CODE-1')).json().lease as string;
    assert.equal((await client.validateLease(removedLease)).statusCode, 200);

    const changed = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { keys: ['KEPT-KEY-CODE-1', 'NEW-KEY-CODE-1'] }));
    assert.deepEqual([...changed.keys].sort(), ['KEPT-KEY-CODE-1', 'NEW-KEY-CODE-1']);
    assert.equal(changed.leasesUsed, 1, 'the revoked lease no longer holds a seat');

    const validation = await client.validateLease(removedLease);
    assert.equal(validation.statusCode, 404);
    assert.equal(validation.json().errorCode, 'LEASE_INVALID');
    const renewal = await client.renew(removedLease);
    assert.equal(renewal.statusCode, 404);
    assert.equal(renewal.json().errorCode, 'KEY_INVALID');
    assert.equal((await client.validateKey('OLD-KEY-CODE-1')).json().errorCode, 'KEY_INVALID');
    assert.equal((await client.obtain('OLD-KEY-CODE-1')).json().errorCode, 'KEY_INVALID');

    assert.equal((await client.validateLease(keptLease)).json().isValid, true);
    assert.equal((await client.renew(keptLease)).json().success, true);
    assert.equal((await client.validateKey('NEW-KEY-CODE-1')).json().isValid, true);
    const states = ok(await server.admin('GET', `/api/v1/licenses/${license.id}/leases`)).items.map((l: Json) => [l.id, l.state]);
    assert.ok(states.some(([id, state]: string[]) => id === leaseIdOf(removedLease) && state === 'revoked'));
  });

  it('deleting a license makes its leases LEASE_INVALID on validate, KEY_INVALID on renew, and its key KEY_INVALID', async () => {
    const license = await newLicense({ leaseLimit: 5 });
    const key = license.keys[0];
    const client = licensingClient(server);
    const lease = (await client.obtain(key)).json().lease as string;
    const deleted = await server.admin('DELETE', `/api/v1/licenses/${license.id}`);
    assert.equal(deleted.statusCode, 204);
    assertError(await server.admin('GET', `/api/v1/licenses/${license.id}`), 404, 'NOT_FOUND');
    assertError(await server.admin('GET', `/api/v1/licenses/${license.id}/leases`), 404, 'NOT_FOUND');

    const validation = await client.validateLease(lease);
    assert.equal(validation.statusCode, 404);
    assert.equal(validation.json().errorCode, 'LEASE_INVALID');
    const renewal = await client.renew(lease);
    assert.equal(renewal.statusCode, 404);
    assert.equal(renewal.json().errorCode, 'KEY_INVALID');
    const keyValidation = await client.validateKey(key);
    assert.equal(keyValidation.statusCode, 404);
    assert.equal(keyValidation.json().errorCode, 'KEY_INVALID');
    assert.equal((await client.obtain(key)).json().errorCode, 'KEY_INVALID');
    assertError(await server.admin('DELETE', `/api/v1/licenses/${license.id}`), 404, 'NOT_FOUND');
  });

  it('lists licenses newest first, filtered by customerId, with leasesUsed', async () => {
    const otherCustomer = created(await server.admin('POST', '/api/v1/customers', { name: 'Filtered' })).id;
    const older = created(await server.admin('POST', '/api/v1/licenses', { customerId: otherCustomer, featureIds: [featureA], leaseLimit: 4 }));
    server.clock.advance(1);
    const newer = created(await server.admin('POST', '/api/v1/licenses', { customerId: otherCustomer, featureIds: [featureB] }));
    const client = licensingClient(server);
    await client.obtain(older.keys[0]);
    await client.obtain(older.keys[0]);

    const listed = ok(await server.admin('GET', `/api/v1/licenses?customerId=${otherCustomer}`));
    assert.equal(listed.total, 2);
    assert.deepEqual(listed.items.map((l: Json) => l.id), [newer.id, older.id]);
    assert.deepEqual(listed.items.map((l: Json) => l.leasesUsed), [0, 2]);
    assert.ok(listed.items.every((l: Json) => l.customerId === otherCustomer));
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${older.id}`)).leasesUsed, 2);

    const all = ok(await server.admin('GET', '/api/v1/licenses?limit=200'));
    assert.ok(all.items.some((l: Json) => l.customerId === customerId), 'without the filter other customers are listed too');
    const paged = ok(await server.admin('GET', `/api/v1/licenses?customerId=${otherCustomer}&limit=1&offset=1`));
    assert.deepEqual({ ids: paged.items.map((l: Json) => l.id), total: paged.total }, { ids: [older.id], total: 2 });
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses?customerId=00000000-0000-0000-0000-000000000000`)).total, 0);
  });

  it('counts only active, unexpired leases in leasesUsed', async () => {
    const license = await newLicense({ leaseLimit: 5 });
    const client = licensingClient(server);
    const short = (await client.obtain(license.keys[0], { expiry: 60 })).json().lease;
    const released = (await client.obtain(license.keys[0], { expiry: 600 })).json().lease;
    await client.obtain(license.keys[0], { expiry: 600 });
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).leasesUsed, 3);
    await client.release(released);
    server.clock.advance(61);
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).leasesUsed, 1);
    assert.ok(short);
  });

  it('searches licenses with q by comment text (taking % and _ literally) or by an exact key code', async () => {
    const org = await server.addOrganization('Searching licenses');
    const a = await createLicense(server, { token: org.apiToken });
    const b = await createLicense(server, { token: org.apiToken });
    ok(await server.admin('PATCH', `/api/v1/licenses/${a.licenseId}`, { comment: 'gets 100% discount' }, org.apiToken));
    ok(await server.admin('PATCH', `/api/v1/licenses/${b.licenseId}`, { comment: 'gets 1000 seats' }, org.apiToken));
    const ids = async (q: string) => ok(await server.admin('GET', `/api/v1/licenses?q=${encodeURIComponent(q)}`, undefined, org.apiToken)).items.map((l: Json) => l.id);
    assert.deepEqual(await ids('discount'), [a.licenseId]);
    assert.deepEqual(await ids('0%'), [a.licenseId]);
    assert.deepEqual(await ids('gets 1_0'), []);
    assert.deepEqual(await ids(b.key), [b.licenseId]);
    assert.deepEqual(await ids(b.key.slice(0, 5)), [], 'a key code matches only exactly');
  });

  it('refuses unknown fields in license bodies with 400', async () => {
    assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], seats: 3 }), 'body.seats');
    const license = await newLicense();
    assertValidationFailed(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leasesUsed: 0 }), 'body.leasesUsed');
  });
});

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
    assert.deepEqual(active.items.map((l: Json) => l.id), [leaseIdOf(second), leaseIdOf(first)]);
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
    for (const authorization of ['Bearer', 'Bearer ', `Basic ${Buffer.from('admin:pw').toString('base64')}`, server.org.apiToken, `Token ${server.org.apiToken}`, 'Bearer not-a-token', `Bearer ${server.org.apiToken} extra`]) {
      assertError(await raw({ authorization }), 401, 'UNAUTHORIZED');
    }
  });

  it('answers 401 UNAUTHORIZED for a known token id with the wrong secret, and for an unknown token', async () => {
    const token = server.org.apiToken;
    const secret = token.slice(token.lastIndexOf('_') + 1);
    const wrongSecret = `${token.slice(0, token.lastIndexOf('_') + 1)}${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
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
    const wrong = `${token.slice(0, token.lastIndexOf('_') + 1)}${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
    assertError(await server.admin('GET', '/api/v1/products', undefined, wrong), 401, 'UNAUTHORIZED');
    assert.equal((await server.store.tokens.get(id))!.lastUsedAt, null);
  });
});

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
    assert.deepEqual(products.items.map((p: Json) => p.id), [b.productId]);
    assert.equal(products.total, 1);
    assert.equal(ok(await asB('GET', '/api/v1/products?q=a-product')).total, 0);
    const features = ok(await asB('GET', '/api/v1/features'));
    assert.deepEqual(features.items.map((f: Json) => f.id), b.featureIds);
    assert.equal(ok(await asB('GET', `/api/v1/features?productId=${a.productId}`)).total, 0);
    assert.equal(ok(await asB('GET', '/api/v1/features?q=a-feature')).total, 1);
    const customers = ok(await asB('GET', '/api/v1/customers'));
    assert.deepEqual(customers.items.map((c: Json) => c.id), [b.customerId]);
    const licenses = ok(await asB('GET', '/api/v1/licenses'));
    assert.deepEqual(licenses.items.map((l: Json) => l.id), [b.licenseId]);
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
