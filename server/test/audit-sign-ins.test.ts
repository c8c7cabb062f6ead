import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;
const PASSWORD = 'correct horse battery';

function signIn(server: TestServer, username: string, password: string, ip: string): Promise<LightMyRequestResponse> {
  return server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress: ip });
}

describe('sign-ins in the audit log', () => {
  let server: TestServer;
  let other: { organizationId: string; apiToken: string };
  before(async () => {
    server = await startTestServer();
    other = await server.addOrganization('Another tenant');
  });
  after(() => server.close());

  const signInEntries = async (organizationId: string, token: string): Promise<Json[]> => {
    const res = await server.admin('GET', '/api/v1/audit?resourceType=user&limit=200', undefined, token);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json().items as Json[]).filter((e) => e.action.startsWith('sign_in')).reverse();
  };
  const addUser = async (username: string) => {
    const res = await server.admin('POST', '/api/v1/users', { username, displayName: username, role: 'viewer', password: PASSWORD });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ id: string }>();
  };

  it('records a success and a wrong password with the normalized name and the address, never the password', async () => {
    const user = await addUser('Signer');
    assert.equal((await signIn(server, 'SIGNER', 'not it at all', '10.1.0.1')).statusCode, 401);
    assert.equal((await signIn(server, 'signer', PASSWORD, '10.1.0.2')).statusCode, 200);
    const entries = (await signInEntries(server.org.organizationId, server.org.apiToken)).filter((e) => e.resourceId === user.id);
    assert.deepEqual(
      entries.map((e) => [e.action, e.actor, e.after]),
      [
        ['sign_in_failed', { type: 'user', id: user.id, name: 'Signer' }, { username: 'signer', address: '10.1.0.1', result: 'wrong_password', blockedUntil: null }],
        ['sign_in', { type: 'user', id: user.id, name: 'Signer' }, { username: 'signer', address: '10.1.0.2', result: 'success' }],
      ],
    );
    const all = JSON.stringify(await signInEntries(server.org.organizationId, server.org.apiToken));
    assert.ok(!all.includes(PASSWORD) && !all.includes('not it at all'), 'no password, right or wrong');
  });

  it('records nothing in any organization for a name that matches no account', async () => {
    const before = [(await signInEntries(server.org.organizationId, server.org.apiToken)).length, (await signInEntries(other.organizationId, other.apiToken)).length];
    assert.equal((await signIn(server, 'nobody-here', PASSWORD, '10.2.0.1')).statusCode, 401);
    const afterwards = [(await signInEntries(server.org.organizationId, server.org.apiToken)).length, (await signInEntries(other.organizationId, other.apiToken)).length];
    assert.deepEqual(afterwards, before);
  });

  it("shows an account's attempts to its own organization only", async () => {
    const user = await addUser('tenanted');
    await signIn(server, 'tenanted', 'wrong wrong wrong', '10.3.0.1');
    assert.equal((await signInEntries(server.org.organizationId, server.org.apiToken)).filter((e) => e.resourceId === user.id).length, 1);
    const elsewhere = await signInEntries(other.organizationId, other.apiToken);
    assert.deepEqual(
      elsewhere.filter((e) => e.resourceId === user.id || JSON.stringify(e).includes('tenanted')),
      [],
    );
  });

  it('records the failure that blocks the account with the end of the block, then one throttled entry per block however many attempts follow', async () => {
    const user = await addUser('hammered');
    for (let i = 0; i < 5; i++) assert.equal((await signIn(server, 'hammered', `guess ${i}`, `10.4.0.${i}`)).statusCode, 401);
    for (let i = 0; i < 20; i++) assert.equal((await signIn(server, 'hammered', PASSWORD, `10.4.1.${i}`)).statusCode, 429);
    const blockedUntil = new Date(server.clock.now() + 15 * 60_000).toISOString();
    const entries = (await signInEntries(server.org.organizationId, server.org.apiToken)).filter((e) => e.resourceId === user.id);
    assert.deepEqual(
      entries.map((e) => [e.action, e.after.result, e.after.blockedUntil]),
      [
        ['sign_in_failed', 'wrong_password', null],
        ['sign_in_failed', 'wrong_password', null],
        ['sign_in_failed', 'wrong_password', null],
        ['sign_in_failed', 'wrong_password', null],
        ['sign_in_failed', 'wrong_password', blockedUntil],
        ['sign_in_throttled', 'throttled', blockedUntil],
      ],
    );
    assert.equal(entries.at(-1)!.after.address, '10.4.1.0', 'the first refused attempt');

    // The next block records its own throttled entry.
    server.clock.advance(15 * 60 + 1);
    for (let i = 0; i < 5; i++) await signIn(server, 'hammered', `again ${i}`, `10.5.0.${i}`);
    for (let i = 0; i < 3; i++) assert.equal((await signIn(server, 'hammered', PASSWORD, '10.5.1.1')).statusCode, 429);
    const later = (await signInEntries(server.org.organizationId, server.org.apiToken)).filter((e) => e.resourceId === user.id);
    assert.equal(later.filter((e) => e.action === 'sign_in_throttled').length, 2);
    assert.equal(later.length, 12);
  });
});

