import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;

describe('the audit log names what its entries refer to', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const made = async (url: string, body: Json, token?: string) => {
    const res = await server.admin('POST', url, body, token);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const page = async (query = '', token?: string) => {
    const res = await server.admin('GET', `/api/v1/audit?limit=200${query}`, undefined, token);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const refs = new Map<string, Json>((body.references as Json[]).map((r) => [`${r.type}:${r.id}`, r]));
    return { items: body.items as Json[], ref: (type: string, id: string) => refs.get(`${type}:${id}`) };
  };

  it('gives the current name of a renamed record, the last name of a deleted one, and names the ids in the values', async () => {
    const product = await made('/api/v1/products', { name: 'editor', description: 'An editor' });
    const feature = await made(`/api/v1/products/${product.id}/features`, { name: 'spellcheck', description: '' });
    const customer = await made('/api/v1/customers', { name: 'Acme' });
    const license = await made('/api/v1/licenses', { customerId: customer.id, featureIds: [feature.id], leaseLimit: 2 });
    assert.equal((await server.admin('PATCH', `/api/v1/customers/${customer.id}`, { name: 'Acme Corp' })).statusCode, 200);
    const gone = await made('/api/v1/customers', { name: 'Short-lived Ltd' });
    assert.equal((await server.admin('DELETE', `/api/v1/customers/${gone.id}`)).statusCode, 204);

    const { items, ref } = await page();
    assert.deepEqual(ref('customer', customer.id), { type: 'customer', id: customer.id, name: 'Acme Corp', exists: true });
    assert.deepEqual(ref('customer', gone.id), { type: 'customer', id: gone.id, name: 'Short-lived Ltd', exists: false });
    assert.deepEqual(ref('license', license.id), { type: 'license', id: license.id, name: 'Acme Corp', exists: true }, "a license is called by its customer's name");
    assert.deepEqual(ref('feature', feature.id), { type: 'feature', id: feature.id, name: 'spellcheck', exists: true }, 'a feature id in the license record');
    assert.deepEqual(ref('product', product.id), { type: 'product', id: product.id, name: 'editor', exists: true });
    const actor = items.find((e) => e.actor.type === 'token')!.actor;
    assert.deepEqual(ref('token', actor.id), { type: 'token', id: actor.id, name: 'initial token', exists: true }, 'the actor, a token, by its name');
  });

  it("never names another organization's records, even when asked for their ids", async () => {
    const other = await server.addOrganization('Elsewhere');
    const theirs = await made('/api/v1/customers', { name: 'Their secret customer' }, other.apiToken);
    assert.equal((await server.admin('DELETE', `/api/v1/customers/${theirs.id}`, undefined, other.apiToken)).statusCode, 204);
    const kept = await made('/api/v1/customers', { name: 'Their kept customer' }, other.apiToken);
    const resolved = await server.store.auditReferences.resolve(server.org.organizationId, [
      { type: 'customer', id: theirs.id },
      { type: 'customer', id: kept.id },
      { type: 'organization', id: other.organizationId },
    ]);
    assert.deepEqual(
      resolved.map((r) => [r.name, r.exists]),
      [
        [null, false],
        [null, false],
        [null, false],
      ],
    );
    const mine = await server.store.auditReferences.resolve(other.organizationId, [{ type: 'customer', id: theirs.id }]);
    assert.deepEqual(mine, [{ type: 'customer', id: theirs.id, name: 'Their secret customer', exists: false }], 'their own log still names it');
  });
});
