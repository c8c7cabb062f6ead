import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import type { CreatedOrganization } from '../src/bootstrap.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

function created(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const iso = (ms: number) => new Date(ms).toISOString();
const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;
const dayOf = (ms: number) => Math.floor(ms / DAY) * DAY;

/** Obtains a lease and asserts it was granted; returns the lease code. */
async function obtain(server: TestServer, key: string, organizationId?: string, expiry = 7200): Promise<string> {
  const res = await licensingClient(server, organizationId).obtain(key, { expiry });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().lease;
}

/** Obtains a lease and asserts it was refused because every seat is taken. */
async function refuse(server: TestServer, key: string, organizationId?: string): Promise<void> {
  const res = await licensingClient(server, organizationId).obtain(key, { expiry: 7200 });
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(res.json().errorCode, 'LEASE_LIMIT_REACHED');
}

describe("usage history: a license's hourly and daily points", () => {
  let server: TestServer;
  let licenseId: string;
  let key: string;
  let start: number;
  before(async () => {
    server = await startTestServer();
    start = server.clock.now();
    const license = await createLicense(server, { leaseLimit: 2 });
    licenseId = license.licenseId;
    key = license.key;
  });
  after(() => server.close());

  const points = async (range: string, token = server.org.apiToken) => ok(await server.admin('GET', `/api/v1/licenses/${licenseId}/usage?range=${range}`, undefined, token)).points as Json[];

  it('writes nothing on the licensing path: before a flush the history holds no peak and no refusal', async () => {
    await obtain(server, key);
    await obtain(server, key);
    await refuse(server, key);
    assert.deepEqual(await server.store.usage.rows(server.org.organizationId, start - DAY, start + DAY), []);
    // The seats are taken all the same: the leases themselves are written at once.
    assert.equal(await server.store.leases.countActiveInOrganization(server.org.organizationId, server.clock.now()), 2);
  });

  it('shows 24 hourly points after a flush, oldest first, the current hour with peakLeases 2 and refused 1', async () => {
    await server.app.usage.flush();
    const hourly = await points('24h');
    assert.equal(hourly.length, 24);
    assert.deepEqual(
      hourly.map((p) => p.at),
      Array.from({ length: 24 }, (_, i) => iso(hourOf(start) - (23 - i) * HOUR)),
    );
    assert.deepEqual(hourly.at(-1), { at: iso(hourOf(start)), peakLeases: 2, refused: 1 });
    assert.ok(
      hourly.slice(0, -1).every((p) => p.peakLeases === 0 && p.refused === 0),
      'earlier hours are empty',
    );
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${licenseId}/usage`)).points.at(-1).refused, 1, '24h is the default range');
  });

  it('does not count refusals again when flushed twice without new events', async () => {
    await server.app.usage.flush();
    await server.app.usage.flush();
    assert.deepEqual((await points('24h')).at(-1), { at: iso(hourOf(start)), peakLeases: 2, refused: 1 });
    assert.equal(ok(await server.admin('GET', '/api/v1/dashboard')).refusedLast24h, 1);
  });

  it('samples leases still active into the next hour at a flush, with no refusals there', async () => {
    server.clock.advance(3600);
    await server.app.usage.flush();
    const hourly = await points('24h');
    assert.equal(hourly.length, 24);
    assert.deepEqual(hourly.at(-1), { at: iso(hourOf(start) + HOUR), peakLeases: 2, refused: 0 });
    assert.deepEqual(hourly.at(-2), { at: iso(hourOf(start)), peakLeases: 2, refused: 1 }, 'the hour before keeps its values');
  });

  it('adds refusals of a later hour to that hour only', async () => {
    await refuse(server, key);
    await refuse(server, key);
    await server.app.usage.flush();
    const hourly = await points('24h');
    assert.deepEqual(hourly.at(-1), { at: iso(hourOf(start) + HOUR), peakLeases: 2, refused: 2 });
    assert.deepEqual(hourly.at(-2), { at: iso(hourOf(start)), peakLeases: 2, refused: 1 });
  });

  it("shows 30 daily points for 30d, the last with the day's highest peak and its refusals summed", async () => {
    const daily = await points('30d');
    assert.equal(daily.length, 30);
    assert.deepEqual(
      daily.map((p) => p.at),
      Array.from({ length: 30 }, (_, i) => iso(dayOf(start) - (29 - i) * DAY)),
    );
    assert.deepEqual(daily.at(-1), { at: iso(dayOf(start)), peakLeases: 2, refused: 3 });
    assert.ok(daily.slice(0, -1).every((p) => p.peakLeases === 0 && p.refused === 0));
  });

  it('keeps earlier days apart in 30d and lets hours older than 24 fall out of 24h', async () => {
    server.clock.advance(2 * 24 * 3600);
    const lease = await obtain(server, key, undefined, 600);
    assert.ok(lease);
    await server.app.usage.flush();
    const daily = await points('30d');
    assert.equal(daily.length, 30);
    assert.deepEqual(daily.at(-1), { at: iso(dayOf(start) + 2 * DAY), peakLeases: 1, refused: 0 });
    assert.deepEqual(daily.at(-2), { at: iso(dayOf(start) + DAY), peakLeases: 0, refused: 0 });
    assert.deepEqual(daily.at(-3), { at: iso(dayOf(start)), peakLeases: 2, refused: 3 });
    const hourly = await points('24h');
    assert.equal(
      hourly.reduce((sum, p) => sum + p.refused, 0),
      0,
      'refusals two days ago are not in the last 24 hours',
    );
    assert.deepEqual(hourly.at(-1), { at: iso(hourOf(server.clock.now())), peakLeases: 1, refused: 0 });
  });

  it("answers 404 for another organization's license and refuses an unknown range with 400", async () => {
    const other = await server.addOrganization('Other vendor');
    const res = await server.admin('GET', `/api/v1/licenses/${licenseId}/usage`, undefined, other.apiToken);
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(res.json().error.code, 'NOT_FOUND');
    for (const range of ['7d', '24', '']) {
      const bad = await server.admin('GET', `/api/v1/licenses/${licenseId}/usage?range=${range}`);
      assert.equal(bad.statusCode, 400, `${range}: ${bad.body}`);
    }
    assert.equal((await server.admin('GET', '/api/v1/usage?range=1y')).statusCode, 400);
  });
});

describe('usage history: how active leases are sampled', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  // Read from the store: the API's reads bring the history up to date first, and these tests decide when that happens.
  const peakOf = async (licenseId: string) => {
    const hour = hourOf(server.clock.now());
    const rows = await server.store.usage.rows(server.org.organizationId, hour, hour + HOUR, licenseId);
    return rows[0]?.peakLeases ?? 0;
  };

  it('records the peak of a license without a limit obtained on after the first flush of the hour', async () => {
    // The hour's first flush samples every license; later obtains on a license without a limit
    // count nothing, so their license is sampled at the next flush.
    await server.app.usage.flush();
    const unlimited = await createLicense(server, { leaseLimit: null });
    for (let i = 0; i < 3; i++) await obtain(server, unlimited.key);
    await server.app.usage.flush();
    assert.equal(await peakOf(unlimited.licenseId), 3);
  });

  it('counts seats, not leases: leases with one client id are one seat in the peaks an obtain counts and in the samples', async () => {
    const limited = await createLicense(server, { leaseLimit: 3 });
    const unlimited = await createLicense(server, { leaseLimit: null });
    const client = licensingClient(server);
    for (const made of [limited, unlimited]) {
      for (let i = 0; i < 3; i++) assert.equal((await client.obtain(made.key, { clientId: 'one-machine', expiry: 7200 })).statusCode, 200);
      assert.equal((await client.obtain(made.key, { expiry: 7200 })).statusCode, 200);
    }
    for (const made of [limited, unlimited]) {
      assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${made.licenseId}/leases?state=active`)).total, 4, 'four live leases on two seats');
    }
    await server.app.usage.flush();
    assert.equal(await peakOf(limited.licenseId), 2, 'counted at the claims');
    assert.equal(await peakOf(unlimited.licenseId), 2, 'sampled after the claims');
    server.clock.advance(3600);
    await server.app.usage.flush();
    assert.equal(await peakOf(limited.licenseId), 2, "sampled at the next hour's first flush");
    assert.equal(await peakOf(unlimited.licenseId), 2);
  });

  it('samples every license when the active leases take several chunks, and keeps the larger peak', async () => {
    const licenses = [];
    for (let i = 0; i < 5; i++) {
      const made = await createLicense(server, { leaseLimit: 5 });
      for (let j = 0; j <= i % 3; j++) await obtain(server, made.key);
      licenses.push({ ...made, active: (i % 3) + 1 });
    }
    server.clock.advance(3600);
    const now = server.clock.now();
    // Chunks of two leases, widened to whole licenses: six licenses with active leases (one from
    // the test before) take at least three chunks whatever order their ids fall in.
    let chunks = 0;
    for (let after: string | undefined = ''; after !== undefined; chunks++) {
      after = await server.store.usage.sampleActive(now, hourOf(now), { after, chunk: 2 });
    }
    assert.ok(chunks >= 3, `${chunks} chunks`);
    for (const made of licenses) assert.equal(await peakOf(made.licenseId), made.active, made.licenseId);
    // A later, smaller sample leaves each peak alone.
    await licensingClient(server).release(await obtain(server, licenses[0]!.key));
    await server.store.usage.sampleActive(now, hourOf(now), { licenseIds: licenses.map((l) => l.licenseId) });
    for (const made of licenses) assert.equal(await peakOf(made.licenseId), made.active, made.licenseId);
  });
});

