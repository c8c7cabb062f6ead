// What the admin API tells a person who sent something wrong: a sentence per field, never a
// schema's wording, and for a refusal caused by licenses, which licenses (to link to them).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertValidationFailed, created, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

const PASSWORD = 'correct horse battery';

/** The message the reply gives for `field`. */
function messageOf(error: Json, field: string): string {
  const detail = (error.details as Json[]).find((d) => d.field === field);
  assert.ok(detail, `details name ${field}: ${JSON.stringify(error.details)}`);
  return detail.message as string;
}

/** No wording of the validator: patterns, formats, schemas, `>=`. */
function assertPlain(error: Json) {
  for (const text of [error.message, ...(error.details as Json[]).map((d) => d.message)]) {
    assert.doesNotMatch(String(text), /pattern|format|schema|anyOf|\^|\$|>=|<=|must be null|must NOT/, `plain: ${String(text)}`);
  }
}

describe('admin API: validation messages in plain words', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('says which characters a username may have', async () => {
    const error = assertValidationFailed(await server.admin('POST', '/api/v1/users', { username: 'bad name!', displayName: 'Bad', role: 'viewer', password: PASSWORD }), 'body.username');
    assert.equal(messageOf(error, 'body.username'), 'may contain only letters, digits and _ . @ -');
    assertPlain(error);
  });

  it('says an address without a domain such as a@b is not an email address, and takes a@b.example', async () => {
    const error = assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Mail', contactEmail: 'a@b' }), 'body.contactEmail');
    assert.equal(messageOf(error, 'body.contactEmail'), 'is not an email address (such as name@example.com)');
    assert.deepEqual(error.details, [{ field: 'body.contactEmail', message: 'is not an email address (such as name@example.com)' }], 'only the reason, not the union it failed');
    assertPlain(error);
    created(await server.admin('POST', '/api/v1/customers', { name: 'Mail', contactEmail: 'a@b.example' }));
  });

  it('says what a phone number may contain', async () => {
    const error = assertValidationFailed(await server.admin('POST', '/api/v1/customers', { name: 'Phone', phone: 'call me' }), 'body.phone');
    assert.equal(messageOf(error, 'body.phone'), 'is not a phone number: use digits, spaces and + ( ) . / -');
    assertPlain(error);
  });

  it('says product names take letters, digits and _ . -, and that a name must not be empty', async () => {
    const bad = assertValidationFailed(await server.admin('POST', '/api/v1/products', { name: 'two words' }), 'body.name');
    assert.equal(messageOf(bad, 'body.name'), 'may contain only letters, digits and _ . -');
    const empty = assertValidationFailed(await server.admin('POST', '/api/v1/products', { name: '' }), 'body.name');
    assert.equal(messageOf(empty, 'body.name'), 'must not be empty');
    assertPlain(bad);
    assertPlain(empty);
  });

  it('says a lease limit must be a whole number from 1 to 1000000000, and an expiry a date and time', async () => {
    const license = await createLicense(server);
    const cases: [unknown, string][] = [
      [-5, 'must be at least 1'],
      [0, 'must be at least 1'],
      [2.5, 'must be a whole number'],
      [99999999999999, 'must be at most 1000000000'],
      ['ten', 'must be a whole number'],
    ];
    for (const [leaseLimit, message] of cases) {
      const error = assertValidationFailed(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { leaseLimit }), 'body.leaseLimit');
      assert.deepEqual(error.details, [{ field: 'body.leaseLimit', message }], `leaseLimit ${String(leaseLimit)}`);
      assert.equal(error.message, `body.leaseLimit ${message}`);
    }
    const date = assertValidationFailed(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { expiry: '2027-06-31' }), 'body.expiry');
    assert.equal(messageOf(date, 'body.expiry'), 'is not a date and time (such as 2027-06-30T23:59:59Z)');
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`)).leaseLimit, null, 'nothing changed');
  });

  it('says which key code has characters that are not allowed', async () => {
    const license = await createLicense(server);
    const error = assertValidationFailed(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { keys: [license.key, '-STARTS-WITH-DASH'] }), 'body.keys.1');
    assert.equal(messageOf(error, 'body.keys.1'), 'may contain only letters, digits and _ . -, and must start with a letter or digit');
  });
});

describe('admin API: refusals because of licenses name the licenses', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('a product whose features licenses grant: how many, and the filter that lists them', async () => {
    const first = await createLicense(server, { features: ['render', 'export'] });
    const product = first.productId;
    // A second license granting a feature of the same product.
    created(await server.admin('POST', '/api/v1/licenses', { customerId: first.customerId, featureIds: [first.featureIds[1]!] }));
    const error = assertError(await server.admin('DELETE', `/api/v1/products/${product}`), 409, 'CONFLICT');
    assert.equal(error.message, '2 licenses grant features of this product; remove them from those licenses first');
    assert.deepEqual(error.related, { licenses: 2, filter: { productId: product } });
    const listed = ok(await server.admin('GET', `/api/v1/licenses?productId=${product}`));
    assert.equal(listed.total, 2, 'the filter lists exactly those licenses');
  });

  it('a feature granted by licenses: the featureId filter lists them, and no other license', async () => {
    const license = await createLicense(server, { features: ['granted', 'other'] });
    const other = await createLicense(server);
    const error = assertError(await server.admin('DELETE', `/api/v1/features/${license.featureIds[0]}`), 409, 'CONFLICT');
    assert.equal(error.message, '1 license grants this feature; remove it from those licenses first');
    assert.deepEqual(error.related, { licenses: 1, filter: { featureId: license.featureIds[0] } });
    const listed = ok(await server.admin('GET', `/api/v1/licenses?featureId=${license.featureIds[0]}`));
    assert.deepEqual(
      listed.items.map((l: Json) => l.id),
      [license.licenseId],
    );
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses?featureId=${other.featureIds[0]}`)).items[0].id, other.licenseId);
  });

  it('a customer with licenses: the customerId filter', async () => {
    const license = await createLicense(server);
    const error = assertError(await server.admin('DELETE', `/api/v1/customers/${license.customerId}`), 409, 'CONFLICT');
    assert.equal(error.message, 'the customer has 1 license; delete or move them first');
    assert.deepEqual(error.related, { licenses: 1, filter: { customerId: license.customerId } });
  });

  it('another organization sees neither the licenses nor their count', async () => {
    const license = await createLicense(server, { features: ['mine'] });
    const other = await server.addOrganization('Other Org');
    const res = await server.admin('DELETE', `/api/v1/features/${license.featureIds[0]}`, undefined, other.apiToken);
    const error = assertError(res, 404, 'NOT_FOUND');
    assert.equal(error.related, undefined);
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses?featureId=${license.featureIds[0]}`, undefined, other.apiToken)).total, 0);
  });
});

describe('admin API: active leases per key code', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('counts the active, unexpired leases of each key, by key, in the order of keys', async () => {
    const license = await createLicense(server);
    const second = 'SECOND-KEY-CODE-0002';
    ok(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { keys: [license.key, second] }));
    const licensing = licensingClient(server);
    for (const clientId of ['a', 'b']) assert.equal((await licensing.obtain(license.key, { clientId, expiry: 600 })).statusCode, 200);
    const released = (await licensing.obtain(second, { clientId: 'c', expiry: 600 })).json().lease as string;
    assert.equal((await licensing.obtain(second, { clientId: 'd', expiry: 60 })).statusCode, 200);
    assert.equal((await licensing.release(released)).statusCode, 200);

    const read = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`));
    const expected: Record<string, number> = { [license.key]: 2, [second]: 1 };
    assert.deepEqual(
      read.keyLeases,
      read.keys.map((key: string) => ({ key, activeLeases: expected[key] })),
    );
    server.clock.advance(120);
    const later = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}`));
    assert.deepEqual(
      later.keyLeases.map((k: Json) => k.activeLeases),
      read.keys.map((key: string) => (key === second ? 0 : 2)),
      'an expired lease is not counted',
    );
    const listed = ok(await server.admin('GET', `/api/v1/licenses?customerId=${license.customerId}`));
    assert.deepEqual(listed.items[0].keyLeases, later.keyLeases, 'lists carry the same counts');
  });

  it('keeps the counts out of the audit log, where key codes are masked', async () => {
    const license = await createLicense(server);
    assert.equal((await licensingClient(server).obtain(license.key, { clientId: 'x', expiry: 600 })).statusCode, 200);
    ok(await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { comment: 'changed' }));
    const audit = ok(await server.admin('GET', `/api/v1/audit?resourceId=${license.licenseId}`));
    const text = JSON.stringify(audit);
    assert.ok(audit.items.length > 0);
    assert.doesNotMatch(text, /keyLeases/);
    assert.ok(!text.includes(license.key), 'no plain key code');
  });
});
