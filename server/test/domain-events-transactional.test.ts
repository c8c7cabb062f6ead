import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventDispatcher, type TransactionalSubscriber } from '../src/events/dispatcher.js';
import { openConfiguredStore } from '../src/server.js';
import type { DomainEvent, EventCursor, Store } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';
import { TEST_DATABASE } from './pg.js';

/*
 * Subscribers whose work lives in the same database: their writes and the cursor's move commit in
 * one transaction. The projection here adds 1 to a usage row per event (`refused` sums up, as the
 * usage history's refusals do), so a row at 2 is an event applied twice and a missing row one lost.
 */

const labels = (events: readonly DomainEvent[]) => events.filter((e) => e.type === 'test.happened').map((e) => (e.data as { label: string }).label);

/** A projection that counts each test event in its own row, and fails the batches `failNext` says after writing them. */
function counter(name: string, organizationId: string) {
  const subscriber: TransactionalSubscriber & { failNext: number; batches: number } = {
    name,
    from: 'now',
    failNext: 0,
    batches: 0,
    async handleInTransaction(tx, events) {
      subscriber.batches++;
      await tx.usage.merge(labels(events).map((label) => ({ organizationId, licenseId: `counted-${label}`, hour: 0, peakLeases: 0, refused: 1 })));
      if (subscriber.failNext > 0) {
        subscriber.failNext--;
        throw new Error('projection fault');
      }
    },
  };
  return subscriber;
}

