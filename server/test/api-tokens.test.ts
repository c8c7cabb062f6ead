import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { parseApiToken } from '../src/credentials.js';
import { startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;

function created(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

function assertError(res: LightMyRequestResponse, status: number, code: string): Json {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.equal(body.error?.code, code, res.body);
  return body.error;
}

const TOKEN_FORMAT = /^lh_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/;

describe('API tokens', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const list = async (token = server.org.apiToken): Promise<Json[]> => ok(await server.admin('GET', '/api/v1/tokens', undefined, token)).items;
  const iso = (ms: number) => new Date(ms).toISOString();

  it('lets only an owner token list, create and revoke tokens: admin and viewer tokens get 403 and change nothing', async () => {
    const admin = await createApiToken(server.store, server.clock, server.org.organizationId, 'admin role', 'admin');
    const viewer = await createApiToken(server.store, server.clock, server.org.organizationId, 'viewer role', 'viewer');
    const before = await list();
    for (const { token } of [admin, viewer]) {
      assertError(await server.admin('GET', '/api/v1/tokens', undefined, token), 403, 'FORBIDDEN');
      assertError(await server.admin('POST', '/api/v1/tokens', { name: 'sneaky', role: 'viewer' }, token), 403, 'FORBIDDEN');
      assertError(await server.admin('DELETE', `/api/v1/tokens/${admin.id}`, undefined, token), 403, 'FORBIDDEN');
      assertError(await server.admin('DELETE', `/api/v1/tokens/${viewer.id}`, undefined, token), 403, 'FORBIDDEN');
    }
    assert.deepEqual(
      (await list()).map((t) => t.id),
      before.map((t) => t.id),
    );
    // Both still work for what their role allows.
    ok(await server.admin('GET', '/api/v1/products', undefined, admin.token));
    ok(await server.admin('GET', '/api/v1/products', undefined, viewer.token));
    const names = (await list()).map((t) => t.name);
    assert.ok(names.includes('initial token') && names.includes('admin role') && names.includes('viewer role'));
  });

  it('creates a token with 201, showing the lh_<32 hex>_<43 chars> token once with its id, name, role and timestamps', async () => {
    server.clock.advance(30);
    const res = created(await server.admin('POST', '/api/v1/tokens', { name: 'build server', role: 'admin' }));
    assert.deepEqual(Object.keys(res).sort(), ['createdAt', 'createdBy', 'expired', 'expiresAt', 'id', 'lastUsedAt', 'name', 'role', 'token']);
    assert.match(res.token, TOKEN_FORMAT);
    assert.equal(parseApiToken(res.token)?.id, res.id, 'the token names its id');
    assert.equal(res.name, 'build server');
    assert.equal(res.role, 'admin');
    assert.equal(res.createdAt, iso(server.clock.now()));
    const owner = (await server.store.users.findByUsername(server.org.adminUsername))!;
    assert.deepEqual(res.createdBy, { id: owner.id, username: 'admin' }, 'made with the first token, which acts for the first owner');
    assert.equal(res.lastUsedAt, null);
    const again = created(await server.admin('POST', '/api/v1/tokens', { name: 'build server', role: 'admin' }));
    assert.notEqual(again.token, res.token, 'every token is new');
    assert.notEqual(again.id, res.id);
  });

  it('never shows a token in the list: only id, name, role, createdAt, lastUsedAt, expiresAt, expired and createdBy', async () => {
    const made = created(await server.admin('POST', '/api/v1/tokens', { name: 'listed', role: 'viewer' }));
    const res = await server.admin('GET', '/api/v1/tokens');
    const items = ok(res).items as Json[];
    for (const item of items) assert.deepEqual(Object.keys(item).sort(), ['createdAt', 'createdBy', 'expired', 'expiresAt', 'id', 'lastUsedAt', 'name', 'role']);
    const { token, ...shown } = made;
    assert.deepEqual(
      items.find((t) => t.id === made.id),
      shown,
    );
    assert.ok(!res.body.includes(token), 'the list does not hold the token');
    // The secret is all after the id; it may itself hold '_' (base64url), so it is not split on '_'.
    const secret = /^lh_[0-9a-f]{32}_(.+)$/.exec(token)![1]!;
    assert.ok(!res.body.includes(secret), 'nor its secret');
    assert.ok(!res.body.includes(server.org.apiToken));
    const hash = (await server.store.tokens.get(made.id))!.secretHash;
    assert.ok(!res.body.includes(hash), 'nor its hash');
  });

  it('gives a created token its role: a viewer token reads but cannot write, an admin token writes the catalog but cannot manage tokens', async () => {
    const viewer = created(await server.admin('POST', '/api/v1/tokens', { name: 'dashboard screen', role: 'viewer' }));
    ok(await server.admin('GET', '/api/v1/products', undefined, viewer.token));
    ok(await server.admin('GET', '/api/v1/organization', undefined, viewer.token));
    assertError(await server.admin('POST', '/api/v1/products', { name: 'by-viewer' }, viewer.token), 403, 'FORBIDDEN');
    assertError(await server.admin('PATCH', '/api/v1/organization', { name: 'by-viewer' }, viewer.token), 403, 'FORBIDDEN');
    assert.equal(ok(await server.admin('GET', '/api/v1/products?q=by-viewer')).total, 0);

    const admin = created(await server.admin('POST', '/api/v1/tokens', { name: 'catalog sync', role: 'admin' }));
    created(await server.admin('POST', '/api/v1/products', { name: 'by-admin' }, admin.token));
    assertError(await server.admin('GET', '/api/v1/tokens', undefined, admin.token), 403, 'FORBIDDEN');
    assertError(await server.admin('POST', '/api/v1/tokens', { name: 'x', role: 'owner' }, admin.token), 403, 'FORBIDDEN');

    const owner = created(await server.admin('POST', '/api/v1/tokens', { name: 'second owner', role: 'owner' }));
    const byOwner = created(await server.admin('POST', '/api/v1/tokens', { name: 'made by a made token', role: 'viewer' }, owner.token));
    assert.ok((await list(owner.token)).some((t) => t.id === byOwner.id));
  });

  it('fills lastUsedAt when the token is used', async () => {
    const made = created(await server.admin('POST', '/api/v1/tokens', { name: 'used later', role: 'viewer' }));
    server.clock.advance(600);
    assert.equal((await list()).find((t) => t.id === made.id)!.lastUsedAt, null, 'unused so far');
    ok(await server.admin('GET', '/api/v1/customers', undefined, made.token));
    const usedAt = iso(server.clock.now());
    assert.equal((await list()).find((t) => t.id === made.id)!.lastUsedAt, usedAt);
    server.clock.advance(3600);
    ok(await server.admin('GET', '/api/v1/customers', undefined, made.token));
    assert.equal((await list()).find((t) => t.id === made.id)!.lastUsedAt, iso(server.clock.now()), 'a later use moves it on');
    // The owner's own token was used for every list call just now.
    assert.equal((await list()).find((t) => t.name === 'initial token')!.lastUsedAt, iso(server.clock.now()));
  });

  it('makes a revoked token answer 401 at once and drops it from the list; revoking it again is 404', async () => {
    const made = created(await server.admin('POST', '/api/v1/tokens', { name: 'to revoke', role: 'admin' }));
    ok(await server.admin('GET', '/api/v1/products', undefined, made.token));
    const res = await server.admin('DELETE', `/api/v1/tokens/${made.id}`);
    assert.equal(res.statusCode, 204, res.body);
    assertError(await server.admin('GET', '/api/v1/products', undefined, made.token), 401, 'UNAUTHORIZED');
    assertError(await server.admin('POST', '/api/v1/products', { name: 'after-revoke' }, made.token), 401, 'UNAUTHORIZED');
    assert.ok(!(await list()).some((t) => t.id === made.id));
    assertError(await server.admin('DELETE', `/api/v1/tokens/${made.id}`), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', '/api/v1/tokens/no-such-token'), 404, 'NOT_FOUND');
  });

  it("answers 404 to revoking another organization's token, which keeps working", async () => {
    const other = await server.addOrganization('Other vendor');
    const theirs = created(await server.admin('POST', '/api/v1/tokens', { name: 'theirs', role: 'viewer' }, other.apiToken));
    const theirInitial = parseApiToken(other.apiToken)!.id;
    assertError(await server.admin('DELETE', `/api/v1/tokens/${theirs.id}`), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', `/api/v1/tokens/${theirInitial}`), 404, 'NOT_FOUND');
    ok(await server.admin('GET', '/api/v1/products', undefined, theirs.token));
    ok(await server.admin('GET', '/api/v1/tokens', undefined, other.apiToken));
    assert.ok(!(await list()).some((t) => t.id === theirs.id || t.id === theirInitial), 'nor does it list them');
    assert.ok(!(await list(other.apiToken)).some((t) => t.name === 'initial token' && t.id === parseApiToken(server.org.apiToken)!.id));
  });

  it("keeps only a hash of the token's secret, and a token with the right id but another secret is refused", async () => {
    const made = created(await server.admin('POST', '/api/v1/tokens', { name: 'hashed', role: 'viewer' }));
    // The secret is the last 43 characters: base64url, which may itself hold '_'.
    const secret = made.token.slice(-43);
    const record = await server.store.tokens.get(made.id);
    assert.ok(record);
    assert.match(record.secretHash, /^[0-9a-f]{64}$/);
    assert.notEqual(record.secretHash, made.token);
    assert.notEqual(record.secretHash, secret);
    assert.ok(!record.secretHash.includes(secret) && !made.token.includes(record.secretHash));
    const forged = made.token.slice(0, -43) + (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
    assertError(await server.admin('GET', '/api/v1/products', undefined, forged), 401, 'UNAUTHORIZED');
    const hashAsSecret = `${made.token.slice(0, -43)}${record.secretHash.slice(0, 43)}`;
    assertError(await server.admin('GET', '/api/v1/products', undefined, hashAsSecret), 401, 'UNAUTHORIZED');
    ok(await server.admin('GET', '/api/v1/products', undefined, made.token));
  });

  it('refuses bad bodies with 400 VALIDATION_FAILED and creates nothing: unknown role, empty or missing name, extra fields', async () => {
    const count = (await list()).length;
    const bodies: [unknown, string][] = [
      [{ name: 'x', role: 'superuser' }, 'body.role'],
      [{ name: 'x', role: 'Owner' }, 'body.role'],
      [{ name: '', role: 'viewer' }, 'body.name'],
      [{ role: 'viewer' }, 'body.name'],
      [{ name: 'x' }, 'body.role'],
      [{ name: 'x', role: 'viewer', token: `lh_${'0'.repeat(32)}_${'a'.repeat(43)}` }, 'body.token'],
      [{ name: 'x', role: 'viewer', id: 'chosen-id' }, 'body.id'],
      [{ name: 42, role: 'viewer' }, 'body.name'],
      [{ name: 'x'.repeat(201), role: 'viewer' }, 'body.name'],
      [['x', 'viewer'], 'body'],
    ];
    for (const [body, field] of bodies) {
      const error = assertError(await server.admin('POST', '/api/v1/tokens', body), 400, 'VALIDATION_FAILED');
      assert.ok(
        error.details?.some((d: Json) => d.field === field),
        `${JSON.stringify(body)}: ${JSON.stringify(error.details)}`,
      );
    }
    assert.equal((await list()).length, count);
  });
});
