// @postgres-only: transactions that commit out of order, which SQLite's one writer at a time never does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventDispatcher, type TransactionalSubscriber } from '../src/events/dispatcher.js';
import { openConfiguredStore } from '../src/server.js';
import type { DomainEvent, Store } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';
import { waitUntil } from './wait.js';

const labels = (events: readonly DomainEvent[]) => events.map((e) => (e.data as { label: string }).label);

describe('domain events on PostgreSQL, whose transactions commit in any order', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** A subscriber that keeps what it is handed. */
  const collector = (name: string) => {
    const seen: DomainEvent[] = [];
    return { name, from: 'now' as const, seen, handle: async (events: readonly DomainEvent[]) => void seen.push(...events) };
  };
  const appendOne = (label: string) => server.store.transaction((tx) => tx.events.append(server.org.organizationId, server.clock.now(), [{ type: 'test.happened', data: { label } }]));

  it('never passes an event whose transaction commits after a younger one', async () => {
    const subscriber = collector('horizon');
    const dispatcher = new EventDispatcher(server.store, server.clock);
    dispatcher.subscribe(subscriber);
    await dispatcher.deliver();
    let commitOlder!: () => void;
    const gate = new Promise<void>((resolve) => (commitOlder = resolve));
    let appended!: () => void;
    const olderAppended = new Promise<void>((resolve) => (appended = resolve));
    const older = server.store.transaction(async (tx) => {
      await tx.events.append(server.org.organizationId, server.clock.now(), [{ type: 'test.happened', data: { label: 'older' } }]);
      appended();
      await gate;
    });
    await olderAppended;
    await appendOne('younger');
    assert.equal(await dispatcher.deliver(), 0, 'the younger event waits while an older transaction runs');
    commitOlder();
    await older;
    assert.equal(await dispatcher.deliver(), 2);
    assert.deepEqual(labels(subscriber.seen), ['older', 'younger']);
    await dispatcher.stop();
  });

  /*
   * Transactional subscribers with two instances whose transactions really run at once (two
   * pools; in one process SQLite's connections would wait for each other's write lock forever).
   * The projection adds 1 to a usage row per event, so a row at 2 is an event applied twice.
   */
  const counter = (name: string, beforeWriting?: () => Promise<void>): TransactionalSubscriber => ({
    name,
    from: 'now',
    async handleInTransaction(tx, events) {
      await beforeWriting?.();
      const rows = labels(events).map((label) => ({ organizationId: server.org.organizationId, licenseId: `counted-${label}`, hour: 0, peakLeases: 0, refused: 1 }));
      await tx.usage.merge(rows);
    },
  });
  const append = async (store: Store, ...names: string[]) => {
    for (const label of names) await store.transaction((tx) => tx.events.append(server.org.organizationId, server.clock.now(), [{ type: 'test.happened', data: { label } }]));
  };
  const series = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const applied = async (prefix: string) =>
    Object.fromEntries(
      (await server.store.usage.rows(server.org.organizationId, 0, 1)).filter((r) => r.licenseId.startsWith(`counted-${prefix}`)).map((r) => [r.licenseId.slice('counted-'.length), r.refused]),
    );
  const once = (names: string[]) => Object.fromEntries(names.map((label) => [label, 1]));

  it('rolls back the batch of an instance whose hold ran out while it applied it: the instance that took over applies it once', async () => {
    const secondStore = await openConfiguredStore(server.config);
    try {
      const taker = new EventDispatcher(secondStore, server.clock, { holdMs: 1000 });
      let first = true;
      const slow = new EventDispatcher(server.store, server.clock, { holdMs: 1000 });
      slow.subscribe(
        counter('taken-mid-batch', async () => {
          if (!first) return;
          first = false;
          // Too slow: the hold runs out, and the other instance takes the batch and commits it first.
          server.clock.advance(2);
          assert.equal(await taker.deliver(), 2);
        }),
      );
      taker.subscribe(counter('taken-mid-batch'));
      await slow.deliver();
      await append(server.store, 'm0', 'm1');
      assert.equal(await slow.deliver(), 0, 'its move of the cursor failed, and its writes rolled back');
      assert.deepEqual(await applied('m'), once(['m0', 'm1']));
      assert.deepEqual((await server.store.eventSubscriptions.get('taken-mid-batch'))!.cursor, await server.store.events.end());
      await Promise.all([slow.stop(), taker.stop()]);
    } finally {
      await secondStore.close();
    }
  });

  it('applies every event once while two instances write and deliver at once, their holds running out again and again', async () => {
    const secondStore = await openConfiguredStore(server.config);
    try {
      const failures: unknown[] = [];
      const dispatchers = [server.store, secondStore].map((store) => new EventDispatcher(store, server.clock, { batchSize: 3, holdMs: 1000, onError: (err) => failures.push(err) }));
      for (const d of dispatchers) d.subscribe(counter('projected-at-once'));
      await dispatchers[0]!.deliver();
      const writing = Promise.all([append(server.store, ...series('x', 25)), append(secondStore, ...series('y', 25))]);
      let delivering = true;
      let delivered = 0;
      const loops = dispatchers.map(async (d) => {
        while (delivering) {
          const n = await d.deliver();
          delivered += n;
          server.clock.advance(1);
        }
      });
      await writing;
      delivering = false;
      await Promise.all(loops);
      // What is left, once the transactions of other tests on the server (which hold back what a reader may take) have ended.
      await waitUntil('the last events delivered', async () => {
        server.clock.advance(2);
        const n = await dispatchers[0]!.deliver();
        delivered += n;
        return delivered >= 50;
      });
      assert.equal(delivered, 50, 'each event delivered once');
      assert.deepEqual(failures, []);
      assert.deepEqual(await applied('x'), once(series('x', 25)));
      assert.deepEqual(await applied('y'), once(series('y', 25)));
      await Promise.all(dispatchers.map((d) => d.stop()));
    } finally {
      await secondStore.close();
    }
  });
});
