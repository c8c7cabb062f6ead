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

const statuses = (responses: LightMyRequestResponse[]) => responses.map((r) => r.statusCode).sort();

/** A license as events record it: key codes masked as the audit log masks them, without the reply's lease counts per key and its customer's name. */
const masked = ({ keyLeases: _counts, customerName: _name, ...license }: Json) => ({ ...license, keys: license.keys.map((code: string) => (code.length >= 16 ? `…${code.slice(-4)}` : '…')) });

/**
 * Simultaneous changes of the catalog: each is decided on what the one before it left, so the
 * record (audit log and events) tells one story, with no change counted twice or lost.
 */
describe(`bursts of catalog changes on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  let customerId: string;
  let featureId: string;
  before(async () => {
    server = await startTestServer();
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'bursts' }));
    featureId = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'core' })).id;
    customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Bursty' })).id;
  });
  after(() => server.close());

  const BURST = 8;

  /** The events about `subjectId` (or of these types), oldest first. */
  async function events(filter: { subjectId?: string; types?: string[] }): Promise<DomainEvent[]> {
    const all = await server.store.events.list(server.org.organizationId, { types: filter.types, limit: 1000 });
    return all.filter((e) => filter.subjectId === undefined || e.subject?.id === filter.subjectId).reverse();
  }

  async function auditEntries(resourceType: string, resourceId: string, action: string) {
    const page = await server.store.audit.list(server.org.organizationId, { resourceType, resourceId, action, limit: 200, offset: 0 });
    return page.items;
  }

  /**
   * Sends the changes at once and asserts that the record is one chain: each change's "before" is
   * the previous one's "after", from the first copy to the last, in the audit log and the events.
   */
  async function assertOneChain(resourceType: string, url: string, bodies: Json[], shown = (x: Json) => x) {
    const first = ok(await server.admin('GET', url));
    const replies = await Promise.all(bodies.map((body) => server.admin('PATCH', url, body)));
    for (const reply of replies) ok(reply);
    const last = ok(await server.admin('GET', url));
    const updates = (await events({ subjectId: first.id, types: [`${resourceType}.updated`] })).map((e) => e.data as { before: Json; after: Json });
    assert.equal(updates.length, bodies.length, 'one event per change');
    assert.equal((await auditEntries(resourceType, first.id, 'update')).length, bodies.length, 'one audit entry per change');
    assert.deepEqual(updates[0]!.before, shown(first));
    for (let i = 1; i < updates.length; i++) assert.deepEqual(updates[i]!.before, updates[i - 1]!.after, `change ${i} records what change ${i - 1} left`);
    assert.deepEqual(updates.at(-1)!.after, shown(last));
    const audit = (await auditEntries(resourceType, first.id, 'update')).reverse();
    assert.deepEqual(
      audit.map((entry) => ({ before: entry.before, after: entry.after })),
      updates,
      'the audit log tells the same story',
    );
  }

  it('simultaneous changes of one product, feature, customer or license each record the copy they changed', async () => {
    const bodies = (field: string) => Array.from({ length: BURST }, (_, i) => ({ [field]: `change ${i}` }));
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'chained' }));
    await assertOneChain('product', `/api/v1/products/${product.id}`, bodies('description'));
    const feature = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'chained' }));
    await assertOneChain('feature', `/api/v1/features/${feature.id}`, bodies('description'));
    const customer = created(await server.admin('POST', '/api/v1/customers', { name: 'Chained' }));
    await assertOneChain('customer', `/api/v1/customers/${customer.id}`, bodies('comment'));
    const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId] }));
    const licenseBodies = Array.from({ length: BURST }, (_, i) => ({ comment: `change ${i}`, leaseLimit: i + 1 }));
    await assertOneChain('license', `/api/v1/licenses/${license.id}`, licenseBodies, masked);
  });

  it('simultaneous replacements of the key codes: each code is added once and removed at most once, and the first removal counts the leases', async () => {
    const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], keys: ['FIRST-KEY-CODE-0000'] }));
    const client = licensingClient(server);
    for (let i = 0; i < 3; i++) assert.equal((await client.obtain('FIRST-KEY-CODE-0000')).json().success, true);
    const codes = Array.from({ length: BURST }, (_, i) => `BURST-KEY-CODE-${String(i + 1).padStart(4, '0')}`);
    const replies = await Promise.all(codes.map((code) => server.admin('PATCH', `/api/v1/licenses/${license.id}`, { keys: [code] })));
    for (const reply of replies) ok(reply);
    const [final] = ok(await server.admin('GET', `/api/v1/licenses/${license.id}`)).keys as string[];
    assert.ok(final && codes.includes(final));

    const keyEvents = await events({ types: ['license_key.added', 'license_key.removed'] });
    const mine = keyEvents.map((e): Json => ({ ...(e.data as Json), type: e.type })).filter((d) => d.licenseId === license.id);
    const added = mine.filter((d) => d.type === 'license_key.added').map((d) => d.code as string);
    const removed = mine.filter((d) => d.type === 'license_key.removed');
    assert.deepEqual([...added].sort(), codes.map((c) => `…${c.slice(-4)}`).sort(), 'each code added once');
    assert.deepEqual(
      removed.map((d) => d.code as string).sort(),
      ['FIRST-KEY-CODE-0000', ...codes.filter((c) => c !== final)].map((c) => `…${c.slice(-4)}`).sort(),
      'every code but the last removed once, the first one included',
    );
    assert.deepEqual(
      removed.map((d) => d.revokedLeases),
      [3, ...Array.from({ length: BURST - 1 }, () => 0)],
      'the first removal revoked the three leases, the later ones none',
    );
  });

  it('leases obtained while their key code is removed: the removal counts exactly those it revoked, and none outlives it', async () => {
    const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], keys: ['RACED-KEY-CODE-0001'] }));
    const client = licensingClient(server);
    const obtains = Array.from({ length: BURST }, (_, i) => client.obtain('RACED-KEY-CODE-0001', { clientId: `host-${i}` }));
    const removal = server.admin('PATCH', `/api/v1/licenses/${license.id}`, { keys: ['RACED-KEY-CODE-0002'] });
    const [answers, changed] = await Promise.all([Promise.all(obtains), removal]);
    ok(changed);
    const leases = answers.filter((a) => a.json().success === true).map((a) => a.json().lease as string);
    for (const a of answers) if (a.json().success !== true) assert.equal(a.json().errorCode, 'KEY_INVALID', a.body);
    const [event] = (await events({ types: ['license_key.removed'] })).filter((e) => (e.data as Json).licenseId === license.id);
    assert.equal((event?.data as Json).revokedLeases, leases.length, 'every lease obtained before the removal, and only those');
    for (const lease of leases) assert.equal((await client.validateLease(lease)).json().errorCode, 'LEASE_INVALID');
  });

  it('a burst of creations with one product name or one key code: one is made, with one audit entry and one event', async () => {
    const products = await Promise.all(Array.from({ length: BURST }, () => server.admin('POST', '/api/v1/products', { name: 'only-once' })));
    assert.deepEqual(statuses(products), [201, ...Array.from({ length: BURST - 1 }, () => 409)]);
    const product = products.find((r) => r.statusCode === 201)!.json<Json>();
    const productEvents = (await events({ types: ['product.created'] })).filter((e) => (e.data as Json).after.name === 'only-once');
    assert.deepEqual(
      productEvents.map((e) => e.subject?.id),
      [product.id],
    );
    assert.equal((await auditEntries('product', product.id, 'create')).length, 1);

    const body = { customerId, featureIds: [featureId], keys: ['ONE-OWNER-KEY-CODE-01'] };
    const licenses = await Promise.all(Array.from({ length: BURST }, () => server.admin('POST', '/api/v1/licenses', body)));
    assert.deepEqual(statuses(licenses), [201, ...Array.from({ length: BURST - 1 }, () => 409)]);
    const license = licenses.find((r) => r.statusCode === 201)!.json<Json>();
    const licenseEvents = (await events({ types: ['license.created'] })).filter((e) => (e.data as Json).after.keys.includes('…E-01'));
    assert.deepEqual(
      licenseEvents.map((e) => e.subject?.id),
      [license.id],
    );
  });

  it('a burst of deletions of one license: one deletes it, with one audit entry and one event counting its leases', async () => {
    const license = created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], keys: ['DOOMED-KEY-CODE-0001'] }));
    const client = licensingClient(server);
    for (let i = 0; i < 2; i++) assert.equal((await client.obtain('DOOMED-KEY-CODE-0001')).json().success, true);
    const deletions = await Promise.all(Array.from({ length: BURST }, () => server.admin('DELETE', `/api/v1/licenses/${license.id}`)));
    assert.deepEqual(statuses(deletions), [204, ...Array.from({ length: BURST - 1 }, () => 404)]);
    const deleted = await events({ subjectId: license.id, types: ['license.deleted'] });
    assert.deepEqual(
      deleted.map((e) => (e.data as Json).revokedLeases),
      [2],
    );
    assert.equal((await auditEntries('license', license.id, 'delete')).length, 1);
  });

  it("a feature created while its product is deleted is either refused or named among the product's deleted features", async () => {
    for (let round = 0; round < 10; round++) {
      const product = created(await server.admin('POST', '/api/v1/products', { name: `vanishing-${round}` }));
      const [feature, deletion] = await Promise.all([server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'late' }), server.admin('DELETE', `/api/v1/products/${product.id}`)]);
      assert.equal(deletion.statusCode, 204, deletion.body);
      const [event] = await events({ subjectId: product.id, types: ['product.deleted'] });
      const named = ((event?.data as Json).features as Json[]).map((f) => f.id as string);
      if (feature.statusCode === 201) {
        assert.deepEqual(named, [feature.json().id]);
      } else {
        assert.equal(feature.statusCode, 404, feature.body);
        assert.deepEqual(named, []);
      }
    }
  });
});
