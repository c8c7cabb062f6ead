import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createApiToken, createOrganization } from '../src/bootstrap.js';
import { parseApiToken } from '../src/credentials.js';
import type { DomainEvent } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';
import { ofType, recorded } from './recorded.js';

type Json = Record<string, any>;

const PASSWORD = 'correct horse battery';

function tokenIdOf(token: string): string {
  const parsed = parseApiToken(token);
  assert.ok(parsed, 'a well-formed API token');
  return parsed.id;
}

function json(res: LightMyRequestResponse, status: number): Json {
  assert.equal(res.statusCode, status, res.body);
  return res.body === '' ? {} : res.json();
}

function signIn(server: TestServer, username: string, password: string, ip = '127.0.0.1') {
  return server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress: ip });
}

/** A signed-in session's headers: the cookie, and the CSRF token writes carry. */
async function sessionOf(server: TestServer, username: string, password: string, ip?: string) {
  const res = await signIn(server, username, password, ip);
  const body = json(res, 200);
  const secret = res.cookies.find((c) => c.name === 'lh_session')!.value;
  return { secret, csrf: body.csrfToken as string, headers: { cookie: `lh_session=${secret}`, 'x-csrf-token': body.csrfToken as string }, userId: body.user.id as string };
}

/** One event of `type` and nothing else. */
function onlyEvent(events: DomainEvent[], type: string): DomainEvent {
  assert.deepEqual(
    events.map((e) => e.type),
    [type],
  );
  return events[0]!;
}

