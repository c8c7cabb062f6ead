import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.js';

interface Signed {
  cookie: string;
  csrf: string;
  body: { user: { id: string; username: string; role: string }; organization: { id: string; name: string }; csrfToken: string };
}

async function signIn(server: TestServer, username: string, password: string, ip = '127.0.0.1'): Promise<LightMyRequestResponse> {
  return server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress: ip });
}

async function session(server: TestServer, username: string, password: string): Promise<Signed> {
  const res = await signIn(server, username, password);
  assert.equal(res.statusCode, 200, res.body);
  const cookie = res.cookies.find((c) => c.name === 'lh_session');
  assert.ok(cookie);
  return { cookie: `lh_session=${cookie.value}`, csrf: res.json().csrfToken, body: res.json() };
}

/** A call made the way the web app makes it: the session cookie, and the CSRF header on writes. */
function asUser(server: TestServer, s: Signed, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, csrf: string | null = s.csrf) {
  return server.app.inject({
    method,
    url,
    headers: { cookie: s.cookie, ...(csrf !== null && method !== 'GET' ? { 'x-csrf-token': csrf } : {}) },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe('signing in and sessions', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('signs in with the printed credentials and sets an HttpOnly, SameSite=Strict, Secure session cookie', async () => {
    const res = await signIn(server, server.org.adminUsername, server.org.adminPassword);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.user.username, 'admin');
    assert.equal(body.user.role, 'owner');
    assert.deepEqual(body.organization, { id: server.org.organizationId, name: 'Test Org' });
    assert.equal(typeof body.csrfToken, 'string');
    const cookie = res.cookies.find((c) => c.name === 'lh_session')!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.secure, true, 'the public URL is https in tests');
    assert.equal(cookie.path, '/');
    assert.ok(!res.body.includes(cookie.value), 'the session secret is only in the cookie');
  });

  it('refuses a wrong password or an unknown user with the same 401 answer', async () => {
    const wrong = await signIn(server, 'admin', 'not the password', '10.0.0.1');
    const unknown = await signIn(server, 'nobody', 'whatever', '10.0.0.2');
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'INVALID_CREDENTIALS');
      assert.equal(res.cookies.length, 0);
    }
    assert.equal(wrong.json().error.message, unknown.json().error.message);
  });

  it('answers who is signed in, with the CSRF token, until signing out ends the session', async () => {
    const s = await session(server, 'admin', server.org.adminPassword);
    const me = await asUser(server, s, 'GET', '/api/v1/session');
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().csrfToken, s.csrf);
    assert.equal((await asUser(server, s, 'GET', '/api/v1/products')).statusCode, 200, 'the session reads the catalog');
    const out = await asUser(server, s, 'DELETE', '/api/v1/session');
    assert.equal(out.statusCode, 204);
    assert.equal(out.cookies.find((c) => c.name === 'lh_session')?.value, '');
    assert.equal((await asUser(server, s, 'GET', '/api/v1/session')).statusCode, 401);
    assert.equal((await asUser(server, s, 'GET', '/api/v1/products')).statusCode, 401);
  });

  it('ends a session after 12 hours', async () => {
    const s = await session(server, 'admin', server.org.adminPassword);
    server.clock.advance(12 * 3600 - 1);
    assert.equal((await asUser(server, s, 'GET', '/api/v1/session')).statusCode, 200);
    server.clock.advance(1);
    assert.equal((await asUser(server, s, 'GET', '/api/v1/session')).statusCode, 401);
  });

  it('refuses a change made with the session cookie but without the right CSRF token, and changes nothing', async () => {
    const s = await session(server, 'admin', server.org.adminPassword);
    for (const csrf of [null, '', 'forged', `${s.csrf}x`]) {
      const res = await asUser(server, s, 'POST', '/api/v1/products', { name: 'csrf-victim' }, csrf);
      assert.equal(res.statusCode, 403, String(csrf));
      assert.equal(res.json().error.code, 'CSRF_FAILED');
    }
    assert.equal((await asUser(server, s, 'GET', '/api/v1/products?q=csrf-victim')).json().total, 0);
    const ok = await asUser(server, s, 'POST', '/api/v1/products', { name: 'csrf-ok' });
    assert.equal(ok.statusCode, 201);
  });

  it('refuses a forged or unknown session cookie', async () => {
    for (const cookie of ['lh_session=forged', `lh_session=${'x'.repeat(500)}`, 'lh_session=']) {
      const res = await server.app.inject({ method: 'GET', url: '/api/v1/products', headers: { cookie } });
      assert.equal(res.statusCode, 401, cookie.slice(0, 30));
    }
  });

  it('bounds and types the sign-in body', async () => {
    for (const payload of [{}, { username: 'admin' }, { username: ['admin'], password: 'x' }, { username: 'a'.repeat(101), password: 'x' }, { username: 'admin', password: 'x', extra: 1 }]) {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/session', payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60));
    }
  });
});

