import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { after, describe, it } from 'node:test';
import { createLicense, licensingClient, PUBLIC_URL, startTestServer, type TestServer } from './helpers.js';

for (const algorithm of ['ES256', 'EdDSA', 'RS256'] as const) {
  describe(`lease codes signed with ${algorithm}`, () => {
    let server: TestServer;
    after(() => server?.close());

    it('verify offline with a standard JOSE library and the key from /signature.pem', async () => {
      server = await startTestServer({ algorithm });
      const license = await createLicense(server, { product: 'suite', features: ['pro'] });
      const obtained = (await licensingClient(server).obtain(license.key, { clientId: 'host-1', expiry: 900 })).json();

      const pemReply = await server.app.inject({ method: 'GET', url: `${server.licensingPath}/signature.pem` });
      assert.equal(pemReply.statusCode, 200);
      assert.match(pemReply.headers['content-type'] as string, /^application\/x-pem-file/);
      assert.match(pemReply.body, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);

      const header = decodeProtectedHeader(obtained.lease);
      assert.equal(header.alg, algorithm);
      assert.equal(header.typ, 'JWT');
      assert.equal(typeof header.kid, 'string');

      const key = await importSPKI(pemReply.body, algorithm);
      const { payload } = await jwtVerify(obtained.lease, key, {
        issuer: `${PUBLIC_URL}/licensing/${server.org.organizationId}`,
        currentDate: new Date(server.clock.now()),
        algorithms: [algorithm],
      });
      assert.equal(payload.sub, license.licenseId);
      assert.equal(typeof payload.jti, 'string');
      assert.equal(payload.iat, Math.floor(server.clock.now() / 1000));
      assert.equal(payload.exp, Math.floor(server.clock.now() / 1000) + 900);
      assert.equal(new Date(payload.exp * 1000).toISOString(), obtained.expiry);
      assert.equal(payload.cid, 'host-1');
      assert.deepEqual(payload.validFor, obtained.validFor);
    });

    it("fail offline verification when the signature is not the organization's", async () => {
      const license = await createLicense(server);
      const lease: string = (await licensingClient(server).obtain(license.key)).json().lease;
      const other = await server.addOrganization('Elsewhere', algorithm);
      const otherPem = (await server.app.inject({ method: 'GET', url: `/licensing/${other.organizationId}/signature.pem` })).body;
      await assert.rejects(jwtVerify(lease, await importSPKI(otherPem, algorithm), { currentDate: new Date(server.clock.now()) }));
    });
  });
}

describe('signing key rotation', () => {
  let server: TestServer;
  after(() => server?.close());

  it('signs new leases with the new key while older leases stay valid and verifiable through jwks.json', async () => {
    server = await startTestServer();
    const license = await createLicense(server, { leaseLimit: 5 });
    const client = licensingClient(server);
    const before: string = (await client.obtain(license.key, { expiry: 600 })).json().lease;
    const oldPem = (await server.app.inject({ method: 'GET', url: `${server.licensingPath}/signature.pem` })).body;

    const rotated = await server.admin('POST', '/api/v1/organization/signing-keys/rotate');
    assert.equal(rotated.statusCode, 200);
    const newPem = (await server.app.inject({ method: 'GET', url: `${server.licensingPath}/signature.pem` })).body;
    assert.notEqual(newPem, oldPem);
    assert.equal(rotated.json().publicKey, newPem);

    const after: string = (await client.obtain(license.key, { expiry: 600 })).json().lease;
    assert.notEqual(decodeProtectedHeader(after).kid, decodeProtectedHeader(before).kid);
    await jwtVerify(after, await importSPKI(newPem, 'ES256'), { currentDate: new Date(server.clock.now()) });

    const jwksReply = await server.app.inject({ method: 'GET', url: `${server.licensingPath}/jwks.json` });
    const jwks = createLocalJWKSet(jwksReply.json());
    assert.equal(jwksReply.json().keys.length, 2, 'the retired key still verifies an unexpired lease');
    await jwtVerify(before, jwks, { currentDate: new Date(server.clock.now()) });
    await jwtVerify(after, jwks, { currentDate: new Date(server.clock.now()) });
    assert.equal((await client.validateLease(before)).json().isValid, true, 'rotation does not end existing leases');

    server.clock.advance(601);
    const later = (await server.app.inject({ method: 'GET', url: `${server.licensingPath}/jwks.json` })).json();
    assert.equal(later.keys.length, 1, 'once its leases expired, the retired key is no longer published');
    assert.equal(later.keys[0].kid, decodeProtectedHeader(after).kid);
  });
});
