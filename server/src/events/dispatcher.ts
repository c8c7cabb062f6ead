import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { DomainEvent, EventCursor, Store } from '../store/index.js';

/**
 * A consumer of the outbox inside the server (webhooks, metrics, reports). It gets every event, in
 * commit order, at least once: a batch whose `handle` throws is handed over again later, and so
 * are the events after the cursor of an instance that died before it moved the cursor on.
 */
export interface EventSubscriber {
  /** Unique and stable across restarts: where the subscriber has got to is kept under it. */
  readonly name: string;
  /** Where a subscriber that never ran begins: with the oldest event kept (default), or with those to come. */
  readonly from?: 'oldest' | 'now';
  /** Handles events in order; throw to have the same batch again after a backoff. */
  handle(events: readonly DomainEvent[]): Promise<void>;
}

export interface DispatcherOptions {
  /** This instance's name in `event_subscription.holder`: unique per process. */
  holder?: string;
  /** How long a subscription stays this instance's without news from it; another instance takes over after. */
  holdMs?: number;
  /** Events per `handle` call at most. */
  batchSize?: number;
  /** How often the outbox is read when nothing woke the dispatcher. */
  pollMs?: number;
  /** Where a failed delivery is reported. */
  onError?: (err: unknown, subscriber: string) => void;
}

interface Entry {
  subscriber: EventSubscriber;
  /** Failed batches in a row, for the backoff. */
  failures: number;
  /** When, on the clock, the next attempt may be made after a failure. */
  retryAt: number;
}

/** Batches per subscriber and run at most, so that one busy subscriber cannot keep the run going. */
const ROUNDS_PER_RUN = 20;
const MAX_BACKOFF_MS = 60_000;

/**
 * Delivers the outbox to the subscribers registered on this instance. Several instances may run
 * one each on the same database: a subscription is held by one instance at a time (see
 * `EventSubscriptionStore.acquire`), so each event is handed to one of them, and to another only
 * when the first stopped or failed before moving the cursor on.
 */
export class EventDispatcher {
  readonly holder: string;
  private readonly entries = new Map<string, Entry>();
  private readonly holdMs: number;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private running: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: DispatcherOptions = {},
  ) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.holdMs = options.holdMs ?? 30_000;
    this.batchSize = options.batchSize ?? 100;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /** Registers a subscriber; the returned function removes it. */
  subscribe(subscriber: EventSubscriber): () => void {
    if (this.entries.has(subscriber.name)) throw new Error(`an event subscriber named ${subscriber.name} is registered already`);
    this.entries.set(subscriber.name, { subscriber, failures: 0, retryAt: 0 });
    return () => {
      this.entries.delete(subscriber.name);
    };
  }

  /**
   * Hands every pending event to the subscribers this instance holds or can take, and resolves
   * with how many events were handed over. Runs one at a time: a call made while a run is under
   * way gets a run of its own right after it.
   */
  deliver(): Promise<number> {
    if (this.running) return this.running.then(() => this.deliver());
    const run = (async () => {
      let delivered = 0;
      try {
        for (const entry of [...this.entries.values()]) delivered += await this.deliverTo(entry);
      } finally {
        this.running = undefined;
      }
      return delivered;
    })();
    this.running = run;
    return run;
  }

  /** Reads the outbox every `pollMs` from now on (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.entries.size === 0) return;
      this.deliver().catch((err: unknown) => this.options.onError?.(err, '*'));
    };
    this.timer = setInterval(tick, this.pollMs);
    this.timer.unref();
  }

  /** Stops polling, waits for the run under way and gives up the subscriptions this instance holds, so another takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    for (const name of this.entries.keys()) await this.store.eventSubscriptions.letGo(name, this.holder).catch(() => undefined);
  }

  private async deliverTo(entry: Entry): Promise<number> {
    const { subscriber } = entry;
    const now = this.clock.now();
    if (now < entry.retryAt) return 0;
    let cursor: EventCursor | undefined = await this.store.eventSubscriptions.acquire(subscriber.name, this.holder, now, now + this.holdMs, await this.startOf(subscriber));
    if (!cursor) return 0;
    let delivered = 0;
    for (let round = 0; round < ROUNDS_PER_RUN; round++) {
      const batch = await this.store.events.after(cursor, this.batchSize);
      if (batch.length === 0) break;
      try {
        await subscriber.handle(batch);
      } catch (err) {
        entry.failures++;
        entry.retryAt = this.clock.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (entry.failures - 1));
        this.options.onError?.(err, subscriber.name);
        break;
      }
      entry.failures = 0;
      entry.retryAt = 0;
      cursor = batch[batch.length - 1]!.cursor;
      const at = this.clock.now();
      // Lost meanwhile (this instance was too slow): the new holder delivers from the old cursor.
      if (!(await this.store.eventSubscriptions.advance(subscriber.name, this.holder, cursor, at, at + this.holdMs))) break;
      delivered += batch.length;
      if (batch.length < this.batchSize) break;
    }
    return delivered;
  }

  /** The cursor a subscription that does not exist yet starts at. */
  private async startOf(subscriber: EventSubscriber): Promise<EventCursor> {
    if (subscriber.from !== 'now') return { tx: 0, id: 0 };
    const existing = await this.store.eventSubscriptions.get(subscriber.name);
    return existing ? existing.cursor : this.store.events.end();
  }
}