describe(`account changes record one audit entry and their event, on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  let tokenActor: { type: 'token'; id: string; name: string };
  before(async () => {
    server = await startTestServer();
    tokenActor = { type: 'token', id: tokenIdOf(server.org.apiToken), name: 'initial token' };
  });
  after(() => server.close());

  it('records user.created, user.updated, user.password_reset and user.deleted with what the audit log has', async () => {
    const orgId = server.org.organizationId;
    const create = await recorded(server, () => server.admin('POST', '/api/v1/users', { username: 'grace', displayName: 'Grace', role: 'viewer', password: PASSWORD }));
    const user = json(create.result, 201);
    const createdEvent = onlyEvent(create.events, 'user.created');
    assert.equal(createdEvent.organizationId, orgId);
    assert.deepEqual(createdEvent.subject, { type: 'user', id: user.id });
    assert.deepEqual(createdEvent.actor, tokenActor);
    assert.deepEqual(createdEvent.data, { before: null, after: user });
    assert.equal(createdEvent.at, server.clock.now());
    assert.equal(create.audit.length, 1);
    assert.deepEqual({ action: create.audit[0]!.action, resourceId: create.audit[0]!.resourceId, after: create.audit[0]!.after }, { action: 'create', resourceId: user.id, after: user });
    assert.ok(!JSON.stringify(createdEvent.data).includes('argon2'), 'no password hash');

    const update = await recorded(server, () => server.admin('PATCH', `/api/v1/users/${user.id}`, { displayName: 'Grace Hopper', role: 'admin' }));
    const changed = json(update.result, 200);
    assert.deepEqual(onlyEvent(update.events, 'user.updated').data, { before: user, after: changed });
    assert.equal(update.audit.length, 1);
    assert.deepEqual(update.audit[0]!.before, user);

    const reset = await recorded(server, () => server.admin('POST', `/api/v1/users/${user.id}/password`, { password: 'another long secret' }));
    json(reset.result, 204);
    const resetEvent = onlyEvent(reset.events, 'user.password_reset');
    assert.deepEqual(resetEvent.subject, { type: 'user', id: user.id });
    assert.deepEqual(resetEvent.data, { before: null, after: null });
    assert.deepEqual(
      reset.audit.map((e) => e.action),
      ['reset_password'],
    );
    assert.equal((await signIn(server, 'grace', 'another long secret')).statusCode, 200, 'the new password works');

    const removal = await recorded(server, () => server.admin('DELETE', `/api/v1/users/${user.id}`));
    json(removal.result, 204);
    assert.deepEqual(onlyEvent(removal.events, 'user.deleted').data, { before: changed, after: null });
    assert.deepEqual(
      removal.audit.map((e) => e.action),
      ['delete'],
    );
  });

  it('records user.password_changed with the signed-in user as its actor', async () => {
    const user = json(await server.admin('POST', '/api/v1/users', { username: 'changer', displayName: 'Changer', role: 'viewer', password: PASSWORD }), 201);
    const session = await sessionOf(server, 'changer', PASSWORD);
    const change = await recorded(server, () =>
      server.app.inject({ method: 'PUT', url: '/api/v1/session/password', headers: session.headers, payload: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } }),
    );
    json(change.result, 204);
    const event = onlyEvent(change.events, 'user.password_changed');
    assert.deepEqual(event.subject, { type: 'user', id: user.id });
    assert.deepEqual(event.actor, { type: 'user', id: user.id, name: 'changer' });
    assert.deepEqual(
      change.audit.map((e) => [e.action, e.resourceId]),
      [['change_password', user.id]],
    );
    const serialized = JSON.stringify(event);
    for (const secret of [PASSWORD, 'a brand new secret', session.secret]) assert.ok(!serialized.includes(secret));
  });

  it('records session.started and session.ended with the user, the sign-in in the audit log, and no secret', async () => {
    const user = json(await server.admin('POST', '/api/v1/users', { username: 'Sessioner', displayName: 'S', role: 'admin', password: PASSWORD }), 201);
    const start = await recorded(server, () => sessionOf(server, 'sessioner', PASSWORD));
    const started = onlyEvent(start.events, 'session.started');
    assert.equal(started.organizationId, server.org.organizationId);
    assert.equal(started.subject?.type, 'session');
    assert.match(String(started.subject?.id), /^[0-9a-f]{64}$/, 'the session id: a hash, not the cookie');
    assert.deepEqual(started.actor, { type: 'user', id: user.id, name: 'Sessioner' });
    assert.deepEqual(started.data, { userId: user.id, username: 'Sessioner' });
    assert.deepEqual(
      start.audit.map((e) => [e.action, e.resourceId, (e.after as Json).result]),
      [['sign_in', user.id, 'success']],
      'the sign-in has its audit entry',
    );
    for (const secret of [start.result.secret, start.result.csrf, PASSWORD]) assert.ok(!JSON.stringify(start.audit).includes(secret));
    for (const secret of [start.result.secret, start.result.csrf, PASSWORD]) assert.ok(!JSON.stringify(started).includes(secret));

    const end = await recorded(server, () => server.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: start.result.headers }));
    json(end.result, 204);
    const ended = onlyEvent(end.events, 'session.ended');
    assert.deepEqual(ended.subject, started.subject, 'the same session');
    assert.deepEqual(ended.data, { userId: user.id, username: 'Sessioner' });
    assert.deepEqual(end.audit, []);
  });

  it('records api_token.created and api_token.deleted without the token', async () => {
    const create = await recorded(server, () => server.admin('POST', '/api/v1/tokens', { name: 'deploy', role: 'admin' }));
    // The reply says whether the token is expired now; its record holds what does not change.
    const { token, expired: _, ...shown } = json(create.result, 201);
    const event = onlyEvent(create.events, 'api_token.created');
    assert.deepEqual(event.subject, { type: 'token', id: shown.id });
    assert.deepEqual(event.actor, tokenActor);
    assert.deepEqual(event.data, { before: null, after: shown });
    assert.ok(!JSON.stringify(event).includes(parseApiToken(token)!.secret), 'never the secret');
    assert.deepEqual(
      create.audit.map((e) => [e.action, e.resourceType]),
      [['create', 'token']],
    );

    const revoke = await recorded(server, () => server.admin('DELETE', `/api/v1/tokens/${shown.id}`));
    json(revoke.result, 204);
    assert.deepEqual(onlyEvent(revoke.events, 'api_token.deleted').data, { before: shown, after: null });
    assert.deepEqual(
      revoke.audit.map((e) => [e.action, e.resourceType]),
      [['delete', 'token']],
    );
  });
});

describe(`what the operator creates records its events with its rows, on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('records organization.created, user.created and api_token.created for a new organization, with no actor', async () => {
    const org = await createOrganization(server.store, server.clock, { name: 'Operated', algorithm: 'RS256', adminUsername: 'boss' });
    // Everything the new organization has recorded: its creation.
    const made = { events: (await server.store.events.list(org.organizationId, { limit: 10 })).reverse() };
    assert.deepEqual(
      made.events.map((e) => e.type),
      ['organization.created', 'user.created', 'api_token.created'],
    );
    for (const event of made.events) {
      assert.equal(event.organizationId, org.organizationId);
      assert.equal(event.actor, null, 'the operator, not a user or token of the organization');
      assert.equal(event.at, server.clock.now());
    }
    const [organization, owner, token] = made.events as [DomainEvent, DomainEvent, DomainEvent];
    const shownOrg = json(await server.admin('GET', '/api/v1/organization', undefined, org.apiToken), 200);
    assert.deepEqual(organization.subject, { type: 'organization', id: org.organizationId });
    assert.deepEqual(organization.data, { before: null, after: { id: shownOrg.id, name: 'Operated', signingAlgorithm: 'RS256', publicKey: shownOrg.publicKey } });
    const users = json(await server.admin('GET', '/api/v1/users', undefined, org.apiToken), 200);
    assert.deepEqual(owner.data, { before: null, after: users.items[0] });
    const tokens = json(await server.admin('GET', '/api/v1/tokens', undefined, org.apiToken), 200);
    // The list adds whether the token is expired now, which the record of its creation does not hold.
    const { expired: _, ...listed } = tokens.items[0];
    assert.deepEqual(token.data, { before: null, after: { ...listed, lastUsedAt: null } });
    const serialized = JSON.stringify(made.events);
    for (const secret of [org.adminPassword, parseApiToken(org.apiToken)!.secret]) assert.ok(!serialized.includes(secret));
    assert.equal((await server.store.audit.list(org.organizationId, { limit: 10, offset: 0 })).total, 0, 'the audit log records what callers of the API did');
  });

  it('records api_token.created with no actor for a token the operator makes (leasehold token create)', async () => {
    const made = await recorded(server, () => createApiToken(server.store, server.clock, server.org.organizationId, 'cli token', 'admin'));
    const event = onlyEvent(made.events, 'api_token.created');
    assert.equal(event.actor, null);
    assert.deepEqual(event.subject, { type: 'token', id: made.result.id });
    assert.deepEqual((event.data as Json).after, {
      id: made.result.id,
      name: 'cli token',
      role: 'admin',
      createdAt: new Date(server.clock.now()).toISOString(),
      lastUsedAt: null,
      expiresAt: null,
      createdBy: null,
    });
    assert.deepEqual(made.audit, []);
  });

  it('records nothing when the token cannot be made: its row and its event commit together', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await assert.rejects(createApiToken(server.store, server.clock, missing, 'orphan', 'admin'), 'no organization to hold it');
    assert.deepEqual(await server.store.events.list(missing, { limit: 10 }), []);
  });
});

