import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeLease, LicenseClient, verifyLease, type SigningAlgorithm } from '../src/index.js';
import { admin, createLicense, Network, startServer, type LiveServer } from './support.js';

const ALGORITHMS: SigningAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];

describe('offline verification of leases', () => {
  let live: LiveServer;
  const now = () => live.server.clock.now();
  /** Leases of each algorithm, each signed with the organization's key of the time. */
  const leases: Partial<Record<SigningAlgorithm, { lease: string; pem: string }>> = {};
  let network: Network;
  let verifier: LicenseClient;

  before(async () => {
    live = await startServer();
    network = new Network();
    verifier = new LicenseClient({ endpoint: live.endpoint, clock: { now }, fetch: network.fetch });
  });
  after(() => live.close());

  const pem = async () => (await fetch(`${live.endpoint}/signature.pem`)).text();

  it('verifies ES256, EdDSA and RS256 leases, fetching the key set once and again for each new key', async () => {
    for (const algorithm of ALGORITHMS) {
      if (algorithm !== 'ES256') await admin(live.server, 'PATCH', '/api/v1/organization', { signingAlgorithm: algorithm });
      const license = await createLicense(live.server, { product: `studio-${algorithm}`, features: ['render', 'export'] });
      const client = new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clock: { now }, clientId: 'host-1' });
      const obtained = await client.obtainLease({ leaseSeconds: 600 });
      assert.ok(obtained.ok);
      leases[algorithm] = { lease: obtained.lease, pem: await pem() };

      network.calls = [];
      const v = await verifier.verifyLeaseOffline(obtained.lease);
      assert.ok(v.ok, JSON.stringify(v));
      assert.deepEqual(network.calls, ['GET jwks.json'], 'an unknown kid fetches the key set');
      assert.equal(v.algorithm, algorithm);
      assert.equal(v.keyId, decodeLease(obtained.lease)!.header.kid);
      assert.equal(v.licenseId, license.licenseId);
      assert.equal(v.clientId, 'host-1');
      assert.deepEqual(v.expiry, obtained.expiry);
      assert.equal(v.issuedAt.getTime(), now());
      assert.deepEqual(v.validFor, obtained.validFor);
      assert.equal(v.hasFeature(`studio-${algorithm}`, 'render'), true);
      assert.equal(v.hasFeature(`studio-${algorithm}`, 'print'), false);
      assert.equal(v.hasFeature('other', 'render'), false);
      assert.equal(v.hasProduct(`studio-${algorithm}`), true);

      // The client's own lease, verified against the PEM pinned by the application: no fetching.
      const pinned = new LicenseClient({ endpoint: live.endpoint, publicKey: leases[algorithm].pem, clock: { now }, fetch: network.fetch });
      pinned.lease = obtained.lease;
      network.calls = [];
      assert.ok((await pinned.verifyLeaseOffline()).ok);
      assert.deepEqual(network.calls, []);

      // And with no client at all.
      const standalone = await verifyLease(obtained.lease, { publicKey: leases[algorithm].pem, issuer: live.endpoint, now: now() });
      assert.ok(standalone.ok);
      assert.equal(standalone.hasFeature(`studio-${algorithm}`, 'export'), true);
    }
    network.calls = [];
    for (const { lease } of Object.values(leases)) assert.ok((await verifier.verifyLeaseOffline(lease)).ok, 'older keys stay known');
    assert.deepEqual(network.calls, []);
  });

  it('keeps verifying with the keys it has while the network is down', async () => {
    network.mode = 'down';
    try {
      for (const { lease } of Object.values(leases)) assert.ok((await verifier.verifyLeaseOffline(lease)).ok);
      // Without keys and without a network, it cannot know: Unavailable, not a verdict.
      const fresh = new LicenseClient({ endpoint: live.endpoint, clock: { now }, fetch: network.fetch });
      const r = await fresh.verifyLeaseOffline(leases.ES256!.lease);
      assert.ok(r.kind === 'unavailable');
      assert.equal(r.reason, 'network');
    } finally {
      network.mode = 'up';
    }
  });

  it('follows a key rotation: a lease signed with the new key fetches the key set again; older leases still verify', async () => {
    const license = await createLicense(live.server);
    const client = new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clock: { now }, fetch: network.fetch });
    const before = await client.obtainLease();
    assert.ok(before.ok);
    assert.ok((await client.verifyLeaseOffline()).ok);
    const exported = await client.exportPublicKeys();
    assert.equal(typeof exported, 'string');

    await admin(live.server, 'POST', '/api/v1/organization/signing-keys/rotate');
    const afterRotation = await client.obtainLease({ clientId: 'other' });
    assert.ok(afterRotation.ok);
    assert.notEqual(decodeLease(afterRotation.lease)!.header.kid, decodeLease(before.lease)!.header.kid);

    network.calls = [];
    assert.ok((await client.verifyLeaseOffline(afterRotation.lease)).ok);
    assert.deepEqual(network.calls, ['GET jwks.json']);
    assert.ok((await client.verifyLeaseOffline(before.lease)).ok, 'the retired key is still published while its leases live');

    // Keys stored earlier (exportPublicKeys) and pinned: the new kid is unknown, and not fetched unless asked.
    const pinned = new LicenseClient({ endpoint: live.endpoint, publicKey: exported as string, clock: { now }, fetch: network.fetch });
    assert.ok((await pinned.verifyLeaseOffline(before.lease)).ok);
    const unknown = await pinned.verifyLeaseOffline(afterRotation.lease);
    assert.ok(unknown.kind === 'denied');
    assert.equal(unknown.errorCode, 'LEASE_INVALID');
    assert.equal(unknown.reason, 'unknown-key');
    const following = new LicenseClient({ endpoint: live.endpoint, publicKey: exported as string, fetchKeys: true, clock: { now }, fetch: network.fetch });
    assert.ok((await following.verifyLeaseOffline(afterRotation.lease)).ok);

    // A kid nobody knows is looked up once, then answered from what is known for a while.
    const [h, p, s] = afterRotation.lease.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const strangeKid = `${Buffer.from(JSON.stringify({ ...header, kid: 'no-such-key' })).toString('base64url')}.${p}.${s}`;
    network.calls = [];
    for (let i = 0; i < 3; i++) {
      const r = await client.verifyLeaseOffline(strangeKid);
      assert.ok(r.kind === 'denied');
      assert.equal(r.reason, 'unknown-key', "an unknown kid never borrows another kid's key");
    }
    assert.deepEqual(network.calls, ['GET jwks.json']);
  });

  it('falls back to /signature.pem at a server without /jwks.json, and exports the key as PEM', async () => {
    const fetched: string[] = [];
    const noJwks = new LicenseClient({
      endpoint: live.endpoint,
      clock: { now },
      fetch: async (url, init) => {
        fetched.push(new URL(url).pathname.split('/').pop()!);
        return url.endsWith('/jwks.json') ? new Response('not found', { status: 404 }) : fetch(url, init);
      },
    });
    const license = await createLicense(live.server);
    const lease = await new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key }).obtainLease();
    assert.ok(lease.ok);
    assert.ok((await noJwks.verifyLeaseOffline(lease.lease)).ok);
    assert.deepEqual(fetched, ['jwks.json', 'signature.pem']);
    const exported = await noJwks.exportPublicKeys();
    assert.equal(exported, await pem());
  });

  it("rejects tampered leases, other organizations' leases, the wrong issuer, unaccepted algorithms and garbage", async () => {
    const { lease } = leases.ES256!;
    const [h, p, s] = lease.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forge = (header: object, body: object, sig = s) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${sig}`;
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());

    const tampered = await verifier.verifyLeaseOffline(forge(header, { ...claims, exp: claims.exp + 86400 }));
    assert.ok(tampered.kind === 'denied');
    assert.equal(tampered.errorCode, 'LEASE_INVALID');
    assert.equal(tampered.reason, 'signature');

    const other = await live.server.addOrganization('Elsewhere', 'ES256');
    const otherPem = await (await fetch(`${live.url}/licensing/${other.organizationId}/signature.pem`)).text();
    const theirs = await verifyLease(lease, { publicKey: otherPem, now: now() });
    assert.ok(theirs.kind === 'denied' && theirs.reason === 'signature');

    const wrongIssuer = new LicenseClient({ endpoint: live.endpoint, issuer: 'https://licenses.example.com/licensing/x', publicKey: leases.ES256!.pem, clock: { now } });
    const issuer = await wrongIssuer.verifyLeaseOffline(lease);
    assert.ok(issuer.kind === 'denied' && issuer.reason === 'issuer' && issuer.errorCode === 'LEASE_INVALID');

    const none = await verifier.verifyLeaseOffline(forge({ alg: 'none', typ: 'JWT' }, claims, ''));
    assert.ok(none.kind === 'denied' && none.reason === 'algorithm');
    const hs = await verifier.verifyLeaseOffline(forge({ ...header, alg: 'HS256' }, claims));
    assert.ok(hs.kind === 'denied' && hs.reason === 'algorithm');
    const onlyEd = await verifyLease(lease, { publicKey: leases.ES256!.pem, algorithms: ['EdDSA'], now: now() });
    assert.ok(onlyEd.kind === 'denied' && onlyEd.reason === 'algorithm');
    // A key of one algorithm never verifies a lease that claims another.
    const confused = await verifyLease(forge({ ...header, alg: 'RS256' }, claims), { publicKey: leases.ES256!.pem, now: now() });
    assert.ok(confused.kind === 'denied' && confused.reason === 'unknown-key');

    for (const garbage of ['', 'not-a-lease', 'a.b.c', `${h}.${p}`, `${h}.${p}.${s}.x`, `${h}.!!!.${s}`]) {
      const r = await verifier.verifyLeaseOffline(garbage);
      assert.ok(r.kind === 'denied', garbage);
      assert.equal(r.reason, garbage === '' ? 'no-lease' : 'malformed', garbage);
    }
    const noLease = await new LicenseClient({ endpoint: live.endpoint }).verifyLeaseOffline();
    assert.ok(noLease.kind === 'denied' && noLease.errorCode === 'INVALID_REQUEST');
  });

  it('checks expiry against its clock, with a small allowance for clock skew', async () => {
    const { lease } = leases.RS256!;
    const exp = decodeLease(lease)!.claims.exp * 1000;
    const at = (ms: number) => new LicenseClient({ endpoint: live.endpoint, publicKey: leases.RS256!.pem, clock: { now: () => ms } }).verifyLeaseOffline(lease);
    assert.ok((await at(exp - 1000)).ok);
    assert.ok((await at(exp + 59_000)).ok, 'within the default 60 s of skew');
    const late = await at(exp + 60_000);
    assert.ok(late.kind === 'denied');
    assert.equal(late.errorCode, 'LEASE_EXPIRED');
    assert.equal(late.reason, 'expired');
    const strict = await verifyLease(lease, { publicKey: leases.RS256!.pem, clockSkewSeconds: 0, now: exp });
    assert.ok(strict.kind === 'denied' && strict.errorCode === 'LEASE_EXPIRED');
  });

  it('the openssl example of docs/client.md verifies real leases of every algorithm, and refuses a tampered one', async () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/client.md', import.meta.url)), 'utf8');
    const script = /```sh\n(#!\/usr\/bin\/env bash\n# verify-lease\.sh[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(script, 'docs/client.md has the verify-lease.sh block');
    const file = join(mkdtempSync(join(tmpdir(), 'leasehold-openssl-')), 'verify-lease.sh');
    writeFileSync(file, script);
    const run = (lease: string) => promisify(execFile)('bash', [file], { env: { ...process.env, ENDPOINT: live.endpoint, LEASE: lease } });

    for (const algorithm of ALGORITHMS) {
      // signature.pem serves the current key: take a fresh lease signed with it.
      await admin(live.server, 'PATCH', '/api/v1/organization', { signingAlgorithm: algorithm });
      const license = await createLicense(live.server);
      const obtained = await new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key }).obtainLease();
      assert.ok(obtained.ok);
      const { stdout } = await run(obtained.lease);
      assert.match(stdout, /Verified OK|Signature Verified Successfully/, algorithm);
      assert.match(stdout, new RegExp(`lease valid until ${decodeLease(obtained.lease)!.claims.exp}`), algorithm);

      const [h, p, s] = obtained.lease.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString('base64url')}.${s}`;
      await assert.rejects(run(tampered), (error: { code?: number; stdout?: string }) => error.code === 1 && !(error.stdout ?? '').includes('lease valid'), algorithm);
    }
  });
});
