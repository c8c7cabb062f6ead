import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';

describe('admin-chosen key codes', () => {
  let server: TestServer;
  let license: TestLicense;
  before(async () => {
    server = await startTestServer();
    license = await createLicense(server);
  });
  after(() => server.close());

  const refused = (res: { statusCode: number; json(): unknown }, field: string) => {
    assert.equal(res.statusCode, 400);
    const error = (res.json() as { error: { code: string; message: string; details: { field: string }[] } }).error;
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.match(error.message, /12 characters/);
    assert.ok(
      error.details.some((d) => d.field === field),
      JSON.stringify(error.details),
    );
  };

  it('must have at least 12 characters when they are new', async () => {
    const base = { customerId: license.customerId, featureIds: license.featureIds };
    refused(await server.admin('POST', '/api/v1/licenses', { ...base, keys: ['1234'] }), 'body.keys.0');
    refused(await server.admin('POST', '/api/v1/licenses', { ...base, keys: ['GOOD-KEY-CODE-1', 'ELEVEN-CHAR'] }), 'body.keys.1');
    const created = await server.admin('POST', '/api/v1/licenses', { ...base, keys: ['TWELVE-CHARS'] });
    assert.equal(created.statusCode, 201, created.body);
    refused(await server.admin('PATCH', `/api/v1/licenses/${created.json().id}`, { keys: ['TWELVE-CHARS', 'SHORT'] }), 'body.keys.1');
    assert.deepEqual((await server.admin('GET', `/api/v1/licenses/${created.json().id}`)).json().keys, ['TWELVE-CHARS']);
  });

  it('keeps existing shorter keys working, and a change may keep them', async () => {
    // A key made before the minimum, written as the old admin API did.
    await server.store.licenses.update(server.org.organizationId, license.licenseId, { keys: [{ id: randomUUID(), code: '4711' }] }, server.clock.now());
    const client = licensingClient(server);
    assert.equal((await client.validateKey('4711')).json().isValid, true);
    assert.equal((await client.obtain('4711')).json().success, true);

    const comment = await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { comment: 'still the old key' });
    assert.equal(comment.statusCode, 200, comment.body);
    const kept = await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { keys: ['4711', 'A-STRONGER-KEY-2'] });
    assert.equal(kept.statusCode, 200, kept.body);
    assert.deepEqual([...kept.json().keys].sort(), ['4711', 'A-STRONGER-KEY-2']);
    refused(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { keys: ['4711', '4712'] }), 'body.keys.1');
    assert.equal((await client.validateKey('4711')).json().isValid, true);
    assert.equal((await client.validateKey('4712')).statusCode, 404);
  });
});