describe(`transactional event subscribers on ${TEST_DATABASE}`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const org = () => server.org.organizationId;

  /** Appends one `test.happened` event per label, one transaction each, through `store`. */
  async function append(store: Store, ...names: string[]): Promise<void> {
    for (const label of names) await store.transaction((tx) => tx.events.append(org(), server.clock.now(), [{ type: 'test.happened', data: { label } }]));
  }
  const series = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  /** How many times each label whose name starts with `prefix` was applied. */
  async function applied(prefix: string): Promise<Record<string, number>> {
    const rows = await server.store.usage.rows(org(), 0, 1);
    return Object.fromEntries(rows.filter((r) => r.licenseId.startsWith(`counted-${prefix}`)).map((r) => [r.licenseId.slice('counted-'.length), r.refused]));
  }
  const once = (names: string[]) => Object.fromEntries(names.map((label) => [label, 1]));

  it('commits the writes of a batch with the move of its cursor, and a batch whose transaction fails leaves neither', async () => {
    const subscriber = counter('projection-fails', org());
    const dispatcher = new EventDispatcher(server.store, server.clock);
    dispatcher.subscribe(subscriber);
    await dispatcher.deliver();
    const start = (await server.store.eventSubscriptions.get(subscriber.name))!.cursor;
    await append(server.store, 'f0', 'f1', 'f2');

    subscriber.failNext = 1;
    assert.equal(await dispatcher.deliver(), 0, 'the transaction failed after the writes');
    assert.deepEqual(await applied('f'), {}, 'its writes rolled back');
    assert.deepEqual((await server.store.eventSubscriptions.get(subscriber.name))!.cursor, start, 'its cursor did not move');

    server.clock.advance(1);
    assert.equal(await dispatcher.deliver(), 3, 'the same batch again after the backoff');
    assert.deepEqual(await applied('f'), once(['f0', 'f1', 'f2']));
    assert.deepEqual((await server.store.eventSubscriptions.get(subscriber.name))!.cursor, await server.store.events.end(), 'the cursor moved with them');
    assert.equal(await dispatcher.deliver(), 0);
    assert.deepEqual(await applied('f'), once(['f0', 'f1', 'f2']), 'nothing twice');
    await dispatcher.stop();
  });

  it('catches a subscriber up with every event committed before the call, however many batches, and rejects with its failure', async () => {
    const subscriber = counter('caught-up', org());
    const dispatcher = new EventDispatcher(server.store, server.clock, { batchSize: 2 });
    dispatcher.subscribe(subscriber, { poll: false });
    await dispatcher.catchUp(subscriber.name);
    // More than a timer's run takes (20 batches of 2).
    const names = series('c', 45);
    await append(server.store, ...names);
    subscriber.failNext = 1;
    await assert.rejects(dispatcher.catchUp(subscriber.name), /projection fault/);
    assert.deepEqual(await applied('c'), {}, 'the failed batch left nothing');
    // No backoff for a catch-up: it is asked for.
    assert.equal(await dispatcher.catchUp(subscriber.name), 45);
    assert.equal(subscriber.batches, 1 + 23);
    assert.deepEqual(await applied('c'), once(names));
    await assert.rejects(dispatcher.catchUp('nobody'), /no event subscriber named nobody/);
    await dispatcher.stop();
  });

  /**
   * `store`, whose reader stops after reading its first batch and runs `meanwhile` before the
   * batch is applied: what another instance does between a dispatcher's read and its transaction.
   */
  function stallingAfterRead(store: Store, meanwhile: () => Promise<void>): Store {
    let stalled = false;
    const events = Object.assign(Object.create(store.events) as Store['events'], {
      after: async (cursor: EventCursor, limit: number) => {
        const batch = await store.events.after(cursor, limit);
        if (batch.length > 0 && !stalled) {
          stalled = true;
          await meanwhile();
        }
        return batch;
      },
    });
    return new Proxy(store, { get: (target, key, receiver) => (key === 'events' ? events : Reflect.get(target, key, receiver)) });
  }

  for (const { name, holder } of [
    { name: 'lost-after-reading', holder: undefined },
    // Misconfigured, but still once: the cursor moves only from where the batch was read.
    { name: 'same-holder', holder: 'the-same-name' },
  ]) {
    it(`rolls back the batch of an instance that another instance${holder ? ' with the same holder name' : ''} overtook after it read the batch, which is applied once`, async () => {
      const secondStore = await openConfiguredStore(server.config);
      try {
        const taker = new EventDispatcher(secondStore, server.clock, { holdMs: 1000, holder });
        taker.subscribe(counter(name, org()));
        const slowStore = stallingAfterRead(server.store, async () => {
          // The slow instance's hold runs out, and the other instance takes the batch and applies it.
          server.clock.advance(2);
          assert.equal(await taker.deliver(), 2, 'taken over');
        });
        const slow = new EventDispatcher(slowStore, server.clock, { holdMs: 1000, holder });
        const subscriber = counter(name, org());
        slow.subscribe(subscriber);
        await slow.deliver();
        await append(server.store, `${name}0`, `${name}1`);
        assert.equal(await slow.deliver(), 0, 'its move of the cursor failed');
        assert.equal(subscriber.batches, 1, 'after it had applied the batch in its transaction');
        assert.deepEqual(await applied(name), once([`${name}0`, `${name}1`]), 'which rolled back');
        assert.deepEqual((await server.store.eventSubscriptions.get(name))!.cursor, await server.store.events.end());
        await Promise.all([slow.stop(), taker.stop()]);
      } finally {
        await secondStore.close();
      }
    });
  }

  it('with two instances taking the subscription from each other in turns, applies every batch once', async () => {
    const secondStore = await openConfiguredStore(server.config);
    try {
      const subscribers = [counter('projected-in-turns', org()), counter('projected-in-turns', org())];
      const dispatchers = [new EventDispatcher(server.store, server.clock, { holdMs: 1000 }), new EventDispatcher(secondStore, server.clock, { holdMs: 1000 })];
      dispatchers.forEach((d, i) => d.subscribe(subscribers[i]!));
      await dispatchers[0]!.deliver();
      const names: string[] = [];
      // Each instance takes over where the other left the cursor once its hold ran out.
      for (let round = 0; round < 4; round++) {
        const batch = [`h${round}a`, `h${round}b`];
        names.push(...batch);
        await append(round % 2 === 0 ? server.store : secondStore, ...batch);
        const next = dispatchers[(round + 1) % 2]!;
        assert.equal(await next.deliver(), 0, 'the other instance holds it');
        server.clock.advance(1);
        assert.equal(await next.deliver(), 2, `round ${round}: taken over`);
        assert.equal(await dispatchers[round % 2]!.deliver(), 0, 'and the one before has it no longer');
      }
      assert.deepEqual(await applied('h'), once(names));
      await Promise.all(dispatchers.map((d) => d.stop()));
    } finally {
      await secondStore.close();
    }
  });
});
