import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventDispatcher, type EventSubscriber } from '../src/events/dispatcher.js';
import { openConfiguredStore } from '../src/server.js';
import { recordChange } from '../src/services/change-log.js';
import { notFound } from '../src/services/outcome.js';
import { transact } from '../src/services/transact.js';
import type { DomainEvent, Store } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';

/** A subscriber that keeps what it is handed, and fails the batches `failNext` says. */
function collector(name: string, options: { from?: 'oldest' | 'now' } = {}) {
  const seen: DomainEvent[] = [];
  const subscriber: EventSubscriber & { seen: DomainEvent[]; failNext: number } = {
    name,
    from: options.from,
    seen,
    failNext: 0,
    async handle(events) {
      if (subscriber.failNext > 0) {
        subscriber.failNext--;
        throw new Error('receiver down');
      }
      seen.push(...events);
    },
  };
  return subscriber;
}

const caller = (server: TestServer) => ({
  organizationId: server.org.organizationId,
  role: 'owner' as const,
  actor: { type: 'user' as const, id: 'u-1', name: 'Ada' },
  userId: 'u-1',
});

/** Appends `n` events of type `test.happened` in one transaction each. */
async function appendEvents(store: Store, server: TestServer, n: number, label = 'e'): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.transaction((tx) => tx.events.append(server.org.organizationId, server.clock.now(), [{ type: 'test.happened', data: { label: `${label}${i}` } }]));
  }
}

/** Appends one event of type `test.happened` in a transaction of its own. */
const appendOne = (store: Store, server: TestServer, label: string) =>
  store.transaction((tx) => tx.events.append(server.org.organizationId, server.clock.now(), [{ type: 'test.happened', data: { label } }]));

const labels = (events: readonly DomainEvent[]) => events.filter((e) => e.type === 'test.happened').map((e) => (e.data as { label: string }).label);

