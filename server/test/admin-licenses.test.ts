// The admin API's licenses: grants, limits, expiry, key codes, changes and deletion as the licensing API sees them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertValidationFailed, created, leaseIdOf, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

const CROCKFORD_GROUP = '[0-9A-HJKMNP-TV-Z]{5}';
const GENERATED_KEY = new RegExp(`^${CROCKFORD_GROUP}(-${CROCKFORD_GROUP}){4}$`);

describe('admin API: licenses', () => {
  let server: TestServer;
  let customerId: string;
  let featureA: string;
  let featureB: string;
  before(async () => {
    server = await startTestServer();
    customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Licensee' })).id;
    const p1 = created(await server.admin('POST', '/api/v1/products', { name: 'suite-writer', description: 'Writer' })).id;
    const p2 = created(await server.admin('POST', '/api/v1/products', { name: 'suite-calc', description: 'Calc' })).id;
    featureA = created(await server.admin('POST', `/api/v1/products/${p1}/features`, { name: 'spellcheck' })).id;
    featureB = created(await server.admin('POST', `/api/v1/products/${p2}/features`, { name: 'charts' })).id;
  });
  after(() => server.close());

  const newLicense = async (body: Json = {}) => created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], ...body }));

  it('creates a license granting features of two products with a limit, an expiry and a comment', async () => {
    const expiry = new Date(server.clock.now() + 30 * 86400_000).toISOString();
    const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA, featureB], leaseLimit: 3, expiry, comment: 'Enterprise deal' }));
    assert.match(license.id, /^[0-9a-f-]{36}$/);
    assert.equal(license.customerId, customerId);
    assert.deepEqual([...license.featureIds].sort(), [featureA, featureB].sort());
    assert.equal(license.leaseLimit, 3);
    assert.equal(license.expiry, expiry);
    assert.equal(license.comment, 'Enterprise deal');
    assert.equal(license.leasesUsed, 0);
    assert.equal(license.keys.length, 1);
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)), license);

    const validation = (await licensingClient(server).validateKey(license.keys[0])).json();
    assert.equal(validation.isValid, true);
    assert.equal(validation.expiry, expiry);
    assert.equal(validation.leaseLimit, 3);
    assert.deepEqual(
      validation.validFor.map((p: Json) => [p.product, p.features.map((f: Json) => f.feature)]),
      [
        ['suite-calc', ['charts']],
        ['suite-writer', ['spellcheck']],
      ],
    );
  });

  it('takes an expiry with a UTC offset and answers it in UTC', async () => {
    const license = await newLicense({ expiry: '2031-03-01T10:00:00+02:00' });
    assert.equal(license.expiry, '2031-03-01T08:00:00.000Z');
    assert.equal((await licensingClient(server).validateKey(license.keys[0])).json().expiry, '2031-03-01T08:00:00.000Z');
  });

  it('defaults to no limit, no expiry and no comment', async () => {
    const license = await newLicense();
    assert.deepEqual([license.leaseLimit, license.expiry, license.comment], [null, null, null]);
  });

  it('generates a key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX in Crockford base32 when none is given, different each time', async () => {
    const a = await newLicense();
    const b = await newLicense();
    assert.match(a.keys[0], GENERATED_KEY);
    assert.match(b.keys[0], GENERATED_KEY);
    assert.notEqual(a.keys[0], b.keys[0]);
    assert.equal((await licensingClient(server).validateKey(a.keys[0])).json().isValid, true);
  });

  it('accepts custom key codes, each of which unlocks the license', async () => {
    const license = await newLicense({ keys: ['ACME-2030-GOLD', 'acme.backup_key'] });
    assert.deepEqual([...license.keys].sort(), ['ACME-2030-GOLD', 'acme.backup_key']);
    for (const key of license.keys) assert.equal((await licensingClient(server).validateKey(key)).json().isValid, true);
    assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: ['has space'] }), 'body.keys.0');
    assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: [] }), 'body.keys');
  });

  it('refuses with 409 a key code already used in the organization, on create and on change, but not in another organization', async () => {
    const first = await newLicense({ keys: ['TAKEN-CODE-1'] });
    const before = ok(await server.admin('GET', '/api/v1/licenses')).total;
    assertError(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: ['TAKEN-CODE-1'] }), 409, 'CONFLICT');
    assertError(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], keys: ['TWICE-CODE-01', 'TWICE-CODE-01'] }), 409, 'CONFLICT');
    assert.equal(ok(await server.admin('GET', '/api/v1/licenses')).total, before, 'no license was created');
    const second = await newLicense({ keys: ['FREE-CODE-002'] });
    assertError(await server.admin('PATCH', `/api/v1/licenses/${second.id}`, { keys: ['TAKEN-CODE-1'] }), 409, 'CONFLICT');
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${second.id}`)).keys, ['FREE-CODE-002'], 'the refused change left the keys as they were');
    assert.equal((await licensingClient(server).validateKey('FREE-CODE-002')).json().isValid, true);
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${first.id}`)).keys, ['TAKEN-CODE-1']);

    const orgB = await server.addOrganization('Other licensor');
    const b = await createLicense(server, { token: orgB.apiToken });
    const res = await server.admin('PATCH', `/api/v1/licenses/${b.licenseId}`, { keys: ['TAKEN-CODE-1'] }, orgB.apiToken);
    assert.deepEqual(ok(res).keys, ['TAKEN-CODE-1']);
  });

  it('refuses a lease limit of 0, a negative, a fraction or a string with 400; null means unlimited', async () => {
    const before = ok(await server.admin('GET', '/api/v1/licenses')).total;
    for (const leaseLimit of [0, -1, 1.5, '5', true]) {
      assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], leaseLimit }), 'body.leaseLimit');
    }
    assert.equal(ok(await server.admin('GET', '/api/v1/licenses')).total, before);
    const license = await newLicense({ leaseLimit: 2 });
    assertValidationFailed(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leaseLimit: 0 }), 'body.leaseLimit');
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).leaseLimit, 2);
    assert.equal(ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leaseLimit: null })).leaseLimit, null);
  });

  it('refuses an expiry that is not an ISO date-time with 400', async () => {
    for (const expiry of ['tomorrow', '2030-13-01T00:00:00Z', 1893456000, '2030-01-01']) {
      assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], expiry }), 'body.expiry');
    }
  });

  it('answers 404 for an unknown customer or feature and creates nothing', async () => {
    const before = ok(await server.admin('GET', '/api/v1/licenses')).total;
    const unknown = '00000000-0000-0000-0000-000000000000';
    assert.match(assertError(await server.admin('POST', '/api/v1/licenses', { customerId: unknown, featureIds: [featureA] }), 404, 'NOT_FOUND').message, /customer/);
    assert.match(assertError(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA, unknown] }), 404, 'NOT_FOUND').message, /feature/);
    assert.equal(ok(await server.admin('GET', '/api/v1/licenses')).total, before);
    const license = await newLicense();
    assertError(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { featureIds: [unknown] }), 404, 'NOT_FOUND');
    assertError(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { customerId: unknown }), 404, 'NOT_FOUND');
    assert.deepEqual(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).featureIds, [featureA]);
    assertError(await server.admin('GET', `/api/v1/licenses/${unknown}`), 404, 'NOT_FOUND');
    assertError(await server.admin('PATCH', `/api/v1/licenses/${unknown}`, { comment: 'x' }), 404, 'NOT_FOUND');
    assertError(await server.admin('DELETE', `/api/v1/licenses/${unknown}`), 404, 'NOT_FOUND');
  });

  it('changes the limit, the expiry and the features, and the licensing API sees the change', async () => {
    const license = await newLicense({ leaseLimit: 1, comment: 'keep me' });
    const key = license.keys[0];
    const client = licensingClient(server);
    assert.equal((await client.obtain(key)).statusCode, 200);
    assert.equal((await client.obtain(key)).json().errorCode, 'LEASE_LIMIT_REACHED');

    const expiry = new Date(server.clock.now() + 7 * 86400_000).toISOString();
    server.clock.advance(10);
    const changed = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leaseLimit: 2, expiry, featureIds: [featureB] }));
    assert.equal(changed.leaseLimit, 2);
    assert.equal(changed.expiry, expiry);
    assert.deepEqual(changed.featureIds, [featureB]);
    assert.equal(changed.comment, 'keep me', 'fields not sent stay as they were');
    assert.deepEqual(changed.keys, license.keys);
    assert.equal(changed.leasesUsed, 1);
    assert.equal(changed.updatedAt, new Date(server.clock.now()).toISOString());

    assert.equal((await client.obtain(key)).statusCode, 200, 'the raised limit gives a second seat');
    const validation = (await client.validateKey(key)).json();
    assert.equal(validation.expiry, expiry);
    assert.deepEqual(
      validation.validFor.map((p: Json) => p.product),
      ['suite-calc'],
    );

    const cleared = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { expiry: null, comment: null }));
    assert.equal(cleared.expiry, null);
    assert.equal(cleared.comment, null);

    const past = new Date(server.clock.now() - 1000).toISOString();
    ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { expiry: past }));
    assert.equal((await client.validateKey(key)).json().errorCode, 'KEY_EXPIRED');
  });

  it('replacing the keys invalidates leases obtained with a removed key and keeps those of a kept key', async () => {
    const license = await newLicense({ keys: ['OLD-KEY-CODE-1', 'KEPT-KEY-CODE-1'] });
    const client = licensingClient(server);
    const removedLease = (await client.obtain('OLD-KEY-CODE-1')).json().lease as string;
    const keptLease = (await client.obtain('KEPT-KEY-CODE-1')).json().lease as string;
    assert.equal((await client.validateLease(removedLease)).statusCode, 200);

    const changed = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { keys: ['KEPT-KEY-CODE-1', 'NEW-KEY-CODE-1'] }));
    assert.deepEqual([...changed.keys].sort(), ['KEPT-KEY-CODE-1', 'NEW-KEY-CODE-1']);
    assert.equal(changed.leasesUsed, 1, 'the revoked lease no longer holds a seat');

    const validation = await client.validateLease(removedLease);
    assert.equal(validation.statusCode, 404);
    assert.equal(validation.json().errorCode, 'LEASE_INVALID');
    const renewal = await client.renew(removedLease);
    assert.equal(renewal.statusCode, 404);
    assert.equal(renewal.json().errorCode, 'KEY_INVALID');
    assert.equal((await client.validateKey('OLD-KEY-CODE-1')).json().errorCode, 'KEY_INVALID');
    assert.equal((await client.obtain('OLD-KEY-CODE-1')).json().errorCode, 'KEY_INVALID');

    assert.equal((await client.validateLease(keptLease)).json().isValid, true);
    assert.equal((await client.renew(keptLease)).json().success, true);
    assert.equal((await client.validateKey('NEW-KEY-CODE-1')).json().isValid, true);
    const states = ok(await server.admin('GET', `/api/v1/licenses/${license.id}/leases`)).items.map((l: Json) => [l.id, l.state]);
    assert.ok(states.some(([id, state]: string[]) => id === leaseIdOf(removedLease) && state === 'revoked'));
  });

  it('deleting a license makes its leases LEASE_INVALID on validate, KEY_INVALID on renew, and its key KEY_INVALID', async () => {
    const license = await newLicense({ leaseLimit: 5 });
    const key = license.keys[0];
    const client = licensingClient(server);
    const lease = (await client.obtain(key)).json().lease as string;
    const deleted = await server.admin('DELETE', `/api/v1/licenses/${license.id}`);
    assert.equal(deleted.statusCode, 204);
    assertError(await server.admin('GET', `/api/v1/licenses/${license.id}`), 404, 'NOT_FOUND');
    assertError(await server.admin('GET', `/api/v1/licenses/${license.id}/leases`), 404, 'NOT_FOUND');

    const validation = await client.validateLease(lease);
    assert.equal(validation.statusCode, 404);
    assert.equal(validation.json().errorCode, 'LEASE_INVALID');
    const renewal = await client.renew(lease);
    assert.equal(renewal.statusCode, 404);
    assert.equal(renewal.json().errorCode, 'KEY_INVALID');
    const keyValidation = await client.validateKey(key);
    assert.equal(keyValidation.statusCode, 404);
    assert.equal(keyValidation.json().errorCode, 'KEY_INVALID');
    assert.equal((await client.obtain(key)).json().errorCode, 'KEY_INVALID');
    assertError(await server.admin('DELETE', `/api/v1/licenses/${license.id}`), 404, 'NOT_FOUND');
  });

  it('lists licenses newest first, filtered by customerId, with leasesUsed', async () => {
    const otherCustomer = created(await server.admin('POST', '/api/v1/customers', { name: 'Filtered' })).id;
    const older = created(await server.admin('POST', '/api/v1/licenses', { customerId: otherCustomer, featureIds: [featureA], leaseLimit: 4 }));
    server.clock.advance(1);
    const newer = created(await server.admin('POST', '/api/v1/licenses', { customerId: otherCustomer, featureIds: [featureB] }));
    const client = licensingClient(server);
    await client.obtain(older.keys[0]);
    await client.obtain(older.keys[0]);

    const listed = ok(await server.admin('GET', `/api/v1/licenses?customerId=${otherCustomer}`));
    assert.equal(listed.total, 2);
    assert.deepEqual(
      listed.items.map((l: Json) => l.id),
      [newer.id, older.id],
    );
    assert.deepEqual(
      listed.items.map((l: Json) => l.leasesUsed),
      [0, 2],
    );
    assert.ok(listed.items.every((l: Json) => l.customerId === otherCustomer));
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${older.id}`)).leasesUsed, 2);

    const all = ok(await server.admin('GET', '/api/v1/licenses?limit=200'));
    assert.ok(
      all.items.some((l: Json) => l.customerId === customerId),
      'without the filter other customers are listed too',
    );
    const paged = ok(await server.admin('GET', `/api/v1/licenses?customerId=${otherCustomer}&limit=1&offset=1`));
    assert.deepEqual({ ids: paged.items.map((l: Json) => l.id), total: paged.total }, { ids: [older.id], total: 2 });
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses?customerId=00000000-0000-0000-0000-000000000000`)).total, 0);
  });

  it('counts only active, unexpired leases in leasesUsed', async () => {
    const license = await newLicense({ leaseLimit: 5 });
    const client = licensingClient(server);
    const short = (await client.obtain(license.keys[0], { expiry: 60 })).json().lease;
    const released = (await client.obtain(license.keys[0], { expiry: 600 })).json().lease;
    await client.obtain(license.keys[0], { expiry: 600 });
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).leasesUsed, 3);
    await client.release(released);
    server.clock.advance(61);
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).leasesUsed, 1);
    assert.ok(short);
  });

  it('searches licenses with q by comment text (taking % and _ literally) or by a key code', async () => {
    const org = await server.addOrganization('Searching licenses');
    const a = await createLicense(server, { token: org.apiToken });
    const b = await createLicense(server, { token: org.apiToken });
    ok(await server.admin('PATCH', `/api/v1/licenses/${a.licenseId}`, { comment: 'gets 100% discount' }, org.apiToken));
    ok(await server.admin('PATCH', `/api/v1/licenses/${b.licenseId}`, { comment: 'gets 1000 seats' }, org.apiToken));
    const ids = async (q: string) => ok(await server.admin('GET', `/api/v1/licenses?q=${encodeURIComponent(q)}`, undefined, org.apiToken)).items.map((l: Json) => l.id);
    assert.deepEqual(await ids('discount'), [a.licenseId]);
    assert.deepEqual(await ids('0%'), [a.licenseId]);
    assert.deepEqual(await ids('gets 1_0'), []);
    assert.deepEqual(await ids(b.key), [b.licenseId]);
    assert.deepEqual(await ids(b.key.slice(0, 5)), [b.licenseId], 'a part of a key code matches too (test/license-search.test.ts)');
  });

  it('refuses unknown fields in license bodies with 400', async () => {
    assertValidationFailed(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureA], seats: 3 }), 'body.seats');
    const license = await newLicense();
    assertValidationFailed(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leasesUsed: 0 }), 'body.leasesUsed');
  });
});
