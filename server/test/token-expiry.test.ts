import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;
const DAY_S = 86_400;

describe('API token expiry', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const create = (body: Json) => server.admin('POST', '/api/v1/tokens', body);
  const tokens = async (): Promise<Json[]> => (await server.admin('GET', '/api/v1/tokens')).json().items;

  it('accepts a token until its expiry and refuses it from then on with the 401 of an unknown token, listing it as expired', async () => {
    const expiresAt = new Date(server.clock.now() + 30 * DAY_S * 1000).toISOString();
    const res = await create({ name: 'thirty days', role: 'viewer', expiresAt });
    assert.equal(res.statusCode, 201, res.body);
    const made = res.json();
    assert.equal(made.expiresAt, expiresAt);
    assert.equal(made.expired, false);

    server.clock.advance(30 * DAY_S - 1);
    assert.equal((await server.admin('GET', '/api/v1/products', undefined, made.token)).statusCode, 200, 'a second before its expiry');
    assert.deepEqual(
      (await tokens()).filter((t) => t.id === made.id).map((t) => [t.expiresAt, t.expired]),
      [[expiresAt, false]],
    );

    server.clock.advance(1);
    const refused = await server.admin('GET', '/api/v1/products', undefined, made.token);
    const unknown = await server.admin('GET', '/api/v1/products', undefined, `lh_${'0'.repeat(32)}_${'A'.repeat(43)}`);
    assert.equal(refused.statusCode, 401);
    assert.deepEqual(refused.json(), unknown.json(), 'the same answer as a token that does not exist');
    assert.equal((await server.admin('POST', '/api/v1/customers', { name: 'late' }, made.token)).statusCode, 401, 'writes too');
    assert.deepEqual(
      (await tokens()).filter((t) => t.id === made.id).map((t) => [t.expiresAt, t.expired]),
      [[expiresAt, true]],
    );
  });

  it('makes a token without an expiry, or with a null one, that never expires', async () => {
    const absent = (await create({ name: 'forever', role: 'viewer' })).json();
    const none = (await create({ name: 'forever too', role: 'viewer', expiresAt: null })).json();
    assert.equal(absent.expiresAt, null);
    assert.equal(none.expiresAt, null);
    server.clock.advance(3 * 365 * DAY_S);
    assert.equal((await server.admin('GET', '/api/v1/products', undefined, absent.token)).statusCode, 200);
    assert.equal((await server.admin('GET', '/api/v1/products', undefined, none.token)).statusCode, 200);
  });

  it('refuses an expiry that is now or past, more than 730 days ahead, or not a time, with 400, and makes no token', async () => {
    const before = (await tokens()).length;
    const now = server.clock.now();
    for (const expiresAt of [new Date(now).toISOString(), new Date(now - 1000).toISOString(), new Date(now + 731 * DAY_S * 1000).toISOString(), 'tomorrow', 'x'.repeat(41), 5]) {
      const res = await create({ name: 'bad expiry', role: 'viewer', expiresAt });
      assert.equal(res.statusCode, 400, `${String(expiresAt)}: ${res.body}`);
      assert.equal(res.json().error.code, 'VALIDATION_FAILED', res.body);
    }
    assert.equal((await create({ name: 'two years', role: 'viewer', expiresAt: new Date(now + 730 * DAY_S * 1000).toISOString() })).statusCode, 201, 'exactly 730 days is allowed');
    assert.equal((await tokens()).length, before + 1);
  });

  it('records the expiry in the audit entry of the creation', async () => {
    const expiresAt = new Date(server.clock.now() + 90 * DAY_S * 1000).toISOString();
    const made = (await create({ name: 'audited expiry', role: 'viewer', expiresAt })).json();
    const entries = (await server.admin('GET', `/api/v1/audit?resourceType=token&resourceId=${made.id}`)).json().items;
    assert.equal(entries.length, 1);
    assert.equal(entries[0].after.expiresAt, expiresAt);
  });

  it('gives an operator token made with an expiry in days the same end (leasehold token create --expires-in)', async () => {
    const made = await createApiToken(server.store, server.clock, server.org.organizationId, 'cli expiring', 'viewer', null, 7);
    assert.equal(made.expiresAt, new Date(server.clock.now() + 7 * DAY_S * 1000).toISOString());
    server.clock.advance(7 * DAY_S);
    assert.equal((await server.admin('GET', '/api/v1/products', undefined, made.token)).statusCode, 401);
    await assert.rejects(createApiToken(server.store, server.clock, server.org.organizationId, 'too long', 'viewer', null, 731), RangeError);
  });
});
