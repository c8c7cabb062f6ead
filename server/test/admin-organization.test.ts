import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, PUBLIC_URL, startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;

function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

function assertValidationFailed(res: LightMyRequestResponse, field: string) {
  assert.equal(res.statusCode, 400, res.body);
  const { error } = res.json();
  assert.equal(error.code, 'VALIDATION_FAILED');
  assert.equal(typeof error.message, 'string');
  assert.ok(
    error.details.some((d: Json) => d.field === field),
    JSON.stringify(error.details),
  );
}

/** The type of key a PEM holds: 'ec', 'ed25519' or 'rsa'. */
const keyType = (pem: string) => createPublicKey(pem).asymmetricKeyType;

describe('admin API: the organization', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const signaturePem = async (organizationId = server.org.organizationId) => {
    const res = await server.app.inject({ method: 'GET', url: `/licensing/${organizationId}/signature.pem` });
    assert.equal(res.statusCode, 200, res.body);
    return res.body;
  };

  /** Obtains a lease and checks that it verifies with `pem` under `algorithm`. */
  const assertLeaseSignedWith = async (pem: string, algorithm: string) => {
    const license = await createLicense(server);
    const lease = (await licensingClient(server).obtain(license.key)).json().lease as string;
    assert.equal(decodeProtectedHeader(lease).alg, algorithm);
    await jwtVerify(lease, await importSPKI(pem, algorithm), { currentDate: new Date(server.clock.now()) });
    return lease;
  };

  it('describes the organization: id, name, licensing endpoint, ES256 and the public key PEM', async () => {
    const org = ok(await server.admin('GET', '/api/v1/organization'));
    assert.deepEqual(Object.keys(org).sort(), ['id', 'licensingEndpoint', 'name', 'publicKey', 'signingAlgorithm']);
    assert.equal(org.id, server.org.organizationId);
    assert.equal(org.name, 'Test Org');
    assert.equal(org.licensingEndpoint, `https://licenses.example.test/licensing/${server.org.organizationId}`);
    assert.equal(org.licensingEndpoint, `${PUBLIC_URL}${server.licensingPath}`);
    assert.equal(org.signingAlgorithm, 'ES256');
    assert.match(org.publicKey, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
    assert.equal(keyType(org.publicKey), 'ec');
    assert.equal(await signaturePem(), org.publicKey);
  });

  it('builds the licensing endpoint from the configured public URL, never from Host or X-Forwarded-* headers', async () => {
    const expected = `${PUBLIC_URL}/licensing/${server.org.organizationId}`;
    const res = await server.app.inject({
      method: 'GET',
      url: '/api/v1/organization',
      headers: {
        authorization: `Bearer ${server.org.apiToken}`,
        host: 'evil.example',
        'x-forwarded-host': 'attacker.example',
        'x-forwarded-proto': 'http',
        'x-forwarded-port': '8443',
        'x-forwarded-prefix': '/prefix',
        forwarded: 'host=attacker.example;proto=http',
      },
    });
    assert.equal(ok(res).licensingEndpoint, expected);

    const base = await server.listen();
    const real = await fetch(`${base}/api/v1/organization`, { headers: { authorization: `Bearer ${server.org.apiToken}`, 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'http' } });
    assert.equal(real.status, 200);
    assert.equal(((await real.json()) as Json).licensingEndpoint, expected, 'nor from the address the server listens on');
  });

  it('renames the organization and keeps everything else', async () => {
    const before = ok(await server.admin('GET', '/api/v1/organization'));
    const renamed = ok(await server.admin('PATCH', '/api/v1/organization', { name: 'Renamed Org' }));
    assert.deepEqual(renamed, { ...before, name: 'Renamed Org' });
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/organization')), renamed);
    assertValidationFailed(await server.admin('PATCH', '/api/v1/organization', { name: '' }), 'body.name');
    assertValidationFailed(await server.admin('PATCH', '/api/v1/organization', { name: 'x', id: 'other' }), 'body.id');
    assertValidationFailed(await server.admin('PATCH', '/api/v1/organization', { publicKey: 'mine' }), 'body.publicKey');
    assert.equal(ok(await server.admin('GET', '/api/v1/organization')).name, 'Renamed Org');
  });

  it('switching to EdDSA and then RS256 changes algorithm and public key, and signature.pem and new leases follow', async () => {
    const es = ok(await server.admin('GET', '/api/v1/organization'));

    const ed = ok(await server.admin('PATCH', '/api/v1/organization', { signingAlgorithm: 'EdDSA' }));
    assert.equal(ed.signingAlgorithm, 'EdDSA');
    assert.notEqual(ed.publicKey, es.publicKey);
    assert.equal(keyType(ed.publicKey), 'ed25519');
    assert.equal(ed.name, es.name);
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/organization')), ed);
    assert.equal(await signaturePem(), ed.publicKey);
    await assertLeaseSignedWith(ed.publicKey, 'EdDSA');

    const rs = ok(await server.admin('PATCH', '/api/v1/organization', { signingAlgorithm: 'RS256' }));
    assert.equal(rs.signingAlgorithm, 'RS256');
    assert.notEqual(rs.publicKey, ed.publicKey);
    assert.equal(keyType(rs.publicKey), 'rsa');
    assert.equal(await signaturePem(), rs.publicKey);
    await assertLeaseSignedWith(rs.publicKey, 'RS256');

    const back = ok(await server.admin('PATCH', '/api/v1/organization', { signingAlgorithm: 'ES256' }));
    assert.equal(back.signingAlgorithm, 'ES256');
    assert.notEqual(back.publicKey, es.publicKey, 'going back makes a new key, it does not revive the old one');
    assert.equal(await signaturePem(), back.publicKey);
  });

  it('keeps the key when the algorithm sent is the current one', async () => {
    const before = ok(await server.admin('GET', '/api/v1/organization'));
    const same = ok(await server.admin('PATCH', '/api/v1/organization', { signingAlgorithm: before.signingAlgorithm }));
    assert.equal(same.publicKey, before.publicKey);
  });

  it('refuses an unknown signing algorithm with 400 and keeps the key', async () => {
    const before = ok(await server.admin('GET', '/api/v1/organization'));
    for (const signingAlgorithm of ['HS256', 'none', 'es256', 'PS256', '', 256, null]) {
      assertValidationFailed(await server.admin('PATCH', '/api/v1/organization', { signingAlgorithm }), 'body.signingAlgorithm');
    }
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/organization')), before);
    assert.equal(await signaturePem(), before.publicKey);
  });

  it('rotating the signing key changes the public key, keeps the algorithm, and leases signed before still verify', async () => {
    ok(await server.admin('PATCH', '/api/v1/organization', { signingAlgorithm: 'EdDSA' }));
    const before = ok(await server.admin('GET', '/api/v1/organization'));
    const oldLease = await assertLeaseSignedWith(before.publicKey, 'EdDSA');

    const rotated = ok(await server.admin('POST', '/api/v1/organization/signing-keys/rotate'));
    assert.equal(rotated.signingAlgorithm, 'EdDSA');
    assert.notEqual(rotated.publicKey, before.publicKey);
    assert.equal(keyType(rotated.publicKey), 'ed25519');
    assert.deepEqual({ ...rotated, publicKey: undefined }, { ...before, publicKey: undefined });
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/organization')), rotated);
    assert.equal(await signaturePem(), rotated.publicKey);
    await assertLeaseSignedWith(rotated.publicKey, 'EdDSA');

    assert.equal((await licensingClient(server).validateLease(oldLease)).json().isValid, true);
    const jwks = await server.app.inject({ method: 'GET', url: `${server.licensingPath}/jwks.json` });
    await jwtVerify(oldLease, createLocalJWKSet(jwks.json()), { currentDate: new Date(server.clock.now()) });
  });

  it("shows and changes only the caller's own organization", async () => {
    const a = ok(await server.admin('GET', '/api/v1/organization'));
    const orgB = await server.addOrganization('Org B', 'RS256');
    const b = ok(await server.admin('GET', '/api/v1/organization', undefined, orgB.apiToken));
    assert.equal(b.id, orgB.organizationId);
    assert.equal(b.name, 'Org B');
    assert.equal(b.signingAlgorithm, 'RS256');
    assert.equal(b.licensingEndpoint, `${PUBLIC_URL}/licensing/${orgB.organizationId}`);
    ok(await server.admin('PATCH', '/api/v1/organization', { name: 'B renamed', signingAlgorithm: 'EdDSA' }, orgB.apiToken));
    ok(await server.admin('POST', '/api/v1/organization/signing-keys/rotate', undefined, orgB.apiToken));
    assert.deepEqual(ok(await server.admin('GET', '/api/v1/organization')), a);
    assert.equal(await signaturePem(), a.publicKey);
  });
});

