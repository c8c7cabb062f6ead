import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { createLicense, startTestServer, type TestLicense, type TestServer } from './helpers.js';

/**
 * The published ExaLicense JavaScript client (exalicense-client 0.1.5 from npm), unmodified, against
 * a real Leasehold server over HTTP, as an existing vendor's application runs it. Every public
 * method and option, and the edge inputs it sends (no lease after a release, no key, a client id
 * as a number, an expiry of 0 or 90.5). Its offline check needs jsonwebtoken and an RS256 key.
 */
const require = createRequire(import.meta.url);
interface ExaLicenseClient {
  currentLease?: string | null;
  setLicenseKey(key: string | null): void;
  validateKey(): Promise<Record<string, unknown>>;
  obtainLease(expiry?: number | null): Promise<Record<string, unknown>>;
  validateLease(): Promise<Record<string, unknown>>;
  validateLeaseOffline(): Record<string, unknown>;
  renewLease(expiry?: number | null): Promise<Record<string, unknown>>;
  releaseLease(): Promise<Record<string, unknown>>;
  check(): Promise<Record<string, unknown>>;
}
interface Options {
  licenseKey?: string | null;
  leaseExpiry?: number | null;
  signingKey?: string | null;
  clientId?: unknown;
  allowOfflineCheck?: boolean;
  renewTimeout?: number;
}
const ExaLicense = require('exalicense-client') as new (endpoint: string, options?: Options) => ExaLicenseClient;

