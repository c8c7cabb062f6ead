// @postgres-only: transactions that commit out of order, which SQLite's one writer at a time never does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventDispatcher } from '../src/events/dispatcher.js';
import type { DomainEvent } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';

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
  const appendOne = (label: string) =>
    server.store.transaction((tx) => tx.events.append(server.org.organizationId, server.clock.now(), [{ type: 'test.happened', data: { label } }]));

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

});
