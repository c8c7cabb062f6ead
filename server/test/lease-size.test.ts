import assert from 'node:assert/strict';
import { createHash, createPrivateKey, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError, resolveConfig } from '../src/config.js';
import { generateSigningKey } from '../src/keys/algorithms.js';
import { clientIdClaim, LEASE_CODE_BUDGET, signLeaseWithin } from '../src/keys/lease-code.js';
import { startTestServer, type TestServer } from './helpers.js';

type ValidFor = { product: string; productDescription: string | null; features: { feature: string; featureDescription: string | null }[] }[];

const claimsOf = (code: string) => JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const digestOf = (validFor: ValidFor) =>
  createHash('sha256')
    .update(JSON.stringify(validFor.map((p) => [p.product, p.productDescription, p.features.map((f) => [f.feature, f.featureDescription])])))
    .digest('base64url');

/** The longest names and descriptions the admin API takes (Identifier: 100 characters; descriptions: 2000). */
const name = (prefix: string) => prefix.padEnd(100, 'n');
const description = (prefix: string) => `${prefix} ${'é'.repeat(1000)}`.padEnd(2000, 'd');

describe('every lease code the server issues is accepted by every endpoint, whatever the license grants', () => {
  let server: TestServer;
  let base: string;
  const keys: Record<'small' | 'eight' | 'largest', string> = { small: '', eight: '', largest: '' };

  const admin = async (method: 'POST', url: string, body: unknown) => {
    const res = await server.admin(method, url, body);
    assert.equal(res.statusCode, 201, res.body.slice(0, 300));
    return res.json<{ id: string; keys: string[] }>();
  };
  async function license(products: number, featuresEach: number, describe = description): Promise<string> {
    const featureIds: string[] = [];
    const customer = await admin('POST', '/api/v1/customers', { name: `Customer ${products}x${featuresEach}` });
    for (let p = 0; p < products; p++) {
      const product = await admin('POST', '/api/v1/products', { name: name(`p${featuresEach}-${p}-`), description: describe(`product ${p}`) });
      const created = await Promise.all(
        Array.from({ length: featuresEach }, (_, f) => admin('POST', `/api/v1/products/${product.id}/features`, { name: name(`f${f}-`), description: describe(`feature ${f}`) })),
      );
      featureIds.push(...created.map((c) => c.id));
    }
    return (await admin('POST', '/api/v1/licenses', { customerId: customer.id, featureIds })).keys[0]!;
  }

  before(async () => {
    // RS256 has the longest signature of the three algorithms.
    server = await startTestServer({ algorithm: 'RS256' });
    base = `${await server.listen()}${server.licensingPath}`;
    keys.small = await license(1, 2, (text) => `The ${text}, described in a sentence.`);
    // The reported case: 8 features whose descriptions are 2,000 characters.
    keys.eight = await license(1, 8);
    // The largest license the admin API allows: 1000 features, every name and description at its maximum.
    keys.largest = await license(100, 10);
  });
  after(() => server.close());

  const http = async (method: 'GET' | 'POST', path: string, init: { query?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {}) => {
    const url = `${base}${path}${init.query ? `?${new URLSearchParams(init.query)}` : ''}`;
    const res = await fetch(url, {
      method,
      ...(init.json !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.json) } : {}),
      ...(init.form !== undefined ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(init.form).toString() } : {}),
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  /** Checks a code's size and what its claims say the license grants, against the reply's validFor. */
  function checkCode(code: string, validFor: ValidFor, form: 'full' | 'names' | 'digest') {
    assert.ok(code.length <= LEASE_CODE_BUDGET, `a code of ${code.length} characters`);
    const claims = claimsOf(code);
    if (form === 'digest') {
      assert.equal(claims.validFor, undefined);
      assert.equal(claims.vfd, digestOf(validFor));
      return;
    }
    assert.equal(claims.vfd, undefined);
    const names = validFor.map((p) => ({
      product: p.product,
      productDescription: form === 'full' ? p.productDescription : null,
      features: p.features.map((f) => ({ feature: f.feature, featureDescription: form === 'full' ? f.featureDescription : null })),
    }));
    assert.deepEqual(claims.validFor, names);
  }

  for (const [which, form] of [
    ['small', 'full'],
    ['eight', 'names'],
    ['largest', 'digest'],
  ] as const) {
    it(`${which} license: the code carries what it grants ${form === 'full' ? 'in full' : form === 'names' ? 'by name' : 'as a digest'}, and validate, renew and release take it`, async () => {
      const obtained = await http('POST', '/lease/obtain', { json: { key: keys[which], clientId: `client-${which}` } });
      const validFor = obtained.validFor as ValidFor;
      assert.ok(
        validFor.every((p) => p.productDescription && p.features.every((f) => f.featureDescription)),
        'the reply keeps the descriptions',
      );
      if (which === 'largest')
        assert.equal(
          validFor.reduce((n, p) => n + p.features.length, 0),
          1000,
        );
      let code = obtained.lease as string;
      checkCode(code, validFor, form);

      const validation = await http('GET', '/lease/validate', { query: { lease: code } });
      assert.equal(validation.isValid, true);
      assert.deepEqual(validation.validFor, validFor);

      // Renewed by JSON, by form and by query string: each new code is taken by the next call.
      for (const how of ['json', 'form', 'query'] as const) {
        const renewed = await http('POST', '/lease/renew', how === 'query' ? { query: { lease: code } } : { [how]: { lease: code } });
        assert.equal(renewed.success, true);
        assert.deepEqual(renewed.validFor, validFor, 'the renew reply says what the new code grants');
        code = renewed.lease as string;
        checkCode(code, validFor, form);
      }
      assert.equal((await http('GET', '/lease/validate', { query: { lease: code } })).isValid, true);

      // Released by query string, form and JSON: three leases, three seats back.
      const more = [code, (await http('POST', '/lease/obtain', { json: { key: keys[which] } })).lease as string, (await http('POST', '/lease/obtain', { json: { key: keys[which] } })).lease as string];
      assert.equal((await http('POST', '/lease/release', { query: { lease: more[0]! } })).success, true);
      assert.equal((await http('POST', '/lease/release', { form: { lease: more[1]! } })).success, true);
      assert.equal((await http('POST', '/lease/release', { json: { lease: more[2]! } })).success, true);
      const key = await http('GET', '/key/validate', { query: { key: keys[which] } });
      assert.equal(key.leasesUsed, 0, 'every seat was given back');
    });
  }
});

describe('the issuer claim is bounded', () => {
  it('refuses a public URL over 1024 characters, which every lease code carries', () => {
    const url = (length: number) => `https://licenses.example.test/${'a'.repeat(length - 30)}`;
    assert.equal(resolveConfig({ publicUrl: url(1024), database: ':memory:' }, {}).publicUrl.length, 1024);
    assert.throws(() => resolveConfig({ publicUrl: url(1025), database: ':memory:' }, {}), ConfigError);
  });

  it('keeps the digest form within the budget with the longest issuer and client id, exactly as estimated', () => {
    const pair = generateSigningKey('RS256');
    const signer = { kid: randomUUID(), algorithm: 'RS256' as const, privateKey: createPrivateKey(pair.privateKeyPem) };
    // The longest client id claim: 1,100 bytes of JSON (1,098 ASCII characters and the quotes).
    const cid = clientIdClaim('c'.repeat(1098));
    assert.equal(cid.length, 1098, 'a client id this long is carried as it is');
    const claims = { iss: `https://licenses.example.test/${'a'.repeat(994)}/licensing/${randomUUID()}`, sub: randomUUID(), jti: randomUUID(), iat: 1, exp: 2, cid };
    const huge = [{ product: 'p', productDescription: null, features: Array.from({ length: 1000 }, (_, i) => ({ feature: `f${i}`.padEnd(100, 'x'), featureDescription: null })) }];
    const code = signLeaseWithin(signer, claims, huge);
    assert.ok(code.length <= LEASE_CODE_BUDGET, `${code.length}`);
    assert.ok(claimsOf(code).vfd);
    // A grant whose code lands right at the budget: the estimate matches the signed length.
    for (let n = 1; n < 60; n++) {
      const grant = [{ product: 'p', productDescription: null, features: Array.from({ length: n }, (_, i) => ({ feature: `f${i}`.padEnd(100, 'x'), featureDescription: null })) }];
      assert.ok(signLeaseWithin(signer, { ...claims, cid: 'c' }, grant).length <= LEASE_CODE_BUDGET);
    }
  });
});
