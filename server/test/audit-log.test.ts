import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { claimedLeaseId } from '../src/keys/lease-code.js';
import { parseApiToken } from '../src/credentials.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;

function created(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

function noContent(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 204, res.body);
}

/** The id of the token a bearer token string stands for. */
function tokenIdOf(token: string): string {
  const parsed = parseApiToken(token);
  assert.ok(parsed, 'a well-formed API token');
  return parsed.id;
}

const PASSWORD = 'correct horse battery';

describe('audit log: what is recorded', () => {
  let server: TestServer;
  let initialTokenId: string;
  before(async () => {
    server = await startTestServer();
    initialTokenId = tokenIdOf(server.org.apiToken);
  });
  after(() => server.close());

  /** The newest audit event of the organization. */
  async function latest(token = server.org.apiToken): Promise<Json> {
    const page = ok(await server.admin('GET', '/api/v1/audit?limit=1', undefined, token));
    assert.ok(page.items.length === 1, 'there is an event');
    return page.items[0];
  }

  async function total(token = server.org.apiToken): Promise<number> {
    return ok(await server.admin('GET', '/api/v1/audit?limit=1', undefined, token)).total;
  }

  /** Asserts the newest event is this change, made by the initial token, now. */
  async function assertLatest(expected: { action: string; resourceType: string; resourceId: string | null; before: unknown; after: unknown }): Promise<Json> {
    const event = await latest();
    assert.deepEqual(event.actor, { type: 'token', id: initialTokenId, name: 'initial token' });
    assert.equal(event.at, new Date(server.clock.now()).toISOString());
    assert.equal(typeof event.id, 'string');
    const { action, resourceType, resourceId, before: was, after: is } = event;
    assert.deepEqual({ action, resourceType, resourceId, before: was, after: is }, expected);
    return event;
  }

  it('records a product created, changed and deleted, with the token as actor and the product before and after', async () => {
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'audited', description: 'first' }));
    await assertLatest({ action: 'create', resourceType: 'product', resourceId: product.id, before: null, after: product });
    server.clock.advance(10);
    const changed = ok(await server.admin('PATCH', `/api/v1/products/${product.id}`, { description: 'second' }));
    await assertLatest({ action: 'update', resourceType: 'product', resourceId: product.id, before: product, after: changed });
    noContent(await server.admin('DELETE', `/api/v1/products/${product.id}`));
    await assertLatest({ action: 'delete', resourceType: 'product', resourceId: product.id, before: changed, after: null });
  });

  it('records a feature created, changed and deleted, with the feature before and after', async () => {
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'audited-features' }));
    const feature = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'export' }));
    await assertLatest({ action: 'create', resourceType: 'feature', resourceId: feature.id, before: null, after: feature });
    server.clock.advance(10);
    const changed = ok(await server.admin('PATCH', `/api/v1/features/${feature.id}`, { name: 'export2', description: 'Exports' }));
    await assertLatest({ action: 'update', resourceType: 'feature', resourceId: feature.id, before: feature, after: changed });
    noContent(await server.admin('DELETE', `/api/v1/features/${feature.id}`));
    await assertLatest({ action: 'delete', resourceType: 'feature', resourceId: feature.id, before: changed, after: null });
  });

  it('records a customer created, changed and deleted, with the customer before and after', async () => {
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'ACME', contactEmail: 'buyer@acme.test' }));
    await assertLatest({ action: 'create', resourceType: 'customer', resourceId: customer.id, before: null, after: customer });
    server.clock.advance(10);
    const changed = ok(await server.admin('PATCH', `/api/v1/customers/${customer.id}`, { name: 'ACME Inc', phone: '+1 555 0100' }));
    await assertLatest({ action: 'update', resourceType: 'customer', resourceId: customer.id, before: customer, after: changed });
    noContent(await server.admin('DELETE', `/api/v1/customers/${customer.id}`));
    await assertLatest({ action: 'delete', resourceType: 'customer', resourceId: customer.id, before: changed, after: null });
  });

  it('records a license created, changed and deleted, with the license before and after, its key codes masked', async () => {
    // The audit log outlives key codes and must not hand them to whoever reads the database.
    // The record leaves out the reply's lease counts per key (they change with every lease) and the
    // customer's name (the customer's, not the license's: renaming a customer changes no license's record).
    const masked = ({ keyLeases: _counts, customerName: _name, ...license }: Json) => ({ ...license, keys: license.keys.map((code: string) => `…${code.slice(-4)}`) });
    const license = await createLicense(server, { leaseLimit: 3 });
    const shown = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`));
    await assertLatest({ action: 'create', resourceType: 'license', resourceId: license.licenseId, before: null, after: masked(shown) });
    server.clock.advance(10);
    const changed = ok(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { leaseLimit: 5, comment: 'more seats' }));
    await assertLatest({ action: 'update', resourceType: 'license', resourceId: license.licenseId, before: masked(shown), after: masked(changed) });
    noContent(await server.admin('DELETE', `/api/v1/licenses/${license.licenseId}`));
    await assertLatest({ action: 'delete', resourceType: 'license', resourceId: license.licenseId, before: masked(changed), after: null });
  });

  it('records a lease released by hand as release of a lease, active before and released after; releasing it again records nothing', async () => {
    const license = await createLicense(server);
    const obtained = (await licensingClient(server).obtain(license.key)).json();
    assert.equal(obtained.success, true);
    const leaseId = claimedLeaseId(obtained.lease)!;
    const eventsBefore = await total();
    server.clock.advance(5);
    const released = ok(await server.admin('POST', `/api/v1/leases/${leaseId}/release`));
    assert.equal(released.state, 'released');
    assert.equal(released.leasesEnded, 1, 'a lease without a client id is a seat of its own');
    const { leasesEnded: _, ...lease } = released;
    const event = await assertLatest({ action: 'release', resourceType: 'lease', resourceId: leaseId, before: { ...lease, state: 'active', endedAt: null }, after: released });
    assert.equal(event.after.endedAt, new Date(server.clock.now()).toISOString());
    assert.equal(await total(), eventsBefore + 1);
    ok(await server.admin('POST', `/api/v1/leases/${leaseId}/release`));
    assert.equal(await total(), eventsBefore + 1, 'nothing changed, nothing recorded');
  });

  it('records renaming the organization (resource organization) and rotating its signing key (action rotate)', async () => {
    const org = ok(await server.admin('GET', '/api/v1/organization'));
    const renamed = ok(await server.admin('PATCH', '/api/v1/organization', { name: 'Renamed Org' }));
    await assertLatest({ action: 'update', resourceType: 'organization', resourceId: org.id, before: org, after: renamed });

    const rotated = ok(await server.admin('POST', '/api/v1/organization/signing-keys/rotate'));
    assert.notEqual(rotated.publicKey, renamed.publicKey);
    const event = await latest();
    assert.equal(event.action, 'rotate');
    assert.equal(event.resourceId, org.id);
    assert.deepEqual(event.before, renamed);
    assert.deepEqual(event.after, rotated);
    assert.deepEqual(event.actor, { type: 'token', id: initialTokenId, name: 'initial token' });
  });

  it('records users created, changed, deleted and their password reset, without the password', async () => {
    const user = created(await server.admin('POST', '/api/v1/users', { username: 'audrey', displayName: 'Audrey', role: 'viewer', password: PASSWORD }));
    await assertLatest({ action: 'create', resourceType: 'user', resourceId: user.id, before: null, after: user });
    const changed = ok(await server.admin('PATCH', `/api/v1/users/${user.id}`, { role: 'admin', email: 'audrey@example.test' }));
    await assertLatest({ action: 'update', resourceType: 'user', resourceId: user.id, before: user, after: changed });
    noContent(await server.admin('POST', `/api/v1/users/${user.id}/password`, { password: 'a reset password' }));
    await assertLatest({ action: 'reset_password', resourceType: 'user', resourceId: user.id, before: null, after: null });
    noContent(await server.admin('DELETE', `/api/v1/users/${user.id}`));
    await assertLatest({ action: 'delete', resourceType: 'user', resourceId: user.id, before: changed, after: null });
  });

  it('records API tokens created and revoked, without the token', async () => {
    const { token, expired: _, ...shown } = created(await server.admin('POST', '/api/v1/tokens', { name: 'ci', role: 'admin' }));
    assert.ok(token);
    await assertLatest({ action: 'create', resourceType: 'token', resourceId: shown.id, before: null, after: shown });
    noContent(await server.admin('DELETE', `/api/v1/tokens/${shown.id}`));
    await assertLatest({ action: 'delete', resourceType: 'token', resourceId: shown.id, before: shown, after: null });
  });

  it('names the token that made a change as the actor, not the organization’s first token', async () => {
    const deploy = await createApiToken(server.store, server.clock, server.org.organizationId, 'deploy script', 'admin');
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'by-deploy' }, deploy.token));
    const event = await latest();
    assert.equal(event.resourceId, product.id);
    assert.deepEqual(event.actor, { type: 'token', id: deploy.id, name: 'deploy script' });
  });

  it('never holds a password, password hash, API token or token secret hash', async () => {
    const secrets: string[] = [server.org.adminPassword, server.org.apiToken, (await server.store.tokens.get(initialTokenId))!.secretHash];
    const owner = await server.store.users.findByUsername(server.org.adminUsername);
    secrets.push(owner!.passwordHash);

    const user = created(await server.admin('POST', '/api/v1/users', { username: 'sam', displayName: 'Sam', role: 'owner', password: 'the first secret' }));
    secrets.push('the first secret', (await server.store.users.findByUsername('sam'))!.passwordHash);
    noContent(await server.admin('POST', `/api/v1/users/${user.id}/password`, { password: 'the second secret' }));
    secrets.push('the second secret', (await server.store.users.findByUsername('sam'))!.passwordHash);
    ok(await server.admin('PATCH', `/api/v1/users/${user.id}`, { displayName: 'Samuel' }));
    noContent(await server.admin('DELETE', `/api/v1/users/${user.id}`));

    const made = created(await server.admin('POST', '/api/v1/tokens', { name: 'short-lived', role: 'viewer' }));
    const record = (await server.store.tokens.get(made.id))!;
    // The secret is all after the id; it may itself hold '_' (base64url), so it is not split on '_'.
    secrets.push(made.token, /^lh_[0-9a-f]{32}_(.+)$/.exec(made.token)![1]!, record.secretHash);
    noContent(await server.admin('DELETE', `/api/v1/tokens/${made.id}`));

    const log = ok(await server.admin('GET', '/api/v1/audit?limit=200'));
    assert.ok(log.total <= 200, 'the whole log is on this page');
    assert.ok(log.items.some((e: Json) => e.resourceType === 'user') && log.items.some((e: Json) => e.resourceType === 'token'));
    const text = JSON.stringify(log);
    for (const secret of secrets) assert.ok(!text.includes(secret), `the log holds a secret: ${secret.slice(0, 12)}…`);
    assert.ok(!/"password(Hash)?"|"secretHash"|\$argon2/i.test(text), 'no secret-bearing field is in the log');
  });

  it('records nothing for a refused change: conflict, invalid body, missing resource, viewer or too low a role', async () => {
    const viewer = await createApiToken(server.store, server.clock, server.org.organizationId, 'reader', 'viewer');
    const admin = await createApiToken(server.store, server.clock, server.org.organizationId, 'catalog admin', 'admin');
    created(await server.admin('POST', '/api/v1/products', { name: 'taken' }));
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'Holder' }));
    const license = await createLicense(server);
    ok(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { customerId: customer.id }));
    const count = await total();

    const refusals: [LightMyRequestResponse, number][] = [
      [await server.admin('POST', '/api/v1/products', { name: 'taken' }), 409],
      [await server.admin('DELETE', `/api/v1/customers/${customer.id}`), 409],
      [await server.admin('POST', '/api/v1/products', { name: 'bad name' }), 400],
      [await server.admin('POST', '/api/v1/customers', { name: 'X', colour: 'red' }), 400],
      [await server.admin('POST', '/api/v1/users', { username: 'x', displayName: 'X', role: 'viewer', password: 'short' }), 400],
      [await server.admin('POST', '/api/v1/tokens', { name: 'x', role: 'god' }), 400],
      [await server.admin('PATCH', '/api/v1/products/no-such-product', { description: 'x' }), 404],
      [await server.admin('POST', '/api/v1/products', { name: 'viewer-made' }, viewer.token), 403],
      [await server.admin('PATCH', '/api/v1/organization', { name: 'viewer-renamed' }, viewer.token), 403],
      [await server.admin('DELETE', `/api/v1/licenses/${license.licenseId}`, undefined, viewer.token), 403],
      [await server.admin('POST', '/api/v1/users', { username: 'eve', displayName: 'Eve', role: 'owner', password: PASSWORD }, admin.token), 403],
      [await server.admin('POST', '/api/v1/tokens', { name: 'escalate', role: 'owner' }, admin.token), 403],
      [await server.admin('DELETE', `/api/v1/tokens/${viewer.id}`, undefined, admin.token), 403],
    ];
    for (const [res, status] of refusals) assert.equal(res.statusCode, status, res.body);
    assert.equal(await total(), count, 'no refused change is in the log');
  });

  it('records nothing for reads', async () => {
    const license = await createLicense(server);
    const count = await total();
    for (const url of [
      '/api/v1/products',
      `/api/v1/products/${license.productId}`,
      `/api/v1/products/${license.productId}/features`,
      '/api/v1/features',
      '/api/v1/customers',
      `/api/v1/customers/${license.customerId}`,
      '/api/v1/licenses',
      `/api/v1/licenses/${license.licenseId}`,
      `/api/v1/licenses/${license.licenseId}/leases`,
      `/api/v1/licenses/${license.licenseId}/usage`,
      '/api/v1/organization',
      '/api/v1/users',
      '/api/v1/tokens',
      '/api/v1/audit',
      '/api/v1/dashboard',
      '/api/v1/usage',
    ]) {
      ok(await server.admin('GET', url));
    }
    assert.equal(await total(), count);
  });
});

describe('audit log: listing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const list = async (query: string, token: string) => ok(await server.admin('GET', `/api/v1/audit${query}`, undefined, token));
  const ids = (page: Json) => page.items.map((e: Json) => e.resourceId);

  it('lists events newest first, in pages with limit, offset and the total; events of the same millisecond keep their order', async () => {
    const org = await server.addOrganization('Paging audit');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(created(await server.admin('POST', '/api/v1/products', { name: `p${i}` }, org.apiToken)).id);
      if (i % 2 === 0) server.clock.advance(1);
    }
    const newestFirst = [...made].reverse();
    const all = await list('', org.apiToken);
    assert.equal(all.total, 5);
    assert.deepEqual(ids(all), newestFirst);
    assert.equal(all.limit, 50);
    assert.equal(all.offset, 0);
    const first = await list('?limit=2', org.apiToken);
    assert.deepEqual({ ids: ids(first), total: first.total, limit: first.limit, offset: first.offset }, { ids: newestFirst.slice(0, 2), total: 5, limit: 2, offset: 0 });
    assert.deepEqual(ids(await list('?limit=2&offset=2', org.apiToken)), newestFirst.slice(2, 4));
    const last = await list('?limit=2&offset=4', org.apiToken);
    assert.deepEqual(ids(last), newestFirst.slice(4));
    assert.equal(last.total, 5);
    assert.deepEqual(ids(await list('?offset=5', org.apiToken)), []);
  });

  it('filters by resource type, action, resource id and actor (token name or id)', async () => {
    const org = await server.addOrganization('Filtering audit');
    const tools = await createApiToken(server.store, server.clock, org.organizationId, 'tools', 'admin');
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'filtered' }, org.apiToken));
    ok(await server.admin('PATCH', `/api/v1/products/${product.id}`, { description: 'changed' }, tools.token));
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'Filtered customer' }, tools.token));
    noContent(await server.admin('DELETE', `/api/v1/customers/${customer.id}`, undefined, org.apiToken));

    const byType = await list('?resourceType=product', org.apiToken);
    assert.deepEqual(
      byType.items.map((e: Json) => e.action),
      ['update', 'create'],
    );
    assert.equal(byType.total, 2);
    const creations = await list('?action=create', org.apiToken);
    assert.deepEqual(ids(creations), [customer.id, product.id]);
    assert.deepEqual(ids(await list(`?resourceId=${customer.id}`, org.apiToken)), [customer.id, customer.id]);
    const byTools = await list(`?actor=${encodeURIComponent('tools')}`, org.apiToken);
    assert.deepEqual(
      byTools.items.map((e: Json) => `${e.action} ${e.resourceType}`),
      ['create customer', 'update product'],
    );
    assert.ok(byTools.items.every((e: Json) => e.actor.name === 'tools' && e.actor.id === tools.id));
    assert.deepEqual(ids(await list(`?actor=${tools.id}`, org.apiToken)), ids(byTools));
    const byInitial = await list(`?actor=${encodeURIComponent('initial token')}`, org.apiToken);
    assert.deepEqual(
      byInitial.items.map((e: Json) => `${e.action} ${e.resourceType}`),
      ['delete customer', 'create product'],
    );
    const combined = await list(`?resourceType=customer&action=delete&actor=${encodeURIComponent('initial token')}`, org.apiToken);
    assert.deepEqual({ ids: ids(combined), total: combined.total }, { ids: [customer.id], total: 1 });
    assert.equal((await list('?actor=nobody', org.apiToken)).total, 0);
    assert.equal((await list('?resourceType=license', org.apiToken)).total, 0);
  });

  it('filters by time: since is inclusive, until exclusive', async () => {
    const org = await server.addOrganization('Timed audit');
    const times: string[] = [];
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      times.push(new Date(server.clock.now()).toISOString());
      made.push(created(await server.admin('POST', '/api/v1/customers', { name: `c${i}` }, org.apiToken)).id);
      server.clock.advance(60);
    }
    const q = (s: string) => encodeURIComponent(s);
    assert.deepEqual(ids(await list(`?since=${q(times[1]!)}`, org.apiToken)), [made[2], made[1]]);
    assert.deepEqual(ids(await list(`?until=${q(times[1]!)}`, org.apiToken)), [made[0]]);
    const between = await list(`?since=${q(times[0]!)}&until=${q(times[2]!)}`, org.apiToken);
    assert.deepEqual({ ids: ids(between), total: between.total }, { ids: [made[1], made[0]], total: 2 });
    const later = new Date(server.clock.now() + 3600_000).toISOString();
    assert.equal((await list(`?since=${q(later)}`, org.apiToken)).total, 0);
    // Another offset than UTC names the same instant.
    const plusTwo = new Date(Date.parse(times[1]!) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    assert.deepEqual(ids(await list(`?since=${q(plusTwo)}`, org.apiToken)), [made[2], made[1]]);
  });

  it("shows an organization none of another organization's events, whatever the filter", async () => {
    const mine = await server.addOrganization('Mine');
    const theirs = await server.addOrganization('Theirs');
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'private' }, mine.apiToken));
    ok(await server.admin('PATCH', '/api/v1/organization', { name: 'Mine renamed' }, mine.apiToken));
    assert.equal((await list('', mine.apiToken)).total, 2);
    assert.equal((await list('', theirs.apiToken)).total, 0);
    assert.equal((await list(`?resourceId=${product.id}`, theirs.apiToken)).total, 0);
    assert.equal((await list(`?resourceId=${mine.organizationId}`, theirs.apiToken)).total, 0);
    assert.equal((await list(`?actor=${tokenIdOf(mine.apiToken)}`, theirs.apiToken)).total, 0);
    assert.equal((await list('?resourceType=organization', theirs.apiToken)).total, 0);
  });

  it('refuses bad filters with 400 VALIDATION_FAILED', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=x', 'offset=-1', 'since=yesterday', 'until=2030-13-45T00:00:00Z', 'since=12345', 'actor=a&actor=b', `resourceType=${'x'.repeat(201)}`]) {
      const res = await server.admin('GET', `/api/v1/audit?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.equal(res.json().error.code, 'VALIDATION_FAILED', query);
    }
  });

  it('answers 401 without a valid token', async () => {
    assert.equal((await server.app.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode, 401);
    assert.equal((await server.admin('GET', '/api/v1/audit', undefined, 'lh_0123456789abcdef0123456789abcdef_' + 'a'.repeat(43))).statusCode, 401);
  });
});