describe(`domain events on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('records a change, its audit entry and its event in the transaction of the change', async () => {
    const res = await server.admin('PATCH', '/api/v1/organization', { name: 'Renamed in one transaction' });
    assert.equal(res.statusCode, 200, res.body);
    const [event] = await server.store.events.list(server.org.organizationId, { types: ['organization.updated'], limit: 1 });
    assert.ok(event, 'an organization.updated event');
    assert.deepEqual(event.subject, { type: 'organization', id: server.org.organizationId });
    assert.equal(event.actor?.type, 'token');
    assert.equal((event.data as { after: { name: string } }).after.name, 'Renamed in one transaction');
    assert.equal(event.at, server.clock.now());
    const audit = await server.store.audit.list(server.org.organizationId, { resourceType: 'organization', limit: 1, offset: 0 });
    assert.equal((audit.items[0]?.after as { name: string }).name, 'Renamed in one transaction');
  });

  it('records nothing of a change that is refused: its writes, audit entry and event roll back together', async () => {
    const before = await server.store.events.end();
    const outcome = await transact(server.store, async (tx) => {
      await tx.organizations.rename(server.org.organizationId, 'Never committed');
      await recordChange(tx, caller(server), server.clock.now(), { action: 'update', resourceType: 'organization', resourceId: server.org.organizationId });
      return notFound('something the change needed');
    });
    assert.deepEqual(outcome, { ok: false, failure: { kind: 'not_found', message: 'something the change needed not found' } });
    assert.notEqual((await server.store.organizations.get(server.org.organizationId))?.name, 'Never committed');
    assert.deepEqual(await server.store.events.after(before, 10), []);
    const audit = await server.store.audit.list(server.org.organizationId, { limit: 5, offset: 0 });
    assert.ok(!audit.items.some((entry) => entry.resourceType === 'organization' && entry.after === null && entry.before === null));
  });

  it('rolls back a change whose transaction fails after its event was written', async () => {
    const before = await server.store.events.end();
    await assert.rejects(
      server.store.transaction(async (tx) => {
        await tx.events.append(server.org.organizationId, server.clock.now(), [{ type: 'test.happened', data: { label: 'lost' } }]);
        throw new Error('fault after the event');
      }),
      /fault after the event/,
    );
    assert.deepEqual(await server.store.events.after(before, 10), []);
  });

  it('refuses to append an event outside a transaction', async () => {
    await assert.rejects(server.store.events.append(server.org.organizationId, 0, [{ type: 'test.happened', data: null }]), /in the transaction of their change/);
  });

  it('hands every event to a subscriber once, in commit order', async () => {
    const subscriber = collector('in-order', { from: 'now' });
    const dispatcher = new EventDispatcher(server.store, server.clock, { batchSize: 7 });
    dispatcher.subscribe(subscriber);
    await dispatcher.deliver();
    await appendEvents(server.store, server, 30, 'o');
    assert.equal(await dispatcher.deliver(), 30);
    assert.deepEqual(
      labels(subscriber.seen),
      Array.from({ length: 30 }, (_, i) => `o${i}`),
    );
    assert.equal(await dispatcher.deliver(), 0, 'nothing twice');
    await dispatcher.stop();
  });

  it('hands a failed batch over again after a backoff, and loses nothing', async () => {
    const subscriber = collector('retried', { from: 'now' });
    const dispatcher = new EventDispatcher(server.store, server.clock);
    dispatcher.subscribe(subscriber);
    await dispatcher.deliver();
    await appendEvents(server.store, server, 3, 'r');
    subscriber.failNext = 2;
    assert.equal(await dispatcher.deliver(), 0, 'the receiver failed');
    assert.equal(await dispatcher.deliver(), 0, 'no attempt before the backoff');
    server.clock.advance(1);
    assert.equal(await dispatcher.deliver(), 0, 'failed again');
    server.clock.advance(1);
    assert.equal(await dispatcher.deliver(), 0, 'the second backoff is longer');
    server.clock.advance(1);
    assert.equal(await dispatcher.deliver(), 3);
    assert.deepEqual(labels(subscriber.seen), ['r0', 'r1', 'r2']);
    await dispatcher.stop();
  });

  it('goes on after a restart from where the cursor was; a dead instance is replaced once its hold runs out', async () => {
    const first = collector('restarted', { from: 'now' });
    const dying = new EventDispatcher(server.store, server.clock, { holdMs: 30_000 });
    dying.subscribe(first);
    await dying.deliver();
    await appendEvents(server.store, server, 2, 'a');
    assert.equal(await dying.deliver(), 2);
    await appendEvents(server.store, server, 2, 'b');
    // The instance dies without a word (no stop): its hold lasts 30 s from its last delivery.
    const second = collector('restarted', { from: 'now' });
    const restarted = new EventDispatcher(server.store, server.clock, { holdMs: 30_000 });
    restarted.subscribe(second);
    assert.equal(await restarted.deliver(), 0, 'the old hold still counts');
    server.clock.advance(30);
    assert.equal(await restarted.deliver(), 2);
    assert.deepEqual(labels(second.seen), ['b0', 'b1']);
    await restarted.stop();
  });

  it('lets another instance take over at once after a clean stop', async () => {
    const one = new EventDispatcher(server.store, server.clock);
    one.subscribe(collector('handed-over', { from: 'now' }));
    await one.deliver();
    await one.stop();
    const other = new EventDispatcher(server.store, server.clock);
    const subscriber = collector('handed-over', { from: 'now' });
    other.subscribe(subscriber);
    await appendEvents(server.store, server, 1, 'h');
    assert.equal(await other.deliver(), 1);
    await other.stop();
  });

  it('with two instances on one database, hands each event to one of them', async () => {
    const secondStore = await openConfiguredStore(server.config);
    try {
      const subscribers = [collector('shared', { from: 'now' }), collector('shared', { from: 'now' })];
      const dispatchers = [new EventDispatcher(server.store, server.clock, { batchSize: 5 }), new EventDispatcher(secondStore, server.clock, { batchSize: 5 })];
      dispatchers.forEach((d, i) => d.subscribe(subscribers[i]!));
      await Promise.all(dispatchers.map((d) => d.deliver()));
      // PostgreSQL: both instances write while both deliver. SQLite: two connections of one process
      // must not write at once (a write waiting for the other's open transaction blocks the thread
      // that would finish it, for the busy timeout), so the writes come first, from both, in turn.
      const write = () => Promise.all([appendEvents(server.store, server, 20, 'x'), appendEvents(secondStore, server, 20, 'y')]);
      const writing = TEST_DATABASE === 'postgres' ? write() : undefined;
      if (!writing)
        for (let i = 0; i < 20; i++)
          for (const [store, label] of [
            [server.store, 'x'],
            [secondStore, 'y'],
          ] as const)
            await appendOne(store, server, `${label}${i}`);
      let delivering = true;
      const loops = dispatchers.map(async (d) => {
        while (delivering) {
          await d.deliver();
          // Lets the writes in between: SQLite's driver answers within one turn of the event loop.
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
      await (writing ?? new Promise<unknown>((resolve) => setImmediate(resolve)));
      delivering = false;
      await Promise.all(loops);
      // Whoever holds the subscription now delivers what is left.
      for (const d of dispatchers) await d.deliver();
      server.clock.advance(60);
      for (const d of dispatchers) await d.deliver();
      const all = [...labels(subscribers[0]!.seen), ...labels(subscribers[1]!.seen)];
      assert.equal(all.length, 40, 'each event once');
      assert.equal(new Set(all).size, 40);
      for (const prefix of ['x', 'y']) {
        const mine = all.filter((l) => l.startsWith(prefix));
        assert.deepEqual(
          mine,
          Array.from({ length: 20 }, (_, i) => `${prefix}${i}`),
          'in the order each instance wrote them',
        );
      }
      await Promise.all(dispatchers.map((d) => d.stop()));
    } finally {
      await secondStore.close();
    }
  });

  it('deletes delivered events past their retention, never those a running subscriber has not had', async () => {
    const subscriber = collector('retention', { from: 'now' });
    const dispatcher = new EventDispatcher(server.store, server.clock);
    dispatcher.subscribe(subscriber);
    await dispatcher.deliver();
    const start = await server.store.events.end();
    await appendEvents(server.store, server, 2, 'kept');
    server.clock.advance(3600);
    const cutoff = server.clock.now();
    // The subscriber is running but its receiver is down: it is behind, and its events stay.
    subscriber.failNext = 1;
    assert.equal(await dispatcher.deliver(), 0);
    await server.store.events.deleteDelivered(cutoff, 1000);
    assert.deepEqual(labels(await server.store.events.after(start, 10)), ['kept0', 'kept1'], 'kept until delivered');
    server.clock.advance(1);
    await dispatcher.deliver();
    assert.deepEqual(labels(subscriber.seen), ['kept0', 'kept1']);
    await server.store.events.deleteDelivered(cutoff, 1000);
    assert.deepEqual(await server.store.events.after(start, 10), [], 'deleted once delivered and old');
    await dispatcher.stop();
  });
});