describe(`refused account changes record nothing and change nothing, on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  let ownerId: string;
  before(async () => {
    server = await startTestServer();
    ownerId = (json(await server.admin('GET', '/api/v1/users'), 200).items as Json[])[0]!.id;
  });
  after(() => server.close());

  async function refused(work: () => Promise<LightMyRequestResponse>, status: number, code: string) {
    const users = json(await server.admin('GET', '/api/v1/users?limit=200'), 200);
    const tokens = json(await server.admin('GET', '/api/v1/tokens'), 200);
    const made = await recorded(server, work);
    assert.equal(made.result.statusCode, status, made.result.body);
    assert.equal(made.result.json().error.code, code);
    assert.deepEqual(made.events, [], 'no event');
    assert.deepEqual(made.audit, [], 'no audit entry');
    assert.deepEqual(json(await server.admin('GET', '/api/v1/users?limit=200'), 200), users, 'the users as they were');
    assert.deepEqual(
      json(await server.admin('GET', '/api/v1/tokens'), 200).items.map((t: Json) => t.id),
      tokens.items.map((t: Json) => t.id),
      'the tokens as they were',
    );
    return made.result.json().error as { code: string; message: string };
  }

  it('a username that is taken, in any case', async () => {
    const error = await refused(() => server.admin('POST', '/api/v1/users', { username: 'ADMIN', displayName: 'Twin', role: 'viewer', password: PASSWORD }), 409, 'CONFLICT');
    assert.equal(error.message, 'the username "ADMIN" is taken');
  });

  it('a change by a caller who is not an owner', async () => {
    const admin = (await createApiToken(server.store, server.clock, server.org.organizationId, 'catalog only', 'admin')).token;
    await refused(() => server.admin('POST', '/api/v1/users', { username: 'sneaky', displayName: 'S', role: 'owner', password: PASSWORD }, admin), 403, 'FORBIDDEN');
    await refused(() => server.admin('PATCH', `/api/v1/users/${ownerId}`, { role: 'viewer' }, admin), 403, 'FORBIDDEN');
    await refused(() => server.admin('POST', '/api/v1/tokens', { name: 'escalate', role: 'owner' }, admin), 403, 'FORBIDDEN');
  });

  it('demoting or removing the last owner', async () => {
    const demote = await refused(() => server.admin('PATCH', `/api/v1/users/${ownerId}`, { displayName: 'Demoted', role: 'admin' }), 409, 'CONFLICT');
    assert.equal(demote.message, 'the organization must keep at least one owner');
    await refused(() => server.admin('DELETE', `/api/v1/users/${ownerId}`), 409, 'CONFLICT');
  });

  it('a user or token that is not there, or is another organization’s', async () => {
    const other = await server.addOrganization('Elsewhere');
    const stranger = (json(await server.admin('GET', '/api/v1/users', undefined, other.apiToken), 200).items as Json[])[0]!.id;
    const strangerToken = tokenIdOf(other.apiToken);
    for (const id of ['no-such-user', stranger]) {
      await refused(() => server.admin('PATCH', `/api/v1/users/${id}`, { displayName: 'X' }), 404, 'NOT_FOUND');
      await refused(() => server.admin('DELETE', `/api/v1/users/${id}`), 404, 'NOT_FOUND');
      await refused(() => server.admin('POST', `/api/v1/users/${id}/password`, { password: 'a long new password' }), 404, 'NOT_FOUND');
    }
    for (const id of ['no-such-token', strangerToken]) await refused(() => server.admin('DELETE', `/api/v1/tokens/${id}`), 404, 'NOT_FOUND');
  });

  it('a wrong current password, which leaves the password as it was', async () => {
    await server.admin('POST', '/api/v1/users', { username: 'forgetful', displayName: 'F', role: 'viewer', password: PASSWORD });
    const session = await sessionOf(server, 'forgetful', PASSWORD, '10.9.0.1');
    const error = await refused(
      () => server.app.inject({ method: 'PUT', url: '/api/v1/session/password', headers: session.headers, payload: { currentPassword: 'not it at all', newPassword: 'a brand new secret' } }),
      400,
      'VALIDATION_FAILED',
    );
    assert.equal(error.message, 'body.currentPassword is not your current password');
    assert.equal((await signIn(server, 'forgetful', PASSWORD, '10.9.0.2')).statusCode, 200, 'the old password still works');
  });

  it('a failed sign-in starts no session', async () => {
    const made = await recorded(server, () => signIn(server, 'admin', 'not the password', '10.9.1.1'));
    assert.equal(made.result.statusCode, 401);
    assert.equal(made.result.json().error.code, 'INVALID_CREDENTIALS');
    assert.deepEqual(made.events, []);
  });
});

describe(`account changes made at the same moment are each recorded once, on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  let operator: string;
  before(async () => {
    // Room in the password queue for every creation of a burst.
    server = await startTestServer({ env: { LEASEHOLD_PASSWORD_HASH_QUEUE: '50' } });
    operator = (await createApiToken(server.store, server.clock, server.org.organizationId, 'operator', 'owner')).token;
  });
  after(() => server.close());

  const call = (method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => server.admin(method, url, body, operator);

  it('of three owners demoted at once, two are demoted and recorded, and an owner remains', async () => {
    const ids: string[] = [];
    for (const name of ['own-a', 'own-b']) ids.push(json(await call('POST', '/api/v1/users', { username: name, displayName: name, role: 'owner', password: PASSWORD }), 201).id);
    ids.push((json(await server.admin('GET', '/api/v1/users?limit=200', undefined, operator), 200).items as Json[]).find((u) => u.username === 'admin')!.id);
    const made = await recorded(server, () => Promise.all(ids.map((id) => call('PATCH', `/api/v1/users/${id}`, { role: 'viewer' }))));
    const statuses = made.result.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 200, 409], made.result.map((r) => r.body).join(' | '));
    const events = ofType(made.events, 'user.updated');
    assert.equal(events.length, 2);
    assert.equal(made.audit.length, 2);
    const demoted = made.result.filter((r) => r.statusCode === 200).map((r) => r.json().id as string);
    assert.deepEqual(events.map((e) => e.subject?.id).sort(), demoted.sort());
    for (const event of events) {
      const { before, after } = event.data as { before: Json; after: Json };
      assert.equal(before.role, 'owner', 'each records the owner it demoted');
      assert.equal(after.role, 'viewer');
    }
  });

  it('of eight creations of one username in different cases, one user is made and recorded', async () => {
    const names = ['twin', 'Twin', 'TWIN', 'tWin', 'twiN', 'TWin', 'twIN', 'TwIn'];
    const made = await recorded(server, () => Promise.all(names.map((username) => call('POST', '/api/v1/users', { username, displayName: 'Twin', role: 'viewer', password: PASSWORD }))));
    const statuses = made.result.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409], made.result.map((r) => r.body).join(' | '));
    const winner = made.result.find((r) => r.statusCode === 201)!.json();
    assert.deepEqual(
      made.events.map((e) => [e.type, e.subject?.id]),
      [['user.created', winner.id]],
    );
    assert.equal(made.audit.length, 1);
  });

  it('of eight revocations of one token, one revokes it and is recorded', async () => {
    const token = json(await call('POST', '/api/v1/tokens', { name: 'short-lived', role: 'viewer' }), 201);
    const made = await recorded(server, () => Promise.all(Array.from({ length: 8 }, () => call('DELETE', `/api/v1/tokens/${token.id}`))));
    const statuses = made.result.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [204, 404, 404, 404, 404, 404, 404, 404]);
    assert.deepEqual(
      made.events.map((e) => [e.type, e.subject?.id]),
      [['api_token.deleted', token.id]],
    );
    assert.equal(made.audit.length, 1);
  });

  it('of eight sign-outs of one session, one ends it and is recorded', async () => {
    const session = await sessionOf(server, 'admin', server.org.adminPassword, '10.50.0.1');
    const made = await recorded(server, () => Promise.all(Array.from({ length: 8 }, () => server.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: session.headers }))));
    for (const reply of made.result) assert.ok([204, 401].includes(reply.statusCode), reply.body);
    assert.equal(ofType(made.events, 'session.ended').length, 1);
    assert.equal((await server.app.inject({ method: 'GET', url: '/api/v1/session', headers: session.headers })).statusCode, 401, 'the session is over');
  });
});