describe('sign-in records under a burst of simultaneous attempts', () => {
  let server: TestServer;
  before(async () => {
    // Room in the password queue for every attempt of a burst.
    server = await startTestServer({ env: { LEASEHOLD_PASSWORD_HASH_QUEUE: '50' } });
  });
  after(() => server.close());

  it('records at most five wrong passwords and one throttled entry however many attempts arrive at once', async () => {
    const res = await server.admin('POST', '/api/v1/users', { username: 'burst', displayName: 'burst', role: 'viewer', password: PASSWORD });
    assert.equal(res.statusCode, 201, res.body);
    const user = res.json<{ id: string }>();
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(server, 'burst', `guess ${i}`, `10.7.${i}.1`)));
    const statuses = replies.map((r) => r.statusCode).sort();
    assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join());
    const more = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(server, 'burst', PASSWORD, `10.8.${i}.1`)));
    assert.ok(more.every((r) => r.statusCode === 429));
    const entries = ((await server.admin('GET', `/api/v1/audit?resourceId=${user.id}&limit=200`)).json().items as Json[]).filter((e) => e.action.startsWith('sign_in'));
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    assert.equal(count('sign_in_failed'), 5);
    assert.equal(count('sign_in_throttled'), 1);
    assert.equal(count('sign_in'), 0);
  });
});

describe('the audit log between two times', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const list = (query: string) => server.admin('GET', `/api/v1/audit?${query}`);

  it('keeps the entries at or after `from` and before `to`', async () => {
    const t0 = server.clock.now();
    const times: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      times.push(new Date(server.clock.now()).toISOString());
      assert.equal((await server.admin('POST', '/api/v1/customers', { name })).statusCode, 201);
      server.clock.advance(3600);
    }
    const names = async (query: string) => {
      const res = await list(`resourceType=customer&${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json().items as Json[]).map((e) => e.after.name);
    };
    assert.deepEqual(await names(`from=${times[1]}`), ['third', 'second']);
    assert.deepEqual(await names(`to=${times[1]}`), ['first'], '`to` is exclusive');
    assert.deepEqual(await names(`from=${times[0]}&to=${times[2]}`), ['second', 'first']);
    assert.deepEqual(await names(`from=${new Date(t0 + 10 * 3600_000).toISOString()}`), []);
    assert.equal((await list(`from=${times[1]}&resourceType=customer`)).json().total, 2, 'the total counts the range');
    assert.deepEqual(await names(`since=${times[2]}`), ['third'], 'the older name of `from` still works');
  });

  it('refuses a time that is not one, too long, or a range that ends before it starts, with 400', async () => {
    for (const query of ['from=yesterday', `to=${'2030-01-01T00:00:00.000Z'.padEnd(41, '0')}`, 'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'from=2030-13-45T99:00:00Z']) {
      const res = await list(query);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.equal(res.json().error.code, 'VALIDATION_FAILED');
    }
  });
});