/** A product with one feature, created in `org`; returns the feature id. */
async function productWithFeature(server: TestServer, org: CreatedOrganization, name: string): Promise<{ productId: string; featureId: string }> {
  const product = created(await server.admin('POST', '/api/v1/products', { name }, org.apiToken));
  const feature = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'base' }, org.apiToken));
  return { productId: product.id, featureId: feature.id };
}

/** A license of new customer in `org`, granting these features. */
async function license(server: TestServer, org: CreatedOrganization, featureIds: string[], extra: { leaseLimit?: number | null; expiry?: string | null } = {}) {
  const customer = created(await server.admin('POST', '/api/v1/customers', { name: `Customer ${Math.random().toString(36).slice(2, 8)}` }, org.apiToken));
  const made = created(await server.admin('POST', '/api/v1/licenses', { customerId: customer.id, featureIds, ...extra }, org.apiToken));
  return { id: made.id as string, key: made.keys[0] as string };
}

describe('usage history: products and the dashboard', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('charts per-product peaks with products listed by name; a license granting two products counts for both', async () => {
    const org = await server.addOrganization('Two products');
    const zeta = await productWithFeature(server, org, 'zeta');
    const alpha = await productWithFeature(server, org, 'alpha');
    await productWithFeature(server, org, 'unused');
    const both = await license(server, org, [zeta.featureId, alpha.featureId]);
    const alphaOnly = await license(server, org, [alpha.featureId], { leaseLimit: 1 });
    await obtain(server, both.key, org.organizationId);
    await obtain(server, both.key, org.organizationId);
    await obtain(server, alphaOnly.key, org.organizationId);
    await refuse(server, alphaOnly.key, org.organizationId);

    const now = server.clock.now();
    assert.deepEqual(await server.store.usage.rows(org.organizationId, now - DAY, now + DAY), [], 'nothing is recorded before a flush');

    await server.app.usage.flush();
    const usage = ok(await server.admin('GET', '/api/v1/usage?range=24h', undefined, org.apiToken));
    assert.deepEqual(usage.products, ['alpha', 'zeta']);
    assert.equal(usage.points.length, 24);
    assert.deepEqual(usage.points.at(-1), { at: iso(hourOf(server.clock.now())), refused: 1, peaks: { alpha: 3, zeta: 2 } });
    assert.ok(usage.points.slice(0, -1).every((p: Json) => p.refused === 0 && Object.keys(p.peaks).length === 0));

    const monthly = ok(await server.admin('GET', '/api/v1/usage?range=30d', undefined, org.apiToken));
    assert.equal(monthly.points.length, 30);
    assert.deepEqual(monthly.points.at(-1), { at: iso(dayOf(server.clock.now())), refused: 1, peaks: { alpha: 3, zeta: 2 } });

    const other = await server.addOrganization('Sees nothing');
    const theirs = ok(await server.admin('GET', '/api/v1/usage?range=24h', undefined, other.apiToken));
    assert.deepEqual(theirs.products, []);
    assert.ok(theirs.points.every((p: Json) => p.refused === 0 && Object.keys(p.peaks).length === 0));
  });

  it('reports active leases, refusals of the last 24 hours, licenses expiring within 30 days and licenses at their limit', async () => {
    const org = await server.addOrganization('Dashboard');
    const { featureId } = await productWithFeature(server, org, 'suite');
    // A day ago: a refusal, and a lease that has since expired.
    const old = await license(server, org, [featureId], { leaseLimit: 1 });
    await obtain(server, old.key, org.organizationId, 60);
    await refuse(server, old.key, org.organizationId);
    await server.app.usage.flush();
    server.clock.advance(25 * 3600);

    const now = server.clock.now();
    const soon = await license(server, org, [featureId], { leaseLimit: 1, expiry: iso(now + 10 * DAY) });
    const edge = await license(server, org, [featureId], { expiry: iso(now + 30 * DAY) });
    const later = await license(server, org, [featureId], { leaseLimit: 3, expiry: iso(now + 31 * DAY) });
    const expired = await license(server, org, [featureId], { expiry: iso(now - DAY) });
    const unlimited = await license(server, org, [featureId], { leaseLimit: null });
    const released = await license(server, org, [featureId], { leaseLimit: 1 });
    await obtain(server, soon.key, org.organizationId);
    await refuse(server, soon.key, org.organizationId);
    await obtain(server, later.key, org.organizationId);
    await obtain(server, unlimited.key, org.organizationId);
    await obtain(server, unlimited.key, org.organizationId);
    const lease = await obtain(server, released.key, org.organizationId);
    assert.equal((await licensingClient(server, org.organizationId).release(lease)).statusCode, 200);
    await server.app.usage.flush();

    const dashboard = ok(await server.admin('GET', '/api/v1/dashboard', undefined, org.apiToken));
    assert.equal(dashboard.activeLeases, 4, 'soon 1 + later 1 + unlimited 2; expired and released leases do not count');
    assert.equal(dashboard.refusedLast24h, 1, 'the refusal 25 hours ago is not counted');
    assert.deepEqual(
      dashboard.expiringSoon.map((l: Json) => l.id),
      [soon.id, edge.id],
      'soonest first; not the expired one, nor one expiring in 31 days, nor one that never expires',
    );
    assert.deepEqual(
      dashboard.atLimit.map((l: Json) => l.id),
      [soon.id],
      'not the unlimited one, nor one whose lease expired or was released',
    );
    assert.equal(dashboard.atLimit[0].leasesUsed, 1);
    assert.ok(!dashboard.expiringSoon.some((l: Json) => l.id === expired.id || l.id === later.id || l.id === unlimited.id));

    const other = ok(await server.admin('GET', '/api/v1/dashboard', undefined, (await server.addOrganization('Empty dashboard')).apiToken));
    assert.deepEqual(other, { activeLeases: 0, refusedLast24h: 0, expiringSoon: [], atLimit: [] });
    const mainOrg = ok(await server.admin('GET', '/api/v1/dashboard'));
    assert.deepEqual(mainOrg, { activeLeases: 0, refusedLast24h: 0, expiringSoon: [], atLimit: [] }, "the server's first organization sees none of it either");
  });
});

