// Bulk changes to licenses: extend or delete many at once, all or nothing, recorded per license, admins only, one tenant.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/bootstrap.js';
import { assertError, assertValidationFailed, created, ok, type Json } from './admin-replies.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';

const DAY = 86_400_000;

describe('admin API: bulk license changes', () => {
  let server: TestServer;
  let customerId: string;
  let featureId: string;
  before(async () => {
    server = await startTestServer();
    customerId = created(await server.admin('POST', '/api/v1/customers', { name: 'Bulk Buyer' })).id;
    const product = created(await server.admin('POST', '/api/v1/products', { name: 'bulky' }));
    featureId = created(await server.admin('POST', `/api/v1/products/${product.id}/features`, { name: 'base' })).id;
  });
  after(() => server.close());

  const at = (ms: number) => new Date(ms).toISOString();
  const license = async (expiry: number | null) => created(await server.admin('POST', '/api/v1/licenses', { customerId, featureIds: [featureId], expiry: expiry === null ? null : at(expiry) }));
  const get = async (id: string) => ok(await server.admin('GET', `/api/v1/licenses/${id}`));
  const bulk = (body: Json, token?: string) => server.admin('POST', '/api/v1/licenses/bulk', body, token);
  const updatesOf = async (ids: string[], type: string) =>
    (await server.store.events.list(server.org.organizationId, { types: [type], limit: 10_000 })).filter((e) => ids.includes(e.subject?.id ?? ''));

  it('extends by days from the later of the expiry and now, leaves perpetual licenses perpetual, and records each change', async () => {
    const now = server.clock.now();
    const [future, expired, perpetual] = [await license(now + 10 * DAY), await license(now - 5 * DAY), await license(null)];
    const reply = ok(await bulk({ action: 'extend', ids: [future.id, expired.id, perpetual.id], days: 30 }));
    assert.deepEqual(reply, { action: 'extend', changed: 2, unchanged: [perpetual.id] });
    assert.equal((await get(future.id)).expiry, at(now + 40 * DAY));
    assert.equal((await get(expired.id)).expiry, at(now + 30 * DAY));
    assert.equal((await get(perpetual.id)).expiry, null);

    const audit = ok(await server.admin('GET', `/api/v1/audit?resourceType=license&action=update&resourceId=${future.id}`)).items;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].before.expiry, at(now + 10 * DAY));
    assert.equal(audit[0].after.expiry, at(now + 40 * DAY));
    assert.match(audit[0].after.keys[0], /^…/, 'key codes masked as in a single change');
    assert.equal((await updatesOf([future.id, expired.id, perpetual.id], 'license.updated')).length, 2);
  });

  it('extends to a date only the licenses that end before it', async () => {
    const now = server.clock.now();
    const [early, late] = [await license(now + DAY), await license(now + 400 * DAY)];
    const until = at(now + 365 * DAY);
    assert.deepEqual(ok(await bulk({ action: 'extend', ids: [early.id, late.id], until })), { action: 'extend', changed: 1, unchanged: [late.id] });
    assert.equal((await get(early.id)).expiry, until);
    assert.equal((await get(late.id)).expiry, at(now + 400 * DAY));
  });

  it('deletes every license named, revoking their leases, with a delete recorded for each', async () => {
    const a = await createLicense(server);
    const b = await createLicense(server);
    assert.equal((await licensingClient(server).obtain(a.key, { clientId: 'pc-1' })).statusCode, 200);
    assert.deepEqual(ok(await bulk({ action: 'delete', ids: [a.licenseId, b.licenseId] })), { action: 'delete', changed: 2, unchanged: [] });
    assertError(await server.admin('GET', `/api/v1/licenses/${a.licenseId}`), 404, 'NOT_FOUND');
    assertError(await server.admin('GET', `/api/v1/licenses/${b.licenseId}`), 404, 'NOT_FOUND');
    const deleted = await updatesOf([a.licenseId, b.licenseId], 'license.deleted');
    assert.equal(deleted.length, 2);
    assert.equal((deleted.find((e) => e.subject?.id === a.licenseId)!.data as Json).revokedLeases, 1);
  });

  it('changes nothing when one id is unknown or belongs to another organization', async () => {
    const now = server.clock.now();
    const mine = await license(now + DAY);
    const other = await server.addOrganization('Elsewhere');
    const theirs = await createLicense(server, { token: other.apiToken, expiry: at(now + DAY) });
    for (const stranger of ['no-such-license', theirs.licenseId]) {
      const refused = assertError(await bulk({ action: 'extend', ids: [mine.id, stranger], days: 5 }), 404, 'NOT_FOUND');
      assert.match(refused.message, new RegExp(stranger));
      assertError(await bulk({ action: 'delete', ids: [stranger, mine.id] }), 404, 'NOT_FOUND');
    }
    assert.equal((await get(mine.id)).expiry, at(now + DAY));
    assert.equal(ok(await server.admin('GET', `/api/v1/licenses/${theirs.licenseId}`, undefined, other.apiToken)).expiry, at(now + DAY));
    assert.equal((await updatesOf([mine.id], 'license.updated')).length, 0, 'no event from a refused request');
  });

  it('is refused to a viewer, and refuses bad requests with 400, all before changing anything', async () => {
    const mine = await license(server.clock.now() + DAY);
    const viewer = await createApiToken(server.store, server.clock, server.org.organizationId, 'reader', 'viewer');
    assertError(await bulk({ action: 'delete', ids: [mine.id] }, viewer.token), 403, 'FORBIDDEN');
    assertValidationFailed(await bulk({ action: 'extend', ids: [mine.id] }));
    assertValidationFailed(await bulk({ action: 'extend', ids: [mine.id], days: 3, until: at(server.clock.now()) }));
    assertValidationFailed(await bulk({ action: 'delete', ids: [mine.id], days: 3 }));
    assertValidationFailed(await bulk({ action: 'extend', ids: [], days: 3 }), 'body.ids');
    assertValidationFailed(await bulk({ action: 'extend', ids: [mine.id, mine.id], days: 3 }), 'body.ids');
    assertValidationFailed(await bulk({ action: 'extend', ids: Array.from({ length: 501 }, (_, i) => `id-${i}`), days: 3 }), 'body.ids');
    assertValidationFailed(await bulk({ action: 'extend', ids: [mine.id], days: 0 }), 'body.days');
    assertValidationFailed(await bulk({ action: 'archive', ids: [mine.id] }), 'body.action');
    assert.ok((await get(mine.id)).id);
  });

  it('decides simultaneous bulk changes over the same licenses one after the other', async () => {
    const now = server.clock.now();
    const licenses = [];
    for (let i = 0; i < 6; i++) licenses.push(await license(now + DAY));
    const ids = licenses.map((l) => l.id);
    const replies = await Promise.all([
      bulk({ action: 'extend', ids, days: 1 }),
      bulk({ action: 'extend', ids: [...ids].reverse(), days: 1 }),
      bulk({ action: 'delete', ids: ids.slice(0, 3) }),
      bulk({ action: 'extend', ids, days: 1 }),
    ]);
    for (const res of replies) assert.ok([200, 404].includes(res.statusCode), res.body);
    const deletedFirst = replies[2].statusCode === 200;
    assert.ok(deletedFirst, 'the delete names only licenses that exist, so it always succeeds');
    const extended = replies.filter((r, i) => i !== 2 && r.statusCode === 200).length;
    for (const id of ids.slice(3)) assert.equal((await get(id)).expiry, at(now + (1 + extended) * DAY));
    assert.equal((await updatesOf(ids.slice(3), 'license.updated')).length, 3 * extended);
  });
});
