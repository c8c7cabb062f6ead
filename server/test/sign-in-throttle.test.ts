import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { openStore } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';

const PASSWORD = 'correct horse battery';

function signIn(server: Pick<TestServer, 'app'>, username: string, password: string, ip = '127.0.0.1'): Promise<LightMyRequestResponse> {
  return server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress: ip });
}

function statuses(replies: LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of replies) counts[r.statusCode] = (counts[r.statusCode] ?? 0) + 1;
  return counts;
}

async function addUser(server: TestServer, username: string, role = 'viewer') {
  const res = await server.admin('POST', '/api/v1/users', { username, displayName: username, role, password: PASSWORD });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ id: string }>();
}

describe('sign-in attempts are counted before any password is checked', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('refuses a burst of 60 simultaneous sign-ins to one account with the right password last: at most 5 are checked', async () => {
    await addUser(server, 'target');
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => signIn(server, 'target', i === 59 ? PASSWORD : `wrong ${i}`, '10.20.0.1')));
    const counts = statuses(replies);
    assert.notEqual(replies[59]!.statusCode, 200, `the right password, sent last, must not get in: ${JSON.stringify(counts)}`);
    assert.equal(counts[200], undefined, JSON.stringify(counts));
    assert.ok((counts[401] ?? 0) <= 5, `at most 5 guesses were checked: ${JSON.stringify(counts)}`);
    for (const r of replies.filter((r) => r.statusCode === 429)) {
      assert.equal(r.json().error.code, 'TOO_MANY_ATTEMPTS');
      assert.match(String(r.headers['retry-after']), /^[1-9][0-9]*$/);
    }
    assert.equal((await signIn(server, 'target', PASSWORD, '10.20.0.2')).statusCode, 429, 'the account stays blocked, from any address');
  });

  it('refuses a burst of 60 simultaneous sign-ins from one address to 60 names: at most 5 are checked', async () => {
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => signIn(server, `nobody${i}`, 'wrong', '10.21.0.1')));
    const counts = statuses(replies);
    assert.ok((counts[401] ?? 0) <= 5, JSON.stringify(counts));
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0) + (counts[503] ?? 0), 60, JSON.stringify(counts));
  });

  it('counts in the database: two instances on one database share the count', async () => {
    await addUser(server, 'shared');
    const store = await openStore(server.config.database, { secrets: server.store.secrets });
    const other = await buildApp({ config: server.config, store, clock: server.clock, logger: false });
    try {
      const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(i % 2 ? { app: other } : server, 'shared', 'wrong', `10.22.0.${i}`)));
      const counts = statuses(replies);
      assert.ok((counts[401] ?? 0) <= 5, JSON.stringify(counts));
    } finally {
      await other.close();
      await store.close();
    }
  });

  it("a success clears the account's count and gives back its attempt to the address", async () => {
    await addUser(server, 'office');
    for (let i = 0; i < 4; i++) assert.equal((await signIn(server, 'office', 'wrong', '10.23.0.1')).statusCode, 401);
    assert.equal((await signIn(server, 'office', PASSWORD, '10.23.0.1')).statusCode, 200);
    for (let i = 0; i < 4; i++) assert.equal((await signIn(server, 'office', PASSWORD, '10.23.0.1')).statusCode, 200, 'successes do not use up the address');
    assert.equal((await signIn(server, 'office', 'wrong', '10.23.0.1')).statusCode, 401, 'the address had 4 failures, this is the 5th');
    assert.equal((await signIn(server, 'someone-else', 'wrong', '10.23.0.1')).statusCode, 429, 'and then it is blocked');
  });
});

describe('password hashing is bounded', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { LEASEHOLD_PASSWORD_HASH_CONCURRENCY: '1', LEASEHOLD_PASSWORD_HASH_QUEUE: '1' } });
  });
  after(() => server.close());

  it('answers a flood of sign-ins beyond the queue with 503 and Retry-After instead of queuing them all', async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(server, `flood${i}`, 'wrong', `10.30.${i}.1`)));
    const counts = statuses(replies);
    assert.equal((counts[401] ?? 0) + (counts[503] ?? 0), 30, JSON.stringify(counts));
    assert.ok((counts[503] ?? 0) > 0, `some were turned away: ${JSON.stringify(counts)}`);
    for (const r of replies.filter((r) => r.statusCode === 503)) {
      assert.equal(r.json().error.code, 'BUSY');
      assert.match(String(r.headers['retry-after']), /^[1-9][0-9]*$/);
    }
    const hashing = server.app.passwordHashing.stats();
    assert.equal(hashing.peakRunning, 1, 'never more than the configured number at once');
    assert.equal(hashing.running, 0, 'every place was given back');
  });
});

describe('changing your password is throttled like signing in', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('checks at most 5 of 40 simultaneous guesses of the current password through one session, then refuses with 429', async () => {
    await addUser(server, 'changer');
    const res = await signIn(server, 'changer', PASSWORD, '10.40.0.1');
    assert.equal(res.statusCode, 200);
    const cookie = `lh_session=${res.cookies.find((c) => c.name === 'lh_session')!.value}`;
    const headers = { cookie, 'x-csrf-token': res.json().csrfToken as string };
    const change = (currentPassword: string) => server.app.inject({ method: 'PUT', url: '/api/v1/session/password', headers, payload: { currentPassword, newPassword: 'a brand new secret' } });
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => change(`guess ${i}`)));
    const counts = statuses(replies);
    assert.ok((counts[400] ?? 0) <= 5, `at most 5 guesses were checked: ${JSON.stringify(counts)}`);
    assert.ok((counts[429] ?? 0) >= 35 - (counts[503] ?? 0), JSON.stringify(counts));
    const blocked = await change(PASSWORD);
    assert.equal(blocked.statusCode, 429, 'even the right password waits');
    assert.equal(blocked.json().error.code, 'TOO_MANY_ATTEMPTS');
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    assert.equal((await signIn(server, 'changer', PASSWORD, '10.40.0.2')).statusCode, 429, 'the guesses count against the account');
    server.clock.advance(15 * 60);
    assert.equal((await change(PASSWORD)).statusCode, 204, 'after the wait the right password works');
  });
});
