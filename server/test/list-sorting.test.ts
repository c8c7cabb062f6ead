// Sorting the admin API's lists: by a named column, either way, ties broken by id, NULLs and case alike on both databases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertValidationFailed, created, ok, type Json } from './admin-replies.js';
import { licensingClient, startTestServer, type TestServer } from './helpers.js';

const DAY = 86_400_000;

describe('admin API: sorted lists', () => {
  let server: TestServer;
  let featureId: string;
  const customers: Record<string, string> = {};
  const licenses: Json[] = [];
  before(async () => {
    server = await startTestServer();
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'sorter' }));
    featureId = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'base' })).id;
    // Mixed case, and two customers with the same name apart from case, for the tie-breaks.
    for (const name of ['banana', 'Apple', 'cherry', 'apple']) {
      customers[name] = created(await server.admin('POST', '/api/v1/customers', { name, contactName: name === 'cherry' ? null : `Contact ${name}` })).id;
      server.clock.advance(1);
    }
    // From one instant, so that the two of 3 days tie though they are created a second apart.
    const base = server.clock.now();
    const expiries = [10, null, 3, null, 3];
    for (const [i, days] of expiries.entries()) {
      const customerId = Object.values(customers)[i % 4]!;
      const expiry = days === null ? null : new Date(base + days * DAY).toISOString();
      licenses.push(created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], expiry, leaseLimit: i === 0 ? null : i })));
      server.clock.advance(1);
    }
  });
  after(() => server.close());

  const list = async (path: string, query: string) => ok(await server.admin('GET', `/api/v1/${path}?${query}`)).items as Json[];

  it('sorts customers by name ignoring case, the same name in another case by its bytes, then by id', async () => {
    const names = (await list('customers', 'sort=name')).map((c) => c.name);
    assert.deepEqual(names, ['Apple', 'apple', 'banana', 'cherry']);
    const reversed = (await list('customers', 'sort=name&order=desc')).map((c) => c.name);
    assert.deepEqual(reversed, ['cherry', 'banana', 'apple', 'Apple']);
  });

  it('puts a missing value after every value in ascending order and before them in descending order', async () => {
    assert.deepEqual(
      (await list('customers', 'sort=contactName')).map((c) => c.name),
      ['Apple', 'apple', 'banana', 'cherry'],
    );
    assert.equal((await list('customers', 'sort=contactName&order=desc'))[0]!.name, 'cherry');

    // An expiry of null is "never": the latest of all.
    const byExpiry = await list('licenses', 'sort=expiry');
    assert.deepEqual(
      byExpiry.map((l) => l.expiry === null),
      [false, false, false, true, true],
    );
    assert.ok(byExpiry[0]!.expiry === byExpiry[1]!.expiry && byExpiry[1]!.expiry < byExpiry[2]!.expiry);
    const desc = await list('licenses', 'sort=expiry&order=desc');
    assert.deepEqual(
      desc.map((l) => l.id),
      [...byExpiry].reverse().map((l) => l.id),
      'descending is ascending reversed, ties included',
    );
  });

  it('breaks ties by id, so the same order comes back every time and pages neither repeat nor skip a row', async () => {
    const whole = (await list('licenses', 'sort=expiry&limit=200')).map((l) => l.id);
    const tied = whole.slice(0, 2);
    assert.equal(licenses.find((l) => l.id === tied[0])!.expiry, licenses.find((l) => l.id === tied[1])!.expiry, 'the first two tie');
    assert.deepEqual(tied, [...tied].sort(), 'the two licenses of the same expiry in id order');
    const paged: string[] = [];
    for (let offset = 0; offset < whole.length; offset += 2) paged.push(...(await list('licenses', `sort=expiry&limit=2&offset=${offset}`)).map((l) => l.id));
    assert.deepEqual(paged, whole);
  });

  it("sorts licenses by their customer's name, and answers that name with each license", async () => {
    const sorted = await list('licenses', 'sort=customer');
    assert.deepEqual(
      sorted.map((l) => l.customerName),
      ['Apple', 'apple', 'banana', 'banana', 'cherry'],
    );
    for (const l of sorted) assert.equal(customers[l.customerName], l.customerId);
  });

  it('sorts licenses by lease limit with unlimited last, and keeps newest first when no column is named', async () => {
    assert.deepEqual(
      (await list('licenses', 'sort=leaseLimit')).map((l) => l.leaseLimit),
      [1, 2, 3, 4, null],
    );
    assert.deepEqual(
      (await list('licenses', '')).map((l) => l.id),
      [...licenses].reverse().map((l) => l.id),
    );
    assert.deepEqual(
      (await list('licenses', 'order=asc')).map((l) => l.id),
      licenses.map((l) => l.id),
    );
  });

  it('sorts the audit log and products by a named column', async () => {
    const actions = (await list('audit', 'sort=resourceType&limit=200')).map((e) => e.resourceType);
    assert.deepEqual(actions, [...actions].sort());
    assert.equal((await list('audit', 'sort=at&order=asc'))[0]!.resourceType, 'product', 'the oldest change first');
    created(await server.admin('POST', '/api/v1/products', { name: 'Another' }));
    assert.deepEqual(
      (await list('products', 'sort=name&order=desc')).map((p) => p.name),
      ['sorter', 'Another'],
    );
  });

  it("sorts a license's leases by client id with anonymous ones last, and licenses by seats in use", async () => {
    const license = licenses[0]!;
    const key = license.keys[0];
    for (const clientId of ['zeta', null, 'Alpha']) {
      const res = await licensingClient(server).obtain(key, { clientId });
      assert.equal(res.statusCode, 200, res.body);
    }
    assert.deepEqual(
      (await list(`licenses/${license.id}/leases`, 'sort=clientId')).map((l) => l.clientId),
      ['Alpha', 'zeta', null],
    );
    const bySeats = await list('licenses', 'sort=leasesUsed&order=desc');
    assert.deepEqual(
      bySeats.map((l) => l.leasesUsed),
      [3, 0, 0, 0, 0],
    );
    assert.equal(bySeats[0]!.id, license.id);
  });

  it('refuses a column that cannot be sorted on, key codes included, and an unknown order, with 400', async () => {
    assertValidationFailed(await server.admin('GET', '/api/v1/licenses?sort=keys'), 'querystring.sort');
    assertValidationFailed(await server.admin('GET', '/api/v1/customers?sort=name&order=sideways'), 'querystring.order');
    assertValidationFailed(await server.admin('GET', '/api/v1/audit?sort=before'), 'querystring.sort');
  });
});
