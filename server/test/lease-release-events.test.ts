import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseApiToken } from '../src/credentials.js';
import { claimedLeaseId } from '../src/keys/lease-code.js';
import { createLicense, licensingClient, startTestServer, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';
import { ofType, recorded } from './recorded.js';

/** Obtains `count` leases of `key` with `clientId`, one seat; answers their ids. */
async function obtainSeat(server: TestServer, key: string, clientId: string | null, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const reply = (await licensingClient(server).obtain(key, { clientId })).json();
    assert.equal(reply.success, true, JSON.stringify(reply));
    ids.push(claimedLeaseId(reply.lease)!);
  }
  return ids;
}

const release = (server: TestServer, leaseId: string) => server.admin('POST', `/api/v1/leases/${leaseId}/release`);

describe(`an admin's seat release records lease.released, on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('records one audit entry and one lease.released event saying which lease, seat and how many leases ended', async () => {
    const license = await createLicense(server, { leaseLimit: 5 });
    const [first, second] = await obtainSeat(server, license.key, 'desk-7', 2);
    server.clock.advance(5);
    const made = await recorded(server, () => release(server, second!));
    assert.equal(made.result.statusCode, 200, made.result.body);
    const released = made.result.json();
    assert.equal(released.leasesEnded, 2, 'the seat ended whole');
    assert.deepEqual(
      made.events.map((e) => e.type),
      ['lease.released'],
    );
    const event = made.events[0]!;
    assert.deepEqual(event.subject, { type: 'lease', id: second });
    assert.deepEqual(event.actor, { type: 'token', id: parseApiToken(server.org.apiToken)!.id, name: 'initial token' });
    assert.deepEqual(event.data, { leaseId: second, licenseId: license.licenseId, clientId: 'desk-7', leasesEnded: 2, by: 'admin' });
    assert.equal(event.at, server.clock.now());
    assert.equal(made.audit.length, 1);
    assert.deepEqual({ action: made.audit[0]!.action, resourceId: made.audit[0]!.resourceId, after: made.audit[0]!.after }, { action: 'release', resourceId: second, after: released });
    const leases = (await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases?state=released`)).json();
    assert.deepEqual(leases.items.map((l: { id: string }) => l.id).sort(), [first, second].sort());
  });

  it('records a lease without a client id as a seat of its own', async () => {
    const license = await createLicense(server);
    const [lease] = await obtainSeat(server, license.key, null, 1);
    const made = await recorded(server, () => release(server, lease!));
    assert.deepEqual(ofType(made.events, 'lease.released')[0]?.data, { leaseId: lease, licenseId: license.licenseId, clientId: null, leasesEnded: 1, by: 'admin' });
  });

  it('records nothing for a lease that is no longer active, unknown, or another organization’s', async () => {
    const license = await createLicense(server);
    const [lease] = await obtainSeat(server, license.key, 'again', 1);
    assert.equal((await release(server, lease!)).statusCode, 200);
    const again = await recorded(server, () => release(server, lease!));
    assert.equal(again.result.statusCode, 200);
    assert.equal(again.result.json().leasesEnded, 0);
    assert.deepEqual(again.events, []);
    assert.deepEqual(again.audit, []);

    const other = await server.addOrganization('Another vendor');
    for (const [id, token] of [
      ['00000000-0000-4000-8000-000000000000', server.org.apiToken],
      [lease!, other.apiToken],
    ] as const) {
      const made = await recorded(server, () => server.admin('POST', `/api/v1/leases/${id}/release`, undefined, token));
      assert.equal(made.result.statusCode, 404, made.result.body);
      assert.deepEqual(made.events, []);
      assert.deepEqual(made.audit, []);
    }
  });

  it('of eight releases of one seat at once, through its different leases, one ends the seat and is recorded', async () => {
    const license = await createLicense(server, { leaseLimit: 3 });
    const leases = await obtainSeat(server, license.key, 'shared-seat', 4);
    const made = await recorded(server, () => Promise.all(Array.from({ length: 8 }, (_, i) => release(server, leases[i % leases.length]!))));
    for (const reply of made.result) assert.equal(reply.statusCode, 200, reply.body);
    const ended = made.result.map((r) => r.json().leasesEnded as number).sort((a, b) => b - a);
    assert.deepEqual(ended, [4, 0, 0, 0, 0, 0, 0, 0], 'one release ended all four leases');
    const events = ofType(made.events, 'lease.released');
    assert.equal(events.length, 1);
    assert.equal((events[0]!.data as { leasesEnded: number }).leasesEnded, 4);
    assert.equal(made.audit.length, 1);
  });
});