describe('API documentation', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('serves an OpenAPI 3 document at /openapi.json listing the admin and licensing paths', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /application\/json/);
    const doc = res.json();
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(doc.info.title, 'Leasehold');
    const paths = Object.keys(doc.paths);
    const expected: [string, string[]][] = [
      ['/api/v1/organization', ['get', 'patch']],
      ['/api/v1/organization/signing-keys/rotate', ['post']],
      ['/api/v1/products', ['get', 'post']],
      ['/api/v1/products/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/products/{id}/features', ['get', 'post']],
      ['/api/v1/features', ['get']],
      ['/api/v1/features/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/customers', ['get', 'post']],
      ['/api/v1/customers/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/licenses', ['get', 'post']],
      ['/api/v1/licenses/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/licenses/{id}/leases', ['get']],
      ['/api/v1/leases/{id}/release', ['post']],
      ['/licensing/{organizationId}/key/validate', ['get']],
      ['/licensing/{organizationId}/lease/obtain', ['post']],
      ['/licensing/{organizationId}/lease/validate', ['get']],
      ['/licensing/{organizationId}/lease/renew', ['post']],
      ['/licensing/{organizationId}/lease/release', ['post']],
      ['/licensing/{organizationId}/signature.pem', ['get']],
      ['/licensing/{organizationId}/jwks.json', ['get']],
    ];
    for (const [path, methods] of expected) {
      assert.ok(doc.paths[path], `${path} is documented; documented: ${paths.join(', ')}`);
      for (const method of methods) assert.ok(doc.paths[path][method], `${method.toUpperCase()} ${path} is documented`);
    }
    assert.deepEqual(doc.paths['/api/v1/products'].get.security, [{ apiToken: [] }], 'admin operations name the bearer token');
    assert.equal(doc.paths['/licensing/{organizationId}/lease/obtain'].post.security, undefined, 'licensing operations need no token');
    assert.equal(doc.components.securitySchemes.apiToken.scheme, 'bearer');
  });

  it('serves an HTML page at /docs', async () => {
    let res = await server.app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
      const location = new URL(String(res.headers.location), 'http://localhost/docs');
      res = await server.app.inject({ method: 'GET', url: `${location.pathname}${location.search}` });
    }
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.body, /<html/i);
  });
});
