import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { startTestServer, type TestServer } from './helpers.js';

const PASSWORD = 'correct horse battery';
type Json = Record<string, any>;

function json(res: LightMyRequestResponse, status: number): Json {
  assert.equal(res.statusCode, status, res.body);
  return res.json();
}

describe('an API token never has more rights than the user who made it', () => {
  let server: TestServer;
  let operator: string;
  let signIns = 0;
  before(async () => {
    server = await startTestServer();
    operator = (await createApiToken(server.store, server.clock, server.org.organizationId, 'operator', 'owner')).token;
  });
  after(() => server.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, token = operator) => server.admin(method, url, body, token);
  const userWithToken = async (username: string, role: string, tokenRole: string) => {
    const user = json(await call('POST', '/api/v1/users', { username, displayName: username, role, password: PASSWORD }), 201);
    const signed = await server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: PASSWORD }, remoteAddress: `10.70.${++signIns}.1` });
    assert.equal(signed.statusCode, 200, signed.body);
    const headers = { cookie: `lh_session=${signed.cookies.find((c) => c.name === 'lh_session')!.value}`, 'x-csrf-token': signed.json().csrfToken as string };
    const made = await server.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name: `${username}'s token`, role: tokenRole } });
    return { user, made, token: made.statusCode === 201 ? (made.json().token as string) : '' };
  };

  it("loses owner rights when its creator is demoted, and dies with the creator's account", async () => {
    const { user, made, token } = await userWithToken('oscar', 'owner', 'owner');
    assert.equal(made.statusCode, 201, made.body);
    json(await call('GET', '/api/v1/tokens', undefined, token), 200);
    json(await call('PATCH', `/api/v1/users/${user.id}`, { role: 'admin' }), 200);
    assert.equal((await call('POST', '/api/v1/users', { username: 'mallory', displayName: 'M', role: 'owner', password: PASSWORD }, token)).statusCode, 403, 'it can no longer create an owner');
    assert.equal((await call('POST', '/api/v1/tokens', { name: 'escalate', role: 'owner' }, token)).statusCode, 403);
    assert.equal((await call('GET', '/api/v1/tokens', undefined, token)).statusCode, 403);
    json(await call('POST', '/api/v1/products', { name: 'made-as-admin' }, token), 201);
    json(await call('PATCH', `/api/v1/users/${user.id}`, { role: 'viewer' }), 200);
    assert.equal((await call('POST', '/api/v1/products', { name: 'made-as-viewer' }, token)).statusCode, 403, 'now it only reads');
    json(await call('GET', '/api/v1/products', undefined, token), 200);
    assert.equal((await call('DELETE', `/api/v1/users/${user.id}`)).statusCode, 204);
    assert.equal((await call('GET', '/api/v1/products', undefined, token)).statusCode, 401, 'the token died with its creator');
    const list = json(await call('GET', '/api/v1/tokens'), 200).items as Json[];
    assert.ok(!list.some((t) => t.id === made.json().id), 'and is gone from the list');
    assert.equal(
      (await call('GET', '/api/v1/users?limit=200')).json().items.some((u: Json) => u.username === 'mallory'),
      false,
    );
  });

  it("keeps the lower of its own role and its creator's: an owner's viewer token stays a viewer", async () => {
    const { made, token } = await userWithToken('vicky', 'owner', 'viewer');
    assert.equal(made.statusCode, 201, made.body);
    assert.equal((await call('POST', '/api/v1/products', { name: 'by-vicky-token' }, token)).statusCode, 403);
    json(await call('GET', '/api/v1/products', undefined, token), 200);
  });

  it('refuses to let a user make a token above their own role', async () => {
    const { made } = await userWithToken('adele', 'admin', 'admin');
    assert.equal(made.statusCode, 403, 'only owners manage tokens');
  });

  it("binds the first token to the first owner: demoting that owner takes the token's owner rights", async () => {
    const other = await server.addOrganization('Bound');
    const ownerId = json(await server.admin('GET', '/api/v1/users', undefined, other.apiToken), 200).items[0].id as string;
    const list = json(await server.admin('GET', '/api/v1/tokens', undefined, other.apiToken), 200).items as Json[];
    assert.deepEqual(list.find((t) => t.name === 'initial token')!.createdBy, { id: ownerId, username: other.adminUsername });
    json(await server.admin('POST', '/api/v1/users', { username: 'bound-second', displayName: 'S', role: 'owner', password: PASSWORD }, other.apiToken), 201);
    json(await server.admin('PATCH', `/api/v1/users/${ownerId}`, { role: 'admin' }, other.apiToken), 200);
    assert.equal((await server.admin('GET', '/api/v1/tokens', undefined, other.apiToken)).statusCode, 403);
  });

  it('lists who made each token: a user (id and username), or null for a token the operator made with the CLI', async () => {
    const { user, made } = await userWithToken('listed-owner', 'owner', 'owner');
    const byToken = json(await call('POST', '/api/v1/tokens', { name: 'by its token', role: 'viewer' }, made.json().token), 201);
    const byOperator = json(await call('POST', '/api/v1/tokens', { name: 'by operator token', role: 'viewer' }), 201);
    assert.deepEqual(made.json().createdBy, { id: user.id, username: 'listed-owner' });
    assert.equal(byOperator.createdBy, null);
    const list = json(await call('GET', '/api/v1/tokens'), 200).items as Json[];
    const of = (id: string) => list.find((t) => t.id === id)!;
    assert.deepEqual(of(made.json().id).createdBy, { id: user.id, username: 'listed-owner' });
    assert.deepEqual(of(byToken.id).createdBy, { id: user.id, username: 'listed-owner' }, "a token made with a user's token is that user's");
    assert.equal(of(byOperator.id).createdBy, null);
    assert.equal(list.find((t) => t.name === 'operator')!.createdBy, null);
  });
});
