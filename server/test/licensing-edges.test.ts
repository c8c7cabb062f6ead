import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';

describe('licensing API edges: body size, NUL characters, the last second of a license', () => {
  let server: TestServer;
  let license: TestLicense;
  before(async () => {
    server = await startTestServer();
    license = await createLicense(server);
  });
  after(() => server.close());

  const LIMIT = 32 * 1024;
  const post = (path: string, payload: string, contentType: string) => server.app.inject({ method: 'POST', url: `${server.licensingPath}${path}`, headers: { 'content-type': contentType }, payload });

  /** A body of exactly `bytes` bytes carrying the key and padding in an extra parameter. */
  function jsonOf(bytes: number): string {
    const empty = JSON.stringify({ key: license.key, pad: '' });
    return JSON.stringify({ key: license.key, pad: 'x'.repeat(bytes - empty.length) });
  }
  function formOf(bytes: number): string {
    const empty = `key=${license.key}&pad=`;
    return `${empty}${'x'.repeat(bytes - empty.length)}`;
  }

  it('takes JSON and form bodies up to 32 KiB and refuses larger ones with 400 INVALID_REQUEST', async () => {
    for (const [type, of] of [
      ['application/json', jsonOf],
      ['application/x-www-form-urlencoded', formOf],
    ] as const) {
      const under = of(LIMIT);
      assert.equal(Buffer.byteLength(under), LIMIT);
      const ok = await post('/lease/obtain', under, type);
      assert.equal(ok.statusCode, 200, `${type} at the limit: ${ok.body.slice(0, 200)}`);
      assert.equal(ok.json().success, true);

      const over = of(LIMIT + 1);
      const refused = await post('/lease/obtain', over, type);
      assert.equal(refused.statusCode, 400, `${type} one byte over: ${refused.body.slice(0, 200)}`);
      assert.equal(refused.json().success, false);
      assert.equal(refused.json().errorCode, 'INVALID_REQUEST');
      assert.match(refused.json().message, /32 KiB/);
    }
    // Validations answer in their own shape.
    const lease = (await licensingClient(server).obtain(license.key)).json().lease;
    const release = await post('/lease/release', JSON.stringify({ lease, pad: 'x'.repeat(LIMIT) }), 'application/json');
    assert.equal(release.statusCode, 400);
    assert.equal(release.json().errorCode, 'INVALID_REQUEST');
  });

  it('answers 400 INVALID_REQUEST for a clientId holding NUL, in JSON, form and query, and takes no seat', async () => {
    const limited = await createLicense(server, { leaseLimit: 1 });
    const path = `${server.licensingPath}/lease/obtain`;
    const answers = [
      await server.app.inject({ method: 'POST', url: path, payload: { key: limited.key, clientId: 'host\u0000one' } }),
      await post('/lease/obtain', `key=${limited.key}&clientId=host%00one`, 'application/x-www-form-urlencoded'),
      await server.app.inject({ method: 'POST', url: `${path}?key=${limited.key}&clientId=%00` }),
    ];
    for (const res of answers) {
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual([res.json().success, res.json().errorCode], [false, 'INVALID_REQUEST']);
      assert.match(res.json().message, /clientId/);
    }
    assert.equal((await licensingClient(server).validateKey(limited.key)).json().leasesUsed, 0);
  });

  it('never issues a lease that has already expired: less than a whole second of the license left is KEY_EXPIRED', async () => {
    const start = server.clock.ms;
    try {
      const client = licensingClient(server);
      // The license ends at 12:00:00.900; it is 12:00:00.300.
      const end = Date.UTC(2031, 0, 1, 12, 0, 0) + 900;
      const ending = await createLicense(server, { expiry: new Date(end).toISOString() });
      server.clock.ms = end - 600;
      const key = await client.validateKey(ending.key);
      assert.equal(key.json().isValid, true, 'the license itself has not expired yet');
      const obtain = await client.obtain(ending.key);
      assert.equal(obtain.statusCode, 403, obtain.body);
      assert.deepEqual([obtain.json().success, obtain.json().errorCode, obtain.json().lease], [false, 'KEY_EXPIRED', null]);

      // A lease issued earlier, whose license was then cut short to end within the current second.
      server.clock.ms = end - 60_000;
      const later = await createLicense(server);
      const lease = (await client.obtain(later.key, { expiry: 600 })).json().lease;
      const patched = await server.admin('PATCH', `/api/v1/licenses/${later.licenseId}`, { expiry: new Date(end).toISOString() });
      assert.equal(patched.statusCode, 200, patched.body);
      server.clock.ms = end - 600;
      const renew = await client.renew(lease);
      assert.equal(renew.statusCode, 403, renew.body);
      assert.deepEqual([renew.json().success, renew.json().errorCode, renew.json().lease], [false, 'KEY_EXPIRED', null]);

      // One whole second left still gives a lease, which ends on that second.
      server.clock.ms = end - 1000;
      const last = await client.obtain(ending.key);
      assert.equal(last.statusCode, 200, last.body);
      assert.equal(last.json().expiry, new Date(end - 900).toISOString());
      assert.ok(Date.parse(last.json().expiry) > server.clock.ms);
      assert.equal((await client.validateLease(last.json().lease)).json().isValid, true);
    } finally {
      server.clock.ms = start;
    }
  });
});
