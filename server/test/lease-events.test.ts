import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { Housekeeping } from '../src/housekeeping.js';
import { claimedLeaseId } from '../src/keys/lease-code.js';
import { openConfiguredStore } from '../src/server.js';
import type { DomainEvent, Store } from '../src/store/index.js';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';

/*
 * The licensing path's events: each licensing call that changes a lease writes exactly one event,
 * in the transaction of the change; a call that changes nothing writes none; housekeeping records
 * the leases that ran out. Read with `events.list`, which every committed row reaches at once.
 */

const leaseIdOf = (code: string) => {
  const id = claimedLeaseId(code);
  assert.ok(id, 'a lease code names its lease');
  return id;
};

describe(`lease events on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  let org: string;
  /** A second instance on the same database: its own store (connection or pool) and app. */
  let other: { store: Store; app: FastifyInstance };
  const client = () => licensingClient(server);

  before(async () => {
    server = await startTestServer();
    org = server.org.organizationId;
    const store = await openConfiguredStore(server.config);
    other = { store, app: await buildApp({ config: server.config, store, clock: server.clock, logger: false }) };
  });
  after(async () => {
    await other?.app.close();
    await other?.store.close();
    await server?.close();
  });

  /** The id of the newest event now: `since` answers the events written after it. */
  const mark = async () => (await server.store.events.list(org, { limit: 1 }))[0]?.cursor.id ?? 0;
  /** Events written after `from`, oldest first, of the lease types only. */
  const since = async (from: number): Promise<DomainEvent[]> => (await server.store.events.list(org, { limit: 1000 })).filter((e) => e.cursor.id > from && e.type.startsWith('lease.')).reverse();
  /** Runs `call` and answers the lease events it wrote along with its reply. */
  async function recorded<T>(call: () => Promise<T>): Promise<{ reply: T; events: DomainEvent[] }> {
    const from = await mark();
    const reply = await call();
    return { reply, events: await since(from) };
  }
  const keyIdOf = async (license: TestLicense) => (await server.store.leases.findKey(org, license.key))!.keyId;

  it('records lease.obtained with the seats in use after the claim, and whether the client id shared a seat', async () => {
    const license = await createLicense(server, { leaseLimit: 3 });
    const keyId = await keyIdOf(license);
    const obtain = async (clientId?: string) => {
      const { reply, events } = await recorded(() => client().obtain(license.key, clientId === undefined ? {} : { clientId }));
      assert.equal(reply.statusCode, 200, reply.body);
      assert.equal(events.length, 1, JSON.stringify(events));
      const [event] = events;
      const code = reply.json().lease as string;
      assert.equal(event!.type, 'lease.obtained');
      assert.deepEqual(event!.subject, { type: 'lease', id: leaseIdOf(code) });
      assert.equal(event!.actor, null);
      assert.equal(event!.at, server.clock.now());
      return { code, data: event!.data };
    };

    const anonymous = await obtain();
    assert.deepEqual(anonymous.data, {
      leaseId: leaseIdOf(anonymous.code),
      licenseId: license.licenseId,
      keyId,
      clientId: null,
      expiresAt: server.clock.now() + 600_000,
      seatsInUse: 1,
      sharedSeat: false,
    });
    const first = await obtain('machine-1');
    assert.deepEqual(first.data, { ...(anonymous.data as object), leaseId: leaseIdOf(first.code), clientId: 'machine-1', seatsInUse: 2, sharedSeat: false });
    const again = await obtain('machine-1');
    assert.deepEqual(again.data, { ...(first.data as object), leaseId: leaseIdOf(again.code), seatsInUse: 2, sharedSeat: true });
  });

  it('records no seats in use on a license without a limit, and still tells a shared seat', async () => {
    const license = await createLicense(server, { leaseLimit: null });
    const dataOf = async (clientId: string | null) => {
      const { reply, events } = await recorded(() => client().obtain(license.key, { clientId }));
      assert.equal(reply.statusCode, 200, reply.body);
      assert.deepEqual(
        events.map((e) => e.type),
        ['lease.obtained'],
      );
      return events[0]!.data as { seatsInUse: unknown; sharedSeat: unknown };
    };
    for (let i = 0; i < 2; i++) {
      const anonymous = await dataOf(null);
      assert.equal(anonymous.seatsInUse, null);
      assert.equal(anonymous.sharedSeat, false, 'a lease without a client id is a seat of its own');
    }
    const first = await dataOf('laptop');
    assert.equal(first.seatsInUse, null);
    assert.equal(first.sharedSeat, false);
    assert.equal((await dataOf('laptop')).sharedSeat, true);
  });

  it('records lease.refused on the license when every seat is taken, and no lease', async () => {
    const license = await createLicense(server, { leaseLimit: 1 });
    assert.equal((await client().obtain(license.key, { clientId: 'holder' })).statusCode, 200);
    const { reply, events } = await recorded(() => client().obtain(license.key, { clientId: 'late' }));
    assert.equal(reply.statusCode, 409);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'lease.refused');
    assert.deepEqual(events[0]!.subject, { type: 'license', id: license.licenseId });
    assert.equal(events[0]!.actor, null);
    assert.deepEqual(events[0]!.data, {
      licenseId: license.licenseId,
      keyId: await keyIdOf(license),
      clientId: 'late',
      errorCode: 'LEASE_LIMIT_REACHED',
      seatsInUse: 1,
      leaseLimit: 1,
    });
    const refusedAnonymously = await recorded(() => client().obtain(license.key));
    assert.equal((refusedAnonymously.events[0]?.data as { clientId: unknown }).clientId, null);
  });

  it('records nothing for an obtain that is refused before any seat is counted', async () => {
    const expired = await createLicense(server, { leaseLimit: 5, expiry: new Date(server.clock.now() - 1000).toISOString() });
    for (const key of [expired.key, 'NO-SUCH-KEY']) {
      const { reply, events } = await recorded(() => client().obtain(key));
      assert.notEqual(reply.statusCode, 200);
      assert.deepEqual(events, []);
    }
  });

  it('records lease.renewed for the successor, and nothing for a renewal that fails', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    const code = (await client().obtain(license.key, { clientId: 'renewer' })).json().lease as string;
    const { reply, events } = await recorded(() => client().renew(code, { expiry: 300 }));
    assert.equal(reply.statusCode, 200, reply.body);
    const successor = reply.json().lease as string;
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'lease.renewed');
    assert.deepEqual(events[0]!.subject, { type: 'lease', id: leaseIdOf(successor) });
    assert.equal(events[0]!.actor, null);
    assert.deepEqual(events[0]!.data, {
      leaseId: leaseIdOf(successor),
      previousLeaseId: leaseIdOf(code),
      licenseId: license.licenseId,
      clientId: 'renewer',
      expiresAt: server.clock.now() + 300_000,
    });

    // The superseded code, then an expired one: refused, nothing recorded.
    const superseded = await recorded(() => client().renew(code));
    assert.equal(superseded.reply.json().errorCode, 'LEASE_RELEASED');
    assert.deepEqual(superseded.events, []);
    server.clock.advance(301);
    const expired = await recorded(() => client().renew(successor));
    assert.equal(expired.reply.json().errorCode, 'LEASE_EXPIRED');
    assert.deepEqual(expired.events, []);
  });

  it('records lease.released by the client once: nothing for a lease released already, or expired', async () => {
    const license = await createLicense(server, { leaseLimit: 2 });
    const code = (await client().obtain(license.key, { clientId: 'leaver' })).json().lease as string;
    const { reply, events } = await recorded(() => client().release(code));
    assert.equal(reply.json().success, true);
    assert.deepEqual(
      events.map((e) => [e.type, e.subject, e.actor]),
      [['lease.released', { type: 'lease', id: leaseIdOf(code) }, null]],
    );
    assert.deepEqual(events[0]!.data, { leaseId: leaseIdOf(code), licenseId: license.licenseId, clientId: 'leaver', by: 'client' });

    const again = await recorded(() => client().release(code));
    assert.equal(again.reply.json().success, true);
    assert.deepEqual(again.events, []);

    // An expired lease holds no seat: releasing it succeeds and changes nothing.
    const short = (await client().obtain(license.key, { expiry: 60 })).json().lease as string;
    server.clock.advance(61);
    const late = await recorded(() => client().release(short));
    assert.equal(late.reply.json().success, true);
    assert.deepEqual(late.events, []);
    const lease = await server.store.leases.find(org, leaseIdOf(short));
    assert.equal(lease?.state, 'active', 'left for housekeeping to mark expired');
  });

  it('records as many lease.obtained as leases granted and lease.refused as refusals under a burst across two instances', async () => {
    const license = await createLicense(server, { leaseLimit: 5 });
    const from = await mark();
    const apps = [server.app, other.app];
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => apps[i % 2]!.inject({ method: 'POST', url: `${server.licensingPath}/lease/obtain`, payload: { key: license.key, clientId: `burst-${i}` } })),
    );
    const granted = replies.filter((r) => r.statusCode === 200).map((r) => leaseIdOf(r.json().lease as string));
    const refused = replies.filter((r) => r.statusCode === 409);
    assert.equal(granted.length, 5);
    assert.equal(refused.length, 35);
    const events = (await since(from)).filter((e) => (e.data as { licenseId: string }).licenseId === license.licenseId);
    const obtained = events.filter((e) => e.type === 'lease.obtained');
    assert.deepEqual(obtained.map((e) => e.subject?.id).sort(), [...granted].sort());
    // Claims on one license are decided one after the other: the seats in use count up, once each.
    assert.deepEqual(obtained.map((e) => (e.data as { seatsInUse: number }).seatsInUse).sort(), [1, 2, 3, 4, 5]);
    const refusals = events.filter((e) => e.type === 'lease.refused');
    assert.equal(refusals.length, 35);
    assert.ok(refusals.every((e) => (e.data as { seatsInUse: number }).seatsInUse === 5));
    assert.equal(events.length, 40);
  });

  it('marks leases that ran out as expired, each with one lease.expired, even with two housekeepers at once', async () => {
    const license = await createLicense(server, { leaseLimit: null });
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) codes.push((await client().obtain(license.key, { clientId: `pc-${i}`, expiry: 60 })).json().lease as string);
    // Ten are released, ten renewed (their successors run out too), ten left to expire.
    for (const code of codes.slice(0, 10)) await client().release(code);
    const successors: string[] = [];
    for (const code of codes.slice(10, 20)) successors.push((await client().renew(code, { expiry: 60 })).json().lease as string);
    const runningOut = [...codes.slice(20), ...successors];
    server.clock.advance(61);

    // An expired lease before it is marked: what the licensing API answers must not change after.
    const before = {
      validate: (await client().validateLease(runningOut[0]!)).json(),
      renew: (await client().renew(runningOut[0]!)).json(),
      release: (await client().release(runningOut[0]!)).json(),
    };
    assert.equal(before.validate.errorCode, 'LEASE_EXPIRED');

    const from = await mark();
    const housekeeper = (store: Store) => new Housekeeping(store, server.clock, { retentionDays: 30, batchSize: 3 });
    const [a, b] = await Promise.all([housekeeper(server.store).run(), housekeeper(other.store).run()]);
    const expiredEvents = (await since(from)).filter((e) => e.type === 'lease.expired' && (e.data as { licenseId: string }).licenseId === license.licenseId);
    assert.deepEqual(expiredEvents.map((e) => e.subject?.id).sort(), runningOut.map(leaseIdOf).sort(), 'one event per lease that ran out, none for the released');
    assert.ok(a.expired + b.expired >= expiredEvents.length, 'the two runs together marked them');
    const one = expiredEvents.find((e) => e.subject?.id === leaseIdOf(runningOut[0]!))!;
    assert.equal(one.actor, null);
    assert.equal(one.at, server.clock.now());
    assert.deepEqual(one.data, { leaseId: leaseIdOf(runningOut[0]!), licenseId: license.licenseId, clientId: 'pc-20', expiredAt: server.clock.now() - 1000 });
    const again = await housekeeper(server.store).run();
    assert.equal(again.expired, 0);

    const marked = await server.store.leases.find(org, leaseIdOf(runningOut[0]!));
    assert.equal(marked?.state, 'expired');
    assert.equal(marked?.endedAt, marked?.expiresAt);
    assert.deepEqual(
      {
        validate: (await client().validateLease(runningOut[0]!)).json(),
        renew: (await client().renew(runningOut[0]!)).json(),
        release: (await client().release(runningOut[0]!)).json(),
      },
      before,
      'a marked lease answers as an expired one',
    );
    const list = async (state: string) => (await server.admin('GET', `/api/v1/licenses/${license.licenseId}/leases?state=${state}&limit=100`)).json<{ total: number; items: { state: string }[] }>();
    assert.equal((await list('expired')).total, 20);
    assert.equal((await list('active')).total, 0);
    assert.equal((await list('released')).total, 10);
    assert.equal((await client().validateKey(license.key)).json().leasesUsed, 0);
    // A client whose lease was marked holds no seat any more.
    const back = await recorded(() => client().obtain(license.key, { clientId: 'pc-20' }));
    assert.equal((back.events[0]?.data as { sharedSeat: unknown }).sharedSeat, false);
  });
});