describe('license list filters', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('filters licenses by product, by expired true or false, and by atLimit', async () => {
    const org = server.org;
    const one = await productWithFeature(server, org, 'one');
    const two = await productWithFeature(server, org, 'two');
    const now = server.clock.now();
    const full = await license(server, org, [one.featureId], { leaseLimit: 1 });
    const gone = await license(server, org, [one.featureId], { leaseLimit: 1, expiry: iso(now - HOUR) });
    const partly = await license(server, org, [two.featureId], { leaseLimit: 2, expiry: iso(now + DAY) });
    const both = await license(server, org, [one.featureId, two.featureId]);
    const endsSoon = await license(server, org, [two.featureId], { leaseLimit: 1, expiry: iso(now + 60_000) });
    await obtain(server, full.key);
    await obtain(server, partly.key);
    await obtain(server, both.key);
    await obtain(server, endsSoon.key);

    const ids = async (query: string) => {
      const page = ok(await server.admin('GET', `/api/v1/licenses?${query}`));
      assert.equal(page.total, page.items.length, query);
      return (page.items as Json[]).map((l) => l.id).sort();
    };
    const sorted = (...list: { id: string }[]) => list.map((l) => l.id).sort();
    assert.deepEqual(await ids(`productId=${one.productId}`), sorted(full, gone, both));
    assert.deepEqual(await ids(`productId=${two.productId}`), sorted(partly, both, endsSoon));
    assert.deepEqual(await ids('expired=true'), sorted(gone));
    assert.deepEqual(await ids('expired=false'), sorted(full, partly, both, endsSoon));
    assert.deepEqual(await ids('atLimit=true'), sorted(full, endsSoon));
    assert.deepEqual(await ids(`productId=${two.productId}&atLimit=true`), sorted(endsSoon));
    assert.deepEqual(await ids(`productId=${one.productId}&expired=false`), sorted(full, both));
    assert.deepEqual(await ids('productId=no-such-product'), []);

    // Two minutes on, endsSoon has expired: its lease ended with it, so it is no longer at its limit.
    server.clock.advance(120);
    assert.deepEqual(await ids('expired=true'), sorted(gone, endsSoon));
    assert.deepEqual(await ids('atLimit=true'), sorted(full));

    const other = await server.addOrganization('Other');
    const theirs = ok(await server.admin('GET', `/api/v1/licenses?productId=${one.productId}`, undefined, other.apiToken));
    assert.equal(theirs.total, 0);
    assert.equal((await server.admin('GET', '/api/v1/licenses?expired=maybe')).statusCode, 400);
    assert.equal((await server.admin('GET', '/api/v1/licenses?atLimit=yes')).statusCode, 400);
  });
});
