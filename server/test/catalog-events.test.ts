import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import type { DomainEvent } from '../src/store/index.js';
import { licensingClient, startTestServer, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';

type Json = Record<string, any>;

function created(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** The catalog's event types: lease events, which the licensing API may write, are not these. */
const CATALOG = /^(product|feature|customer|license|license_key)\./;

describe(`catalog changes as events on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const organizationId = () => server.org.organizationId;

  /** Where the record stands now: the newest event's id and the audit log's length. */
  async function mark(): Promise<{ event: number; audit: number }> {
    const [newest] = await server.store.events.list(organizationId(), { limit: 1 });
    const audit = await server.store.audit.list(organizationId(), { limit: 1, offset: 0 });
    return { event: newest?.cursor.id ?? 0, audit: audit.total };
  }

  /** The events written since `from`, oldest first. */
  async function eventsSince(from: { event: number }, pattern = CATALOG): Promise<DomainEvent[]> {
    const events = await server.store.events.list(organizationId(), { limit: 500 });
    return events.filter((e) => e.cursor.id > from.event && pattern.test(e.type)).reverse();
  }

  /** The audit entries written since `from`, oldest first. */
  async function auditSince(from: { audit: number }) {
    const page = await server.store.audit.list(organizationId(), { limit: 500, offset: 0 });
    return page.items.slice(0, page.total - from.audit).reverse();
  }

  /** Asserts that the change since `from` wrote one audit entry and the events of `types`, returning both. */
  async function oneChange(from: { event: number; audit: number }, types: string[]) {
    const audit = await auditSince(from);
    assert.equal(audit.length, 1, `one audit entry: ${JSON.stringify(audit)}`);
    const events = await eventsSince(from);
    assert.deepEqual(
      events.map((e) => e.type),
      types,
    );
    for (const event of events) {
      assert.equal(event.at, server.clock.now());
      assert.deepEqual(event.actor, audit[0]!.actor, 'the event names the actor the audit entry names');
    }
    return { entry: audit[0]!, events };
  }

  it('records a product created, changed and deleted: one audit entry and one event each, before and after as the audit log has them', async () => {
    let from = await mark();
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'evented', description: 'first' }));
    let { entry, events } = await oneChange(from, ['product.created']);
    assert.deepEqual(events[0]!.subject, { type: 'product', id: product.id });
    assert.deepEqual(events[0]!.data, { before: null, after: product });
    assert.deepEqual(entry.after, product);
    assert.equal(events[0]!.actor?.type, 'token');

    server.clock.advance(5);
    from = await mark();
    const changed = ok(await server.admin('PATCH', `/api/v1/products/${product.id}`, { description: 'second' }));
    ({ events } = await oneChange(from, ['product.updated']));
    assert.deepEqual(events[0]!.data, { before: product, after: changed });

    const features = [
      created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'a' })),
      created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'b' })),
    ];
    server.clock.advance(5);
    from = await mark();
    assert.equal((await server.admin('DELETE', `/api/v1/products/${product.id}`)).statusCode, 204);
    ({ entry, events } = await oneChange(from, ['product.deleted']));
    assert.deepEqual(entry.before, changed);
    const data = events[0]!.data as { before: unknown; after: unknown; features: Json[] };
    assert.deepEqual({ before: data.before, after: data.after }, { before: changed, after: null });
    assert.deepEqual(
      [...data.features].sort((x, y) => x.name.localeCompare(y.name)),
      features,
      'the features deleted with the product',
    );
  });

  it('records a feature created, changed and deleted, with the feature before and after', async () => {
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'evented-features' }));
    let from = await mark();
    const feature = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'export' }));
    let { events } = await oneChange(from, ['feature.created']);
    assert.deepEqual(events[0]!.subject, { type: 'feature', id: feature.id });
    assert.deepEqual(events[0]!.data, { before: null, after: feature });

    server.clock.advance(5);
    from = await mark();
    const changed = ok(await server.admin('PATCH', `/api/v1/features/${feature.id}`, { name: 'export2' }));
    ({ events } = await oneChange(from, ['feature.updated']));
    assert.deepEqual(events[0]!.data, { before: feature, after: changed });

    from = await mark();
    assert.equal((await server.admin('DELETE', `/api/v1/features/${feature.id}`)).statusCode, 204);
    ({ events } = await oneChange(from, ['feature.deleted']));
    assert.deepEqual(events[0]!.data, { before: changed, after: null });
  });

  it('records a customer created, changed and deleted, with the customer before and after', async () => {
    let from = await mark();
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'Evented', contactEmail: 'buyer@evented.test' }));
    let { events } = await oneChange(from, ['customer.created']);
    assert.deepEqual(events[0]!.subject, { type: 'customer', id: customer.id });
    assert.deepEqual(events[0]!.data, { before: null, after: customer });

    server.clock.advance(5);
    from = await mark();
    const changed = ok(await server.admin('PATCH', `/api/v1/customers/${customer.id}`, { phone: '+1 555 0100', contactEmail: null }));
    ({ events } = await oneChange(from, ['customer.updated']));
    assert.deepEqual(events[0]!.data, { before: customer, after: changed });

    from = await mark();
    assert.equal((await server.admin('DELETE', `/api/v1/customers/${customer.id}`)).statusCode, 204);
    ({ events } = await oneChange(from, ['customer.deleted']));
    assert.deepEqual(events[0]!.data, { before: changed, after: null });
  });

  describe('licenses', () => {
    let customerId: string;
    let featureId: string;
    before(async () => {
      const product = created(await server.admin('POST', '/api/v1/products', { name: 'evented-licenses' }));
      featureId = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'core' })).id;
      customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Licensee' })).id;
    });

    // Masked as the audit log masks codes: the last four characters of a code of 16 or more, else nothing.
    // The reply's lease counts per key (they change with every lease) and its customer's name (the
    // customer's, not the license's) are not part of the record.
    const masked = ({ keyLeases: _counts, customerName: _name, ...license }: Json) => ({ ...license, keys: license.keys.map((code: string) => (code.length >= 16 ? `…${code.slice(-4)}` : '…')) });

    it('records a license created and changed with its key codes masked; a change of other fields records no key event', async () => {
      let from = await mark();
      const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], keys: ['CREATED-KEY-CODE-0001', 'TWELVE-CHAR1'] }));
      let { entry, events } = await oneChange(from, ['license.created']);
      assert.deepEqual(events[0]!.subject, { type: 'license', id: license.id });
      assert.deepEqual(events[0]!.data, { before: null, after: masked(license) });
      assert.deepEqual(masked(license).keys.sort(), ['…', '…0001']);
      assert.deepEqual(entry.after, masked(license));

      server.clock.advance(5);
      from = await mark();
      const changed = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { leaseLimit: 4, comment: 'more seats' }));
      ({ events } = await oneChange(from, ['license.updated']));
      assert.deepEqual(events[0]!.data, { before: masked(license), after: masked(changed) });
    });

    it('records the key codes a change adds and removes beside license.updated, with the active leases each removal revoked', async () => {
      const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], keys: ['REMOVED-KEY-CODE-0001', 'RELEASED-KEY-CODE-0002', 'KEPT-KEY-CODE-0003'] }));
      const client = licensingClient(server);
      // Two active leases on the first code, one with a client id; on the second, one released and one active.
      for (const extra of [{}, { clientId: 'host-1' }]) assert.equal((await client.obtain('REMOVED-KEY-CODE-0001', extra)).json().success, true);
      const released = (await client.obtain('RELEASED-KEY-CODE-0002')).json().lease as string;
      assert.equal((await client.release(released)).json().success, true);
      assert.equal((await client.obtain('RELEASED-KEY-CODE-0002')).json().success, true);
      const kept = (await client.obtain('KEPT-KEY-CODE-0003')).json().lease as string;
      const before = ok(await server.admin('GET', `/api/v1/licenses/${license.id}`));
      assert.equal(before.leasesUsed, 4);

      server.clock.advance(5);
      const from = await mark();
      const changed = ok(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { keys: ['KEPT-KEY-CODE-0003', 'ADDED-KEY-CODE-0004', 'ADDED-KEY-05'] }));
      const { entry, events } = await oneChange(from, ['license.updated', 'license_key.removed', 'license_key.removed', 'license_key.added', 'license_key.added']);
      assert.deepEqual(entry.before, masked(before));
      assert.deepEqual(entry.after, masked(changed));
      assert.equal(changed.leasesUsed, 1, 'only the kept code still holds a seat');
      assert.deepEqual(events[0]!.data, { before: masked(before), after: masked(changed) });
      const keyData = events.slice(1).map((e) => {
        assert.equal(e.subject?.type, 'license_key');
        assert.equal(typeof e.subject?.id, 'string');
        return e.data as Json;
      });
      const byCode = (a: Json, b: Json) => `${a.code}`.localeCompare(`${b.code}`);
      assert.deepEqual(keyData.slice(0, 2).sort(byCode), [
        { licenseId: license.id, code: '…0001', revokedLeases: 2 },
        { licenseId: license.id, code: '…0002', revokedLeases: 1 },
      ]);
      assert.deepEqual(keyData.slice(2).sort(byCode), [
        { licenseId: license.id, code: '…' },
        { licenseId: license.id, code: '…0004' },
      ]);
      assert.equal((await client.validateLease(kept)).json().isValid, true, 'a kept code keeps its leases');

      const all = JSON.stringify(await server.store.events.list(organizationId(), { limit: 500 }));
      for (const code of ['REMOVED-KEY-CODE-0001', 'RELEASED-KEY-CODE-0002', 'KEPT-KEY-CODE-0003', 'ADDED-KEY-CODE-0004', 'ADDED-KEY-05']) {
        assert.ok(!all.includes(code), `no event holds the key code ${code}`);
      }
    });

    it('records a license deleted with how many of its leases were active, not counting ended or expired ones', async () => {
      const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], keys: ['DELETED-KEY-CODE-0001'] }));
      const client = licensingClient(server);
      const expiring = await client.obtain('DELETED-KEY-CODE-0001', { expiry: 60 });
      assert.equal(expiring.json().success, true, expiring.body);
      server.clock.advance(3600);
      for (let i = 0; i < 3; i++) assert.equal((await client.obtain('DELETED-KEY-CODE-0001', { clientId: `host-${i}` })).json().success, true);
      const released = (await client.obtain('DELETED-KEY-CODE-0001')).json().lease as string;
      assert.equal((await client.release(released)).json().success, true);
      const before = ok(await server.admin('GET', `/api/v1/licenses/${license.id}`));

      const from = await mark();
      assert.equal((await server.admin('DELETE', `/api/v1/licenses/${license.id}`)).statusCode, 204);
      const { entry, events } = await oneChange(from, ['license.deleted']);
      assert.deepEqual(entry.before, masked(before));
      assert.deepEqual(events[0]!.subject, { type: 'license', id: license.id });
      assert.deepEqual(events[0]!.data, { before: masked(before), after: null, revokedLeases: 3 });
    });
  });

  it('records nothing of a refused change, and the change leaves everything as it was', async () => {
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'refusals' }));
    created(await server.admin('POST', '/api/v1/products', { name: 'refusals-taken' }));
    const feature = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'granted' }));
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'Refused' }));
    const base = { customerId: customer.id, featureIds: [feature.id] };
    const license = created(await server.admin('POST', '/api/v1/licenses', { ...base, keys: ['REFUSED-KEY-CODE-0001'] }));
    created(await server.admin('POST', '/api/v1/licenses', { ...base, keys: ['OTHER-LICENSE-CODE-1'] }));
    const client = licensingClient(server);
    const lease = (await client.obtain('REFUSED-KEY-CODE-0001')).json().lease as string;
    const unknown = '00000000-0000-0000-0000-000000000000';
    const snapshot = async () => ({
      product: ok(await server.admin('GET', `/api/v1/products/${product.id}`)),
      features: ok(await server.admin('GET', `/api/v1/products/${product.id}/features`)),
      customer: ok(await server.admin('GET', `/api/v1/customers/${customer.id}`)),
      licenses: ok(await server.admin('GET', '/api/v1/licenses')),
    });
    const was = await snapshot();
    const from = await mark();

    const error = (res: LightMyRequestResponse, status: number) => {
      assert.equal(res.statusCode, status, res.body);
      return res.json().error as { code: string; message: string; details?: unknown };
    };
    error(await server.admin('POST', '/api/v1/products', { name: 'refusals-taken' }), 409);
    error(await server.admin('PATCH', `/api/v1/products/${product.id}`, { name: 'refusals-taken', description: 'lost' }), 409);
    error(await server.admin('PATCH', `/api/v1/products/${unknown}`, { description: 'x' }), 404);
    error(await server.admin('DELETE', `/api/v1/products/${product.id}`), 409);
    error(await server.admin('POST', `/api/v1/products/${unknown}/features`, { name: 'orphan' }), 404);
    error(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'granted' }), 409);
    error(await server.admin('PATCH', `/api/v1/features/${unknown}`, { description: 'x' }), 404);
    error(await server.admin('DELETE', `/api/v1/features/${feature.id}`), 409);
    error(await server.admin('PATCH', `/api/v1/customers/${unknown}`, { name: 'x' }), 404);
    error(await server.admin('DELETE', `/api/v1/customers/${customer.id}`), 409);
    error(await server.admin('POST', '/api/v1/licenses', { ...base, customerId: unknown }), 404);
    error(await server.admin('POST', '/api/v1/licenses', { ...base, featureIds: [feature.id, unknown] }), 404);
    error(await server.admin('POST', '/api/v1/licenses', { ...base, keys: ['OTHER-LICENSE-CODE-1'] }), 409);
    assert.deepEqual(error(await server.admin('POST', '/api/v1/licenses', { ...base, keys: ['GOOD-KEY-CODE-0009', 'SHORT'] }), 400), {
      code: 'VALIDATION_FAILED',
      message: 'a new key code must have at least 12 characters',
      details: [{ field: 'body.keys.1', message: 'must have at least 12 characters' }],
    });
    // A leap second is a date-time to the schema, and not a time Date.parse knows: the service refuses it.
    assert.deepEqual(error(await server.admin('POST', '/api/v1/licenses', { ...base, expiry: '2030-06-30T23:59:60Z' }), 400), {
      code: 'VALIDATION_FAILED',
      message: 'body.expiry is not a valid date-time',
    });
    error(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { comment: 'lost', expiry: '2030-06-30T23:59:60Z' }), 400);
    error(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { comment: 'lost', keys: ['REFUSED-KEY-CODE-0001', 'SHORT'] }), 400);
    error(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { comment: 'lost', featureIds: [unknown] }), 404);
    error(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { comment: 'lost', customerId: unknown }), 404);
    // The old code's leases are revoked before the new code is found taken: the refusal undoes that too.
    error(await server.admin('PATCH', `/api/v1/licenses/${license.id}`, { comment: 'lost', keys: ['OTHER-LICENSE-CODE-1'] }), 409);
    error(await server.admin('PATCH', `/api/v1/licenses/${unknown}`, { comment: 'x' }), 404);
    error(await server.admin('DELETE', `/api/v1/licenses/${unknown}`), 404);

    assert.deepEqual(await eventsSince(from, /./), [], 'no event');
    assert.deepEqual(await auditSince(from), [], 'no audit entry');
    assert.deepEqual(await snapshot(), was, 'nothing changed');
    assert.equal((await client.validateLease(lease)).json().isValid, true, 'the lease of the code that stayed is still valid');
    assert.equal((await client.validateKey('REFUSED-KEY-CODE-0001')).json().isValid, true);
  });
});