describe('slowing down repeated failed sign-ins', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('blocks a username after 5 failures until 15 minutes after the first, even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await signIn(server, 'admin', 'wrong', `10.1.0.${i}`)).statusCode, 401);
      server.clock.advance(60);
    }
    // The first failure was 5 minutes ago: 10 minutes of the window are left.
    const blocked = await signIn(server, 'admin', server.org.adminPassword, '10.1.1.1');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().error.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(blocked.headers['retry-after'], String(10 * 60));
    server.clock.advance(10 * 60 - 1);
    assert.equal((await signIn(server, 'admin', server.org.adminPassword, '10.1.1.2')).statusCode, 429, 'a second before the end, still blocked');
    server.clock.advance(1);
    const ok = await signIn(server, 'admin', server.org.adminPassword, '10.1.1.3');
    assert.equal(ok.statusCode, 200, 'after the window the right password works');
    for (let i = 0; i < 4; i++) assert.equal((await signIn(server, 'admin', 'wrong', `10.2.0.${i}`)).statusCode, 401, 'success cleared the count');
    assert.equal((await signIn(server, 'admin', 'wrong', '10.2.0.9')).statusCode, 401);
    assert.equal((await signIn(server, 'admin', server.org.adminPassword, '10.2.0.10')).statusCode, 429, 'the fifth failure blocks again');
  });

  it('blocks an address that tries many usernames', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await signIn(server, `guess${i}`, 'wrong', '192.0.2.9')).statusCode, 401);
    assert.equal((await signIn(server, 'another', 'wrong', '192.0.2.9')).statusCode, 429);
    assert.equal((await signIn(server, 'another', 'wrong', '192.0.2.10')).statusCode, 401, 'other addresses are not blocked');
  });
});

describe('sign-in throttling behind a reverse proxy', () => {
  const fromProxy = (server: TestServer, username: string, client: string) =>
    server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: 'wrong' }, remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': client } });

  it('counts failures per client address given by a proxy listed in LEASEHOLD_TRUST_PROXY', async () => {
    const server = await startTestServer({ env: { LEASEHOLD_TRUST_PROXY: '10.9.0.0/24' } });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await fromProxy(server, `guess${i}`, '203.0.113.7')).statusCode, 401);
      assert.equal((await fromProxy(server, 'another', '203.0.113.7')).statusCode, 429, 'the guessing client is blocked');
      assert.equal((await fromProxy(server, 'someone', '203.0.113.8')).statusCode, 401, 'other clients behind the same proxy are not');
    } finally {
      await server.close();
    }
  });

  it('ignores X-Forwarded-For from anyone not listed, so a client cannot pick its own address', async () => {
    const server = await startTestServer();
    try {
      for (let i = 0; i < 5; i++) assert.equal((await fromProxy(server, `guess${i}`, `203.0.113.${i}`)).statusCode, 401);
      assert.equal((await fromProxy(server, 'another', '203.0.113.99')).statusCode, 429, 'all five came from 10.9.0.1');
    } finally {
      await server.close();
    }
  });
});