const claimsOf = (code: string) => JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('the published ExaLicense client, unmodified', () => {
  let server: TestServer;
  let endpoint: string;
  let publicKey: string;
  let license: TestLicense;
  before(async () => {
    // RS256: the only algorithm the client's offline check accepts.
    server = await startTestServer({ algorithm: 'RS256' });
    endpoint = `${await server.listen()}${server.licensingPath}`;
    publicKey = await (await fetch(`${endpoint}/signature.pem`)).text();
    license = await createLicense(server, { leaseLimit: 5, product: 'editor', features: ['export', 'print'] });
  });
  after(() => server.close());

  const client = (options: Options = {}) => new ExaLicense(`${endpoint}/`, { licenseKey: license.key, ...options });
  /** Seconds from the server's clock (a manual one) to an expiry the client was given. */
  const lifetime = (expiry: unknown) => Math.round((Date.parse(String(expiry)) - server.clock.now()) / 1000);

  it('validateKey: a valid key with its limit, seats in use and grant; an unknown, missing or overlong key is simply not valid', async () => {
    const info = await client().validateKey();
    assert.equal(info.isValid, true);
    assert.equal(info.errorCode, null);
    assert.equal(info.leaseLimit, 5);
    assert.equal(info.leasesUsed, 0);
    assert.deepEqual(
      (info.validFor as { product: string; features: { feature: string }[] }[]).map((p) => [p.product, p.features.map((f) => f.feature)]),
      [['editor', ['export', 'print']]],
    );
    for (const key of ['NOT-A-KEY-0000', null, 'K'.repeat(300)]) {
      const other = client({ licenseKey: null });
      other.setLicenseKey(key);
      assert.deepEqual(await other.validateKey(), { isValid: false }, String(key).slice(0, 20));
    }
  });

  it('obtainLease, validateLease, renewLease and releaseLease, with the lifetimes asked for', async () => {
    const app = client({ clientId: 'workstation-1', leaseExpiry: 900 });
    const obtained = await app.obtainLease();
    assert.equal(obtained.success, true, JSON.stringify(obtained));
    assert.equal(lifetime(obtained.expiry), 900, 'the leaseExpiry option');
    assert.equal(app.currentLease, obtained.lease);
    assert.equal(claimsOf(String(obtained.lease)).cid, 'workstation-1');
    assert.equal((await app.validateLease()).isValid, true);

    const renewed = await app.renewLease(120);
    assert.equal(renewed.success, true);
    assert.equal(lifetime(renewed.expiry), 120, 'an expiry given to the call wins');
    assert.notEqual(app.currentLease, obtained.lease);
    assert.equal((await app.validateLease()).isValid, true);

    assert.equal((await app.releaseLease()).success, true);
    assert.equal(app.currentLease, null);
    assert.equal((await client().validateKey()).leasesUsed, 0);
  });

  it('after releaseLease, and before any lease, the lease calls answer LEASE_INVALID', async () => {
    const app = client();
    // Never obtained: the client sends no lease at all.
    assert.deepEqual(await app.validateLease(), { isValid: false, errorCode: 'LEASE_INVALID' });
    assert.deepEqual(await app.renewLease(), { success: false, errorCode: 'LEASE_INVALID' });
    assert.deepEqual(await app.releaseLease(), { success: false, errorCode: 'LEASE_INVALID' });
    // Released: it sends `lease: null`, or no query parameter.
    assert.equal((await app.obtainLease()).success, true);
    await app.releaseLease();
    assert.deepEqual(await app.validateLease(), { isValid: false, errorCode: 'LEASE_INVALID' });
    assert.deepEqual(await app.renewLease(), { success: false, errorCode: 'LEASE_INVALID' });
    assert.deepEqual(await app.releaseLease(), { success: false, errorCode: 'LEASE_INVALID' });
  });

  it('obtainLease without a key set, or with an overlong one, is KEY_INVALID', async () => {
    assert.deepEqual(await client({ licenseKey: null }).obtainLease(), { success: false, errorCode: 'KEY_INVALID' });
    assert.deepEqual(await client({ licenseKey: 'K'.repeat(300) }).obtainLease(), { success: false, errorCode: 'KEY_INVALID' });
  });

  it('a client id sent as a number, a long one, and an empty one', async () => {
    const numeric = client({ clientId: 42 });
    assert.equal((await numeric.obtainLease()).success, true);
    assert.equal(claimsOf(String(numeric.currentLease)).cid, '42');
    const long = client({ clientId: 'c'.repeat(300) });
    assert.equal((await long.obtainLease()).success, true);
    assert.equal(claimsOf(String(long.currentLease)).cid, 'c'.repeat(300));
    const empty = client({ clientId: '' });
    assert.equal((await empty.obtainLease()).success, true);
    assert.equal(claimsOf(String(empty.currentLease)).cid, undefined, 'an empty client id is none');
    for (const app of [numeric, long, empty]) assert.equal((await app.releaseLease()).success, true);
  });

  it('two copies of an application with one client id share one seat, and neither ends the other', async () => {
    const one = await createLicense(server, { leaseLimit: 1 });
    const first = new ExaLicense(endpoint, { licenseKey: one.key, clientId: 'machine-7' });
    const second = new ExaLicense(endpoint, { licenseKey: one.key, clientId: 'machine-7' });
    assert.equal((await first.obtainLease()).success, true);
    assert.equal((await second.obtainLease()).success, true, 'the same client gets another lease on its seat');
    for (const copy of [first, second]) assert.equal((await copy.validateLease()).isValid, true);
    assert.equal((await new ExaLicense(endpoint, { licenseKey: one.key }).validateKey()).leasesUsed, 1);
    const other = new ExaLicense(endpoint, { licenseKey: one.key, clientId: 'machine-8' });
    assert.deepEqual(await other.obtainLease(), { success: false, errorCode: 'LEASE_LIMIT_REACHED' });
    assert.equal((await first.releaseLease()).success, true);
    assert.equal((await second.validateLease()).isValid, true, 'the seat stays with its last lease');
    assert.equal((await second.releaseLease()).success, true);
    assert.equal((await other.obtainLease()).success, true, 'free once its last lease ended');
    await other.releaseLease();
  });

  it('an expiry of 0 is the default, and 90.5 is 90 seconds', async () => {
    const zero = client({ leaseExpiry: 0 });
    const defaulted = await zero.obtainLease(0);
    assert.equal(defaulted.success, true, JSON.stringify(defaulted));
    assert.equal(lifetime(defaulted.expiry), 600);
    const fraction = client();
    const cut = await fraction.obtainLease(90.5);
    assert.equal(cut.success, true, JSON.stringify(cut));
    assert.equal(lifetime(cut.expiry), 90);
    for (const app of [zero, fraction]) await app.releaseLease();
  });

  it('validateLeaseOffline verifies an RS256 lease with jsonwebtoken and the public key, and refuses a tampered one', async () => {
    const app = client({ signingKey: publicKey });
    await app.obtainLease();
    const offline = app.validateLeaseOffline();
    assert.equal(offline.isValid, true, JSON.stringify(offline));
    assert.equal((offline.expiry as Date).getTime(), Date.parse(String((await app.validateLease()).expiry)));
    assert.deepEqual(
      (offline.validFor as { product: string; features: { feature: string }[] }[]).map((p) => [p.product, p.features.map((f) => f.feature)]),
      [['editor', ['export', 'print']]],
    );
    const lease = String(app.currentLease);
    const [header, , signature] = lease.split('.');
    app.currentLease = `${header}.${Buffer.from(JSON.stringify({ ...claimsOf(lease), sub: 'another-license' })).toString('base64url')}.${signature}`;
    assert.deepEqual(app.validateLeaseOffline(), { isValid: false, errorCode: 'INVALID_LEASE' });
    app.currentLease = lease;
    await app.releaseLease();
  });

  it('check(): obtains a lease, renews it when it runs out within renewTimeout, and reports a full license', async () => {
    const one = await createLicense(server, { leaseLimit: 1, product: 'viewer', features: ['base'] });
    const app = new ExaLicense(endpoint, { licenseKey: one.key, clientId: 'desk-1' });
    const first = await app.check();
    assert.equal(first.success, true, JSON.stringify(first));
    assert.equal((first.validFor as { product: string }[])[0]!.product, 'viewer');
    const held = app.currentLease;
    assert.equal((await app.check()).success, true);
    assert.equal(app.currentLease, held, 'a valid lease far from its end is kept');

    // The lease ends (the server's clock is the one that counts) within renewTimeout: renewed.
    const renewing = new ExaLicense(endpoint, { licenseKey: one.key, clientId: 'desk-1', renewTimeout: 100 * 365 * 86_400 });
    renewing.currentLease = held;
    assert.equal((await renewing.check()).success, true);
    assert.notEqual(renewing.currentLease, held);

    const other = new ExaLicense(endpoint, { licenseKey: one.key, clientId: 'desk-2' });
    assert.deepEqual(await other.check(), { success: false, errorCode: 'LEASE_LIMIT_REACHED' });
    await renewing.releaseLease();
  });

  it('check() with allowOfflineCheck falls back to the offline check when the answer carries no error code', async () => {
    const app = client({ signingKey: publicKey });
    await app.obtainLease();
    // A path nothing serves: 404 in the admin shape, without an errorCode, as from a proxy.
    const offline = new ExaLicense(`${endpoint}/nowhere`, { licenseKey: license.key, signingKey: publicKey, allowOfflineCheck: true });
    offline.currentLease = app.currentLease;
    const result = await offline.check();
    assert.equal(result.success, true, JSON.stringify(result));
    const strict = new ExaLicense(`${endpoint}/nowhere`, { licenseKey: license.key, signingKey: publicKey });
    strict.currentLease = app.currentLease;
    assert.equal((await strict.check()).success, false, 'without allowOfflineCheck there is no fallback');
    await app.releaseLease();
  });
});
