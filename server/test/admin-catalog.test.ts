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

