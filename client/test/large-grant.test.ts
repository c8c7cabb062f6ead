import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeLease, LicenseClient, verifyLease } from '../src/index.js';
import { admin, names, Network, record, startServer, TestClock, type LiveServer } from './support.js';

/**
 * Licenses that grant more than a lease code can carry: the code names the grant by name only, or
 * by a digest (`vfd`) the client checks against the reply's validFor.
 */
describe('leases of licenses that grant a lot', () => {
  let live: LiveServer;
  let pem: string;
  before(async () => {
    live = await startServer();
    pem = await (await fetch(`${live.endpoint}/signature.pem`)).text();
  });
  after(() => live.close());

  /** A license of one product with `count` features whose names and descriptions are this long. */
  async function license(count: number, nameLength: number, descriptionLength: number): Promise<string> {
    const tag = Math.random().toString(36).slice(2, 8);
    const product = await admin(live.server, 'POST', '/api/v1/products', { name: `suite-${tag}`, description: 'd'.repeat(descriptionLength) }, 201);
    const featureIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const feature = await admin(
        live.server,
        'POST',
        `/api/v1/products/${product.id}/features`,
        { name: `f${i}-`.padEnd(nameLength, 'x'), description: `Feature ${i} `.padEnd(descriptionLength, 'd') },
        201,
      );
      featureIds.push(feature.id);
    }
    const customer = await admin(live.server, 'POST', '/api/v1/customers', { name: `Customer ${tag}` }, 201);
    return (await admin(live.server, 'POST', '/api/v1/licenses', { customerId: customer.id, featureIds }, 201)).keys[0];
  }

  const now = () => live.server.clock.now();

  it('verifies a lease that names its features only, with the descriptions of the reply', async () => {
    const key = await license(8, 20, 2000);
    const client = new LicenseClient({ endpoint: live.endpoint, licenseKey: key, clock: { now }, publicKey: pem });
    const obtained = await client.obtainLease();
    assert.ok(obtained.ok);
    assert.equal(obtained.validFor[0]!.features.length, 8);
    assert.equal(obtained.validFor[0]!.features[0]!.featureDescription!.length, 2000);
    assert.equal(decodeLease(obtained.lease)!.claims.validFor![0]!.features[0]!.featureDescription, null, 'the code names the features only');

    const verified = await client.verifyLeaseOffline();
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.deepEqual(verified.validFor, obtained.validFor);
    // Without the reply, the names in the code still say what is granted.
    const alone = await verifyLease(obtained.lease, { publicKey: pem, issuer: live.endpoint, now: now() });
    assert.ok(alone.ok);
    assert.equal(alone.hasFeature(obtained.validFor[0]!.product, obtained.validFor[0]!.features[3]!.feature), true);
    assert.equal(alone.validFor[0]!.features[3]!.featureDescription, null);
  });

  it('checks a digest-only lease against the validFor of the reply, and refuses one that does not match', async () => {
    const key = await license(60, 100, 200);
    const client = new LicenseClient({ endpoint: live.endpoint, licenseKey: key, clock: { now }, publicKey: pem });
    const obtained = await client.obtainLease();
    assert.ok(obtained.ok);
    const claims = decodeLease(obtained.lease)!.claims;
    assert.equal(claims.validFor, undefined);
    assert.equal(typeof claims.vfd, 'string');
    const product = obtained.validFor[0]!.product;
    const feature = obtained.validFor[0]!.features[59]!.feature;

    const verified = await client.verifyLeaseOffline();
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.deepEqual(verified.validFor, obtained.validFor);
    assert.equal(verified.hasFeature(product, feature), true);

    const other = new LicenseClient({ endpoint: live.endpoint, clock: { now }, publicKey: pem });
    const unknown = await other.verifyLeaseOffline(obtained.lease);
    assert.ok(!unknown.ok && unknown.kind === 'denied' && unknown.reason === 'valid-for' && unknown.errorCode === 'LEASE_INVALID');
    const widened = structuredClone(obtained.validFor);
    widened[0]!.features.push({ feature: 'everything', featureDescription: null });
    const forged = await other.verifyLeaseOffline(obtained.lease, widened);
    assert.ok(!forged.ok && forged.kind === 'denied' && forged.reason === 'valid-for');
    assert.ok((await other.verifyLeaseOffline(obtained.lease, obtained.validFor)).ok);
    assert.ok((await verifyLease(obtained.lease, { publicKey: pem, issuer: live.endpoint, now: now(), validFor: obtained.validFor })).ok);

    // After a renewal the client holds the new code and what it grants.
    const renewed = await client.renewLease();
    assert.ok(renewed.ok);
    assert.deepEqual(renewed.validFor, obtained.validFor);
    const again = await client.verifyLeaseOffline();
    assert.ok(again.ok && again.hasFeature(product, feature));
  });

  it('keeps a seat of a digest-only lease, renewing it and holding it offline with its features', async () => {
    const key = await license(60, 100, 200);
    const clock = new TestClock(live.server.clock);
    const network = new Network();
    const client = new LicenseClient({ endpoint: live.endpoint, licenseKey: key, clientId: 'big-grant', clock, fetch: network.fetch, leaseSeconds: 600 });
    const keeper = client.keeper({ random: () => 0.5, handleSignals: false });
    const log = record(keeper);
    const advance = (seconds: number) => clock.advance(seconds * 1000, () => keeper.whenIdle());
    const state = await keeper.start();
    assert.equal(state.status, 'held');
    const product = state.validFor[0]!.product;
    const feature = state.validFor[0]!.features[42]!.feature;
    assert.equal(state.validFor[0]!.features.length, 60);
    assert.equal(keeper.hasFeature(product, feature), true);
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'renewed']);
    assert.equal(keeper.hasFeature(product, feature), true);
    network.mode = 'down';
    await advance(300);
    assert.equal(keeper.held, true);
    assert.equal(keeper.hasFeature(product, feature), true, 'offline, the seat keeps what it grants');
    network.mode = 'up';
    await keeper.stop();
  });
});