describe('users, roles and passwords', () => {
  let server: TestServer;
  let owner: Signed;
  before(async () => {
    server = await startTestServer();
    owner = await session(server, 'admin', server.org.adminPassword);
  });
  after(() => server.close());

  const newUser = (username: string, role: string) => ({ username, displayName: `User ${username}`, email: `${username}@example.test`, role, password: 'correct horse battery' });

  it('lets an owner create users of each role, who sign in with their password; passwords are stored as argon2id hashes', async () => {
    const res = await asUser(server, owner, 'POST', '/api/v1/users', newUser('vera', 'viewer'));
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(Object.keys(res.json()).sort(), ['createdAt', 'displayName', 'email', 'id', 'role', 'username']);
    const stored = await server.store.users.findByUsername('vera');
    assert.match(stored!.passwordHash, /^\$argon2id\$/);
    assert.equal((await session(server, 'vera', 'correct horse battery')).body.user.role, 'viewer');
    assert.equal((await asUser(server, owner, 'POST', '/api/v1/users', newUser('vera', 'admin'))).statusCode, 409, 'usernames are unique');
    const list = (await asUser(server, owner, 'GET', '/api/v1/users')).json();
    assert.deepEqual(
      list.items.map((u: { username: string }) => u.username),
      ['admin', 'vera'],
    );
  });

  it('lets a viewer read but not change anything, and an admin change the catalog but not users or tokens', async () => {
    await asUser(server, owner, 'POST', '/api/v1/users', newUser('adam', 'admin'));
    const viewer = await session(server, 'vera', 'correct horse battery');
    const admin = await session(server, 'adam', 'correct horse battery');
    assert.equal((await asUser(server, viewer, 'GET', '/api/v1/products')).statusCode, 200);
    assert.equal((await asUser(server, viewer, 'POST', '/api/v1/products', { name: 'viewer-made' })).statusCode, 403);
    assert.equal((await asUser(server, viewer, 'PATCH', '/api/v1/organization', { name: 'viewer-renamed' })).statusCode, 403);
    assert.equal((await asUser(server, admin, 'POST', '/api/v1/products', { name: 'admin-made' })).statusCode, 201);
    assert.equal((await asUser(server, admin, 'POST', '/api/v1/users', newUser('eve', 'owner'))).statusCode, 403);
    assert.equal((await asUser(server, admin, 'GET', '/api/v1/tokens')).statusCode, 403);
    assert.equal((await asUser(server, admin, 'DELETE', `/api/v1/users/${viewer.body.user.id}`)).statusCode, 403);
  });

  it('never removes or demotes the last owner', async () => {
    const ownerId = owner.body.user.id;
    const demote = await asUser(server, owner, 'PATCH', `/api/v1/users/${ownerId}`, { role: 'admin' });
    assert.equal(demote.statusCode, 409);
    assert.match(demote.json().error.message, /owner/);
    assert.equal((await asUser(server, owner, 'DELETE', `/api/v1/users/${ownerId}`)).statusCode, 409);
    const second = (await asUser(server, owner, 'POST', '/api/v1/users', newUser('olga', 'owner'))).json();
    assert.equal((await asUser(server, owner, 'PATCH', `/api/v1/users/${second.id}`, { role: 'admin' })).statusCode, 200, 'another owner can be demoted while one remains');
    const promoted = await asUser(server, owner, 'PATCH', `/api/v1/users/${second.id}`, { role: 'owner' });
    assert.equal(promoted.json().role, 'owner');
    assert.equal((await asUser(server, owner, 'DELETE', `/api/v1/users/${second.id}`)).statusCode, 204);
    assert.equal(await server.store.users.findByUsername('olga'), undefined);
  });

  it('ends the sessions of a user whose role changes, so the new role applies at once', async () => {
    const created = (await asUser(server, owner, 'POST', '/api/v1/users', newUser('rita', 'admin'))).json();
    const rita = await session(server, 'rita', 'correct horse battery');
    await asUser(server, owner, 'PATCH', `/api/v1/users/${created.id}`, { role: 'viewer' });
    assert.equal((await asUser(server, rita, 'GET', '/api/v1/session')).statusCode, 401);
    assert.equal((await session(server, 'rita', 'correct horse battery')).body.user.role, 'viewer');
  });

  it('changes your own password only with the current one, ending your other sessions but not this one; viewers too', async () => {
    await asUser(server, owner, 'POST', '/api/v1/users', newUser('paul', 'viewer'));
    const here = await session(server, 'paul', 'correct horse battery');
    const elsewhere = await session(server, 'paul', 'correct horse battery');
    const wrong = await asUser(server, here, 'PUT', '/api/v1/session/password', { currentPassword: 'nope', newPassword: 'a brand new secret' });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error.details[0].field, 'body.currentPassword');
    assert.equal((await asUser(server, here, 'PUT', '/api/v1/session/password', { currentPassword: 'correct horse battery', newPassword: 'short' })).statusCode, 400);
    assert.equal((await asUser(server, here, 'PUT', '/api/v1/session/password', { currentPassword: 'correct horse battery', newPassword: 'a brand new secret' })).statusCode, 204);
    assert.equal((await asUser(server, here, 'GET', '/api/v1/session')).statusCode, 200);
    assert.equal((await asUser(server, elsewhere, 'GET', '/api/v1/session')).statusCode, 401);
    assert.equal((await signIn(server, 'paul', 'correct horse battery', '10.9.9.1')).statusCode, 401);
    assert.equal((await signIn(server, 'paul', 'a brand new secret', '10.9.9.2')).statusCode, 200);
    assert.equal((await asUser(server, here, 'DELETE', '/api/v1/session')).statusCode, 204, 'a viewer signs out');
  });

  it("lets an owner reset another user's password, which ends that user's sessions", async () => {
    const created = (await asUser(server, owner, 'POST', '/api/v1/users', newUser('fred', 'viewer'))).json();
    const fred = await session(server, 'fred', 'correct horse battery');
    assert.equal((await asUser(server, owner, 'POST', `/api/v1/users/${created.id}/password`, { password: 'reset by the owner' })).statusCode, 204);
    assert.equal((await asUser(server, fred, 'GET', '/api/v1/session')).statusCode, 401);
    assert.equal((await signIn(server, 'fred', 'reset by the owner', '10.9.9.3')).statusCode, 200);
  });

  it("keeps organizations' users apart", async () => {
    const other = await server.addOrganization('Other');
    const theirs = await session(server, other.adminUsername, other.adminPassword);
    assert.equal(theirs.body.organization.id, other.organizationId);
    const list = (await asUser(server, theirs, 'GET', '/api/v1/users')).json();
    assert.deepEqual(
      list.items.map((u: { username: string }) => u.username),
      [other.adminUsername],
    );
    assert.equal((await asUser(server, theirs, 'PATCH', `/api/v1/users/${owner.body.user.id}`, { displayName: 'hijacked' })).statusCode, 404);
    assert.equal((await asUser(server, theirs, 'POST', `/api/v1/users/${owner.body.user.id}/password`, { password: 'hijacked password' })).statusCode, 404);
    assert.equal((await asUser(server, theirs, 'DELETE', `/api/v1/users/${owner.body.user.id}`)).statusCode, 404);
  });
});
