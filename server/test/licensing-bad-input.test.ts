import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';

describe('bad input to the licensing API', () => {
  let server: TestServer;
  let license: TestLicense;
  let lease: string;
  before(async () => {
    server = await startTestServer();
    license = await createLicense(server, { leaseLimit: 1 });
    lease = (await licensingClient(server).obtain(license.key, { clientId: 'holder' })).json().lease;
  });
  after(() => server.close());

  const post = (path: string, payload: unknown, contentType = 'application/json') =>
    server.app.inject({
      method: 'POST',
      url: `${server.licensingPath}${path}`,
      headers: { 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  /** Nothing a bad request sends may have changed the seat or the lease. */
  async function assertUnchanged() {
    const client = licensingClient(server);
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1);
    assert.equal((await client.validateLease(lease)).json().isValid, true);
  }

  it('answers 400 INVALID_REQUEST with a message for parameters of the wrong type in a JSON body', async () => {
    const cases: [string, unknown][] = [
      ['/lease/obtain', { key: ['a', 'b'] }],
      ['/lease/obtain', { key: { $ne: '' } }],
      ['/lease/obtain', { key: 42 }],
      ['/lease/obtain', { key: license.key, expiry: -5 }],
      ['/lease/obtain', { key: license.key, expiry: '10s' }],
      ['/lease/obtain', { key: license.key, expiry: true }],
      ['/lease/obtain', { key: license.key, clientId: ['holder'] }],
      ['/lease/obtain', { key: license.key, clientId: { a: 1 } }],
      ['/lease/obtain', { key: license.key, clientId: 'x'.repeat(1025) }],
      ['/lease/obtain', { key: license.key, expiry: 1e13 }],
      ['/lease/obtain', { key: 'k'.repeat(4097) }],
      ['/lease/renew', { lease: [lease] }],
      ['/lease/renew', { lease, expiry: [60] }],
      ['/lease/release', { lease: { value: lease } }],
      ['/lease/release', [lease]],
      ['/lease/obtain', 'just a string'],
    ];
    for (const [path, body] of cases) {
      const res = await post(path, body);
      assert.equal(res.statusCode, 400, `${path} ${JSON.stringify(body)}: ${res.body}`);
      const reply = res.json();
      assert.equal(reply.errorCode, 'INVALID_REQUEST');
      assert.equal(reply.success, false);
      assert.equal(typeof reply.message, 'string');
    }
    await assertUnchanged();
  });

  it('answers a missing key KEY_INVALID and a missing lease LEASE_INVALID, as the original server did', async () => {
    for (const path of ['/lease/obtain', '/lease/renew', '/lease/release']) {
      const res = await post(path, {});
      assert.equal(res.statusCode, 404, `${path}: ${res.body}`);
      assert.equal(res.json().errorCode, path === '/lease/obtain' ? 'KEY_INVALID' : 'LEASE_INVALID');
    }
    for (const path of ['/key/validate', '/lease/validate']) {
      const res = await server.app.inject({ method: 'GET', url: `${server.licensingPath}${path}` });
      assert.equal(res.statusCode, 404);
      assert.deepEqual([res.json().isValid, res.json().errorCode], [false, path === '/key/validate' ? 'KEY_INVALID' : 'LEASE_INVALID']);
    }
    await assertUnchanged();
  });

  it('refuses repeated query parameters (arrays) and malformed expiry in the query string', async () => {
    const urls = [`/key/validate?key=${license.key}&key=${license.key}`, `/lease/validate?lease=a&lease=b`];
    for (const url of urls) {
      const res = await server.app.inject({ method: 'GET', url: `${server.licensingPath}${url}` });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().errorCode, 'INVALID_REQUEST');
    }
    for (const expiry of ['-1', '1e3', 'abc', '1.5.5', ' 60', '99999999999999']) {
      const res = await server.app.inject({ method: 'POST', url: `${server.licensingPath}/lease/obtain?key=${license.key}&expiry=${encodeURIComponent(expiry)}` });
      assert.equal(res.statusCode, 400, `expiry=${expiry}: ${res.body}`);
    }
    await assertUnchanged();
  });

  it('refuses malformed form bodies, broken JSON, unknown content types and oversized bodies with 400', async () => {
    const cases: [unknown, string][] = [
      [`key=${license.key}&key=other`, 'application/x-www-form-urlencoded'],
      [`key=${license.key}&expiry=soon`, 'application/x-www-form-urlencoded'],
      ['{"key": ', 'application/json'],
      ['key', 'text/plain'],
      ['<key/>', 'application/xml'],
      [JSON.stringify({ key: 'k', pad: 'x'.repeat(300_000) }), 'application/json'],
    ];
    for (const [body, type] of cases) {
      const res = await post('/lease/obtain', body, type);
      assert.equal(res.statusCode, 400, `${type}: ${res.body.slice(0, 200)}`);
      assert.equal(res.json().errorCode, 'INVALID_REQUEST');
    }
    await assertUnchanged();
  });

  it('treats lookalike and hostile strings as unknown keys and leases, never as a fault', async () => {
    const client = licensingClient(server);
    // Any case of a key is the key (test/case-duplicates.test.ts); without its dashes it is another string.
    for (const key of ["' OR 1=1 --", '%', '_', '\u0000', '😀'.repeat(10), license.key.replace(/-/g, ''), `${license.key.toLowerCase()} `]) {
      const res = await client.validateKey(key);
      assert.equal(res.statusCode, 404, key);
      assert.equal(res.json().errorCode, 'KEY_INVALID');
    }
    const header = Buffer.from('{"alg":"none"}').toString('base64url');
    for (const code of [`${header}.${Buffer.from('{"jti":["x"]}').toString('base64url')}.`, `${header}.%%%.sig`, `${header}.${Buffer.from('null').toString('base64url')}.x`, '...', '.']) {
      const res = await client.validateLease(code);
      assert.equal(res.statusCode, 404, code);
      assert.equal(res.json().errorCode, 'LEASE_INVALID');
    }
    await assertUnchanged();
  });
});
