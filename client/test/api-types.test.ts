import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { components } from '../src/generated/api.js';
import { LicenseClient, SIGNING_ALGORITHMS, verifyLease } from '../src/index.js';
import { admin, createLicense, startServer, type LiveServer } from './support.js';

/*
 * The client reads what the server answers as the server's OpenAPI document types it
 * (src/generated/api.ts). The key set is the one reply type the client keeps its own, looser,
 * reading of (it also takes key sets an application brings): these tests give it the server's
 * type, so a change on the server the client cannot read fails to compile.
 */
type ServedKeySet = components['schemas']['JsonWebKeySet'];

describe('the client and the key set the server publishes', () => {
  let live: LiveServer;
  const now = () => live.server.clock.now();
  before(async () => {
    live = await startServer();
  });
  after(() => live.close());

  it('verifies leases of every algorithm offline with jwks.json as the server types it', async () => {
    for (const algorithm of SIGNING_ALGORITHMS) {
      await admin(live.server, 'PATCH', '/api/v1/organization', { signingAlgorithm: algorithm });
      const license = await createLicense(live.server, { product: `app-${algorithm}` });
      const obtained = await new LicenseClient({ endpoint: live.endpoint, licenseKey: license.key, clock: { now } }).obtainLease();
      assert.ok(obtained.ok);
      const served = (await (await fetch(`${live.endpoint}/jwks.json`)).json()) as ServedKeySet;
      assert.ok(served.keys.some((key) => key.alg === algorithm));
      const verified = await verifyLease(obtained.lease, { publicKey: served, issuer: live.endpoint, now: now() });
      assert.ok(verified.ok, JSON.stringify(verified));
      assert.equal(verified.algorithm, algorithm);
    }
  });
});
