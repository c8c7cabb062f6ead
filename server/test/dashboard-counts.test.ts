import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, any>;
const HOUR_S = 3600;

function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe('the dashboard counts what happened up to the moment it is asked, without waiting for a usage flush', () => {
  let server: TestServer;
  let license: { licenseId: string; key: string };
  before(async () => {
    server = await startTestServer();
    license = await createLicense(server, { leaseLimit: 2 });
  });
  after(() => server.close());

  const obtain = async (clientId: string) => (await licensingClient(server).obtain(license.key, { expiry: 2 * HOUR_S, clientId })).statusCode;
  const dashboard = async () => ok(await server.admin('GET', '/api/v1/dashboard'));
  const lastPoint = async () => ok(await server.admin('GET', '/api/v1/usage?range=24h')).points.at(-1);

  it('shows N refusals right after N refusals, and the leases held now in the chart beside their count', async () => {
    assert.equal(await obtain('a'), 200);
    assert.equal(await obtain('b'), 200);
    for (let n = 1; n <= 3; n++) {
      assert.equal(await obtain(`refused-${n}`), 409);
      assert.equal((await dashboard()).refusedLast24h, n, `after ${n} refusals`);
    }
    const shown = await dashboard();
    assert.equal(shown.activeLeases, 2);
    const point = await lastPoint();
    assert.equal(point.refused, 3, 'the chart counts the same refusals');
    assert.equal(
      Object.values(point.peaks as Record<string, number>).reduce((a, b) => a + b, 0),
      2,
      'and the same seats',
    );
  });

  it("counts the 24 hours the chart draws: a refusal leaves the count when its hour leaves the chart, and in the license's usage too", async () => {
    server.clock.advance(HOUR_S);
    assert.equal((await dashboard()).refusedLast24h, 3, 'an hour later, still within the chart');
    server.clock.advance(22 * HOUR_S);
    assert.equal((await dashboard()).refusedLast24h, 3, 'the oldest hour of the chart');
    const points = ok(await server.admin('GET', `/api/v1/licenses/${license.licenseId}/usage?range=24h`)).points as Json[];
    assert.equal(
      points.reduce((sum, p) => sum + p.refused, 0),
      3,
    );
    server.clock.advance(HOUR_S);
    assert.equal((await dashboard()).refusedLast24h, 0, 'its hour left the chart');
  });
});

describe("the license list's filters behind the dashboard's cards", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const ids = async (query: string) => (ok(await server.admin('GET', `/api/v1/licenses?${query}`)).items as Json[]).map((l) => l.id).sort();
  const day = 86_400_000;

  it('lists the licenses the cards count: in use, refused in the last 24 hours, expiring within the window, at their limit', async () => {
    const now = server.clock.now();
    const idle = await createLicense(server, { leaseLimit: 1, expiry: new Date(now + 40 * day).toISOString() });
    const busy = await createLicense(server, { leaseLimit: 1, expiry: new Date(now + 10 * day).toISOString() });
    const open = await createLicense(server, { leaseLimit: null });
    assert.equal((await licensingClient(server).obtain(busy.key, { expiry: 7200 })).statusCode, 200);
    assert.equal((await licensingClient(server).obtain(busy.key, { expiry: 7200 })).statusCode, 409);
    assert.equal((await licensingClient(server).obtain(open.key, { expiry: 7200 })).statusCode, 200);
    const cards = ok(await server.admin('GET', '/api/v1/dashboard'));

    assert.deepEqual(await ids('inUse=true'), [busy.licenseId, open.licenseId].sort());
    assert.deepEqual(await ids('refusedLast24h=true'), [busy.licenseId]);
    assert.equal((await ids('refusedLast24h=true')).length > 0, cards.refusedLast24h > 0);
    assert.deepEqual(await ids('expiringWithinDays=30'), (cards.expiringSoon as Json[]).map((l) => l.id).sort());
    assert.deepEqual(await ids('expiringWithinDays=30'), [busy.licenseId]);
    assert.deepEqual(await ids('expiringWithinDays=41'), [idle.licenseId, busy.licenseId].sort());
    assert.deepEqual(await ids('atLimit=true'), (cards.atLimit as Json[]).map((l) => l.id).sort());

    server.clock.advance(24 * HOUR_S);
    assert.deepEqual(await ids('refusedLast24h=true'), [], 'the refusal left the window');
    assert.deepEqual(await ids('inUse=true'), [], 'the leases ran out');
  });

  it('refuses a window that is not a whole number of days from 1 to 3650, with 400', async () => {
    for (const query of ['expiringWithinDays=0', 'expiringWithinDays=3651', 'expiringWithinDays=1.5', 'expiringWithinDays=soon', 'inUse=maybe']) {
      const res = await server.admin('GET', `/api/v1/licenses?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    }
  });
});
