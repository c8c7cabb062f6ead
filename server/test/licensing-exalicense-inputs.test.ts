import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LEASE_CODE_BUDGET } from '../src/keys/lease-code.js';
import { createLicense, startTestServer, type TestLicense, type TestServer } from './helpers.js';

const claimsOf = (code: string) => JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * What existing ExaLicense clients send, answered as the original server answered it: no key or
 * lease at all after a release or before a key is set, a client id as a number, an expiry of 0 or
 * 90.5. Objects and arrays stay INVALID_REQUEST.
 */
describe('the edge inputs the original ExaLicense server accepted', () => {
  let server: TestServer;
  let license: TestLicense;
  before(async () => {
    server = await startTestServer();
    license = await createLicense(server, { leaseLimit: 20 });
  });
  after(() => server.close());

  const post = (path: string, payload: unknown, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'POST', url: `${server.licensingPath}${path}`, payload: payload as object, headers });
  const get = (path: string, query = '') => server.app.inject({ method: 'GET', url: `${server.licensingPath}${path}${query}` });
  const form = (fields: Record<string, string>) => ({ payload: new URLSearchParams(fields).toString(), type: 'application/x-www-form-urlencoded' });
  const obtain = async (body: Record<string, unknown>) => {
    const res = await post('/lease/obtain', { key: license.key, ...body });
    assert.equal(res.statusCode, 200, `${JSON.stringify(body).slice(0, 80)}: ${res.body}`);
    return res.json<{ lease: string; expiry: string }>();
  };
  const release = async (lease: string) => assert.equal((await post('/lease/release', { lease })).statusCode, 200);

  it('a missing, null or empty key, or one longer than any key, is KEY_INVALID', async () => {
    const answers = [
      await get('/key/validate'),
      await get('/key/validate', '?key='),
      await get('/key/validate', `?key=${'K'.repeat(300)}`),
      await post('/lease/obtain', {}),
      await post('/lease/obtain', { key: null }),
      await post('/lease/obtain', { key: '' }),
      await post('/lease/obtain', { key: 'K'.repeat(300), clientId: 'a' }),
      await server.app.inject({ method: 'POST', url: `${server.licensingPath}/lease/obtain`, ...form({ key: '' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ];
    for (const res of answers) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().errorCode, 'KEY_INVALID', res.body);
    }
  });

  it('a missing, null or empty lease is LEASE_INVALID on validate, renew and release', async () => {
    const answers = [
      await get('/lease/validate'),
      await get('/lease/validate', '?lease='),
      await get('/lease/validate', '?lease=null'),
      ...(await Promise.all(['/lease/renew', '/lease/release'].flatMap((path) => [post(path, {}), post(path, { lease: null }), post(path, { lease: '' })]))),
    ];
    for (const res of answers) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().errorCode, 'LEASE_INVALID', res.body);
    }
  });

  it('asking for no key or lease is not a guess: it never counts towards the limit on failed lookups', async () => {
    const from = (remoteAddress: string) => server.app.inject({ method: 'POST', url: `${server.licensingPath}/lease/obtain`, payload: { key: null }, remoteAddress });
    for (let i = 0; i < 40; i++) assert.equal((await from('198.51.100.40')).statusCode, 404);
    const guess = await server.app.inject({ method: 'GET', url: `${server.licensingPath}/key/validate?key=NOT-A-KEY-AT-ALL`, remoteAddress: '198.51.100.40' });
    assert.equal(guess.json().errorCode, 'KEY_INVALID', 'the address is not blocked');
  });

  it('an expiry of 0, null or empty is the default; a fraction is cut to whole seconds, and one under a second is the default', async () => {
    const now = server.clock.now();
    const lifetime = (answer: { expiry: string }) => (Date.parse(answer.expiry) - Math.floor(now / 1000) * 1000) / 1000;
    for (const expiry of [0, null, '', '0', 0.5, '0.5']) {
      const answer = await obtain({ expiry });
      assert.equal(lifetime(answer), 600, `expiry ${JSON.stringify(expiry)}`);
      await release(answer.lease);
    }
    for (const [expiry, seconds] of [
      [90.5, 90],
      ['90.5', 90],
      [120.999, 120],
      ['61', 61],
    ] as const) {
      const answer = await obtain({ expiry });
      assert.equal(lifetime(answer), seconds, `expiry ${JSON.stringify(expiry)}`);
      const renewed = await post('/lease/renew', { lease: answer.lease, expiry });
      assert.equal(lifetime(renewed.json()), seconds, `renew with expiry ${JSON.stringify(expiry)}`);
      await release(renewed.json().lease);
    }
  });

  it('a client id sent as a number or a boolean is taken as its text', async () => {
    const one = await createLicense(server, { leaseLimit: 1 });
    const first = await post('/lease/obtain', { key: one.key, clientId: 42 });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(claimsOf(first.json().lease).cid, '42');
    // The same client, as text: it holds the seat already.
    assert.equal((await post('/lease/obtain', { key: one.key, clientId: '42' })).statusCode, 200);
    assert.equal((await post('/lease/obtain', { key: one.key, clientId: 43 })).json().errorCode, 'LEASE_LIMIT_REACHED');
    const flag = await obtain({ clientId: true });
    assert.equal(claimsOf(flag.lease).cid, 'true');
    await release(flag.lease);
  });

  it('an empty client id is no client id: each such obtain takes a seat of its own', async () => {
    const two = await createLicense(server, { leaseLimit: 2 });
    const first = await post('/lease/obtain', { key: two.key, clientId: '' });
    const second = await post('/lease/obtain', { key: two.key, clientId: '' });
    assert.deepEqual([first.statusCode, second.statusCode], [200, 200]);
    assert.equal(claimsOf(first.json().lease).cid, undefined);
    for (const answer of [first, second]) assert.equal((await get('/lease/validate', `?lease=${answer.json().lease}`)).json().isValid, true, "neither took the other's seat");
    assert.equal((await post('/lease/obtain', { key: two.key, clientId: '' })).json().errorCode, 'LEASE_LIMIT_REACHED');
  });

  it('client ids of 1,024 characters are accepted; a long one of wide characters is carried in the code as its digest', async () => {
    const long = 'c'.repeat(1024);
    const plain = await obtain({ clientId: long });
    assert.equal(claimsOf(plain.lease).cid, long);
    const wide = '\u{1F600}'.repeat(512);
    const digested = await obtain({ clientId: wide });
    assert.match(String(claimsOf(digested.lease).cid), /^sha256:[A-Za-z0-9_-]{43}$/);
    assert.ok(digested.lease.length <= LEASE_CODE_BUDGET);
    for (const answer of [plain, digested]) await release(answer.lease);
    assert.equal((await post('/lease/obtain', { key: license.key, clientId: 'c'.repeat(1025) })).json().errorCode, 'INVALID_REQUEST');
  });

  it('objects and arrays, which could carry an injection, stay INVALID_REQUEST', async () => {
    const cases: [string, unknown][] = [
      ['/lease/obtain', { key: { $ne: '' } }],
      ['/lease/obtain', { key: [license.key] }],
      ['/lease/obtain', { key: license.key, clientId: { $gt: '' } }],
      ['/lease/obtain', { key: license.key, clientId: ['a'] }],
      ['/lease/obtain', { key: license.key, expiry: [60] }],
      ['/lease/obtain', { key: license.key, expiry: { n: 60 } }],
      ['/lease/renew', { lease: { $ne: '' } }],
      ['/lease/release', { lease: ['x'] }],
    ];
    for (const [path, body] of cases) {
      const res = await post(path, body);
      assert.equal(res.statusCode, 400, `${path} ${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().errorCode, 'INVALID_REQUEST');
    }
  });
});
