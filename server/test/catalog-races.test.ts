import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * A record created while what it refers to is being deleted, at the same moment: one of the two
 * wins, the other is told why (404 or 409), and nothing is left half made. On PostgreSQL both
 * checks used to pass and the insert then failed on the foreign key, answering 500.
 */
describe('creating while the referenced record is deleted', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const ROUNDS = 15;
  const post = (url: string, body: unknown) => server.admin('POST', url, body);
  const created = (response: LightMyRequestResponse, what: string) => {
    assert.equal(response.statusCode, 201, what);
    return response.json<{ id: string }>();
  };

  it('a license for a customer being deleted: either the license or the deletion, never a 500', async () => {
    const product = created(await post('/api/v1/products', { name: 'race-license-customer' }), 'product');
    const feature = created(await post(`/api/v1/products/${product.id}/features`, { name: 'core' }), 'feature');
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const customer = created(await post('/api/v1/customers', { name: `Doomed ${round}` }), 'customer');
      const [license, deletion] = await Promise.all([
        post('/api/v1/licenses', { customerId: customer.id, featureIds: [feature.id], leaseLimit: 1 }),
        server.admin('DELETE', `/api/v1/customers/${customer.id}`),
      ]);
      const pair = `${license.statusCode}/${deletion.statusCode}`;
      assert.ok(pair === '201/409' || pair === '404/204', `license ${license.statusCode} ${license.body}, deletion ${deletion.statusCode} ${deletion.body}`);
      outcomes.add(pair);
      const left = (await server.admin('GET', `/api/v1/licenses?customerId=${customer.id}`)).json<{ total: number }>();
      const customerLeft = await server.admin('GET', `/api/v1/customers/${customer.id}`);
      if (pair === '201/409') {
        assert.equal(left.total, 1, 'the license exists');
        assert.equal(customerLeft.statusCode, 200, 'and so does its customer');
      } else {
        assert.equal(left.total, 0, 'no license was left behind');
        assert.equal(customerLeft.statusCode, 404);
      }
    }
    assert.ok(outcomes.size >= 1);
  });

  it('a feature for a product being deleted, and a license granting a feature being deleted', async () => {
    const customer = created(await post('/api/v1/customers', { name: 'Race Customer' }), 'customer');
    for (let round = 0; round < ROUNDS; round++) {
      const product = created(await post('/api/v1/products', { name: `race-feature-${round}` }), 'product');
      const [feature, deletion] = await Promise.all([post(`/api/v1/products/${product.id}/features`, { name: 'late' }), server.admin('DELETE', `/api/v1/products/${product.id}`)]);
      const pair = `${feature.statusCode}/${deletion.statusCode}`;
      // A product's deletion takes its unused features with it: a feature created first is deleted too.
      assert.ok(pair === '201/204' || pair === '404/204', `feature ${feature.statusCode} ${feature.body}, deletion ${deletion.statusCode} ${deletion.body}`);
      const features = (await server.admin('GET', `/api/v1/features?productId=${product.id}`)).json<{ total: number }>();
      assert.equal(features.total, 0, 'no feature outlives its product');
    }
    for (let round = 0; round < ROUNDS; round++) {
      const product = created(await post('/api/v1/products', { name: `race-grant-${round}` }), 'product');
      const feature = created(await post(`/api/v1/products/${product.id}/features`, { name: 'granted' }), 'feature');
      const [license, deletion] = await Promise.all([post('/api/v1/licenses', { customerId: customer.id, featureIds: [feature.id] }), server.admin('DELETE', `/api/v1/features/${feature.id}`)]);
      const pair = `${license.statusCode}/${deletion.statusCode}`;
      assert.ok(pair === '201/409' || pair === '404/204', `license ${license.statusCode} ${license.body}, deletion ${deletion.statusCode} ${deletion.body}`);
    }
  });
});
