import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { DomainEvent, EventCursor, Store } from '../store/index.js';

interface Subscription {
  /** Unique and stable across restarts: where the subscriber has got to is kept under it. */
  readonly name: string;
  /** Where a subscriber that never ran begins: with the oldest event kept (default), or with those to come. */
  readonly from?: 'oldest' | 'now';
  /** Events per batch at most; the dispatcher's `batchSize` when not given. */
  readonly batchSize?: number;
}

/**
 * A consumer of the outbox outside the database (webhooks, metrics). It gets every event, in
 * commit order, at least once: a batch whose `handle` throws is handed over again later, and so
 * are the events after the cursor of an instance that died before it moved the cursor on.
 */
export interface EventSubscriber extends Subscription {
  /** Handles events in order; throw to have the same batch again after a backoff. */
  handle(events: readonly DomainEvent[]): Promise<void>;
}

/**
 * A consumer that keeps what it makes of the events in the same database (a projection such as
 * the usage history). Its writes and the cursor's move commit in one transaction, which commits
 * only while this instance holds the subscription: every batch is applied exactly once, across
 * failures, restarts and instances.
 */
export interface TransactionalSubscriber extends Subscription {
  /**
   * Applies events in order, with `tx` only (the cursor moves on in the same transaction). Throw
   * to roll the batch back and have it again after a backoff.
   */
  handleInTransaction(tx: Store, events: readonly DomainEvent[]): Promise<void>;
}

export type AnySubscriber = EventSubscriber | TransactionalSubscriber;

export interface SubscribeOptions {
  /**
   * Whether the dispatcher's timer delivers to it (default). A subscriber that is not polled gets
   * its events when its owner asks, with `catchUp`, or with `deliver`.
   */
  poll?: boolean;
}

export interface DispatcherOptions {
  /** This instance's name in `event_subscription.holder`: unique per process. */
  holder?: string;
  /** How long a subscription stays this instance's without news from it; another instance takes over after. */
  holdMs?: number;
  /** Events per batch at most, for the subscribers that do not set their own. */
  batchSize?: number;
  /** How often the outbox is read when nothing woke the dispatcher. */
  pollMs?: number;
  /** Where a failed delivery is reported. */
  onError?: (err: unknown, subscriber: string) => void;
}

interface Entry {
  subscriber: AnySubscriber;
  poll: boolean;
  /** Failed batches in a row, for the backoff. */
  failures: number;
  /** When, on the clock, the next attempt may be made after a failure. */
  retryAt: number;
  /** The delivery to this subscriber under way, which the next one waits for. */
  running: Promise<number> | undefined;
}

/** The advance in a subscriber's transaction found the subscription gone to another instance. */
class SubscriptionLost extends Error {}

/** Whether `a` comes before `b` in the outbox's order. */
const precedes = (a: EventCursor, b: EventCursor) => a.tx < b.tx || (a.tx === b.tx && a.id < b.id);

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
  subscribe(subscriber: AnySubscriber, { poll = true }: SubscribeOptions = {}): () => void {
    if (this.entries.has(subscriber.name)) throw new Error(`an event subscriber named ${subscriber.name} is registered already`);
    this.entries.set(subscriber.name, { subscriber, poll, failures: 0, retryAt: 0, running: undefined });
    return () => {
      this.entries.delete(subscriber.name);
    };
  }

  /**
   * Hands pending events to every subscriber this instance holds or can take, and resolves with
   * how many events were handed over. Deliveries to one subscriber run one at a time: a call made
   * while one is under way gets a run of its own right after it.
   */
  async deliver(): Promise<number> {
    return this.deliverEach([...this.entries.values()]);
  }

  /**
   * Hands the named subscriber every event committed before the call, however many batches that
   * takes, unless another instance holds it (then nothing: that instance delivers). Unlike the
   * timer's deliveries it ignores the backoff of earlier failures, and rejects with the
   * subscriber's error. Resolves with how many events were handed over.
   */
  catchUp(name: string): Promise<number> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`no event subscriber named ${name} is registered`));
    return this.serialized(entry, () => this.deliverTo(entry, true));
  }

  /** Reads the outbox every `pollMs` from now on, for the polled subscribers (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      const polled = [...this.entries.values()].filter((entry) => entry.poll);
      if (polled.length === 0) return;
      this.deliverEach(polled).catch((err: unknown) => this.options.onError?.(err, '*'));
    };
    this.timer = setInterval(tick, this.pollMs);
    this.timer.unref();
  }

  /** Stops polling, waits for the deliveries under way and gives up the subscriptions this instance holds, so another takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const entry of this.entries.values()) await entry.running?.catch(() => undefined);
    for (const name of this.entries.keys()) await this.store.eventSubscriptions.letGo(name, this.holder).catch(() => undefined);
  }

  private async deliverEach(entries: readonly Entry[]): Promise<number> {
    let delivered = 0;
    for (const entry of entries) delivered += await this.serialized(entry, () => this.deliverTo(entry, false));
    return delivered;
  }

  /** Runs `work` after the delivery to `entry` under way, if any: one instance never hands a subscriber two batches at once. */
  private serialized(entry: Entry, work: () => Promise<number>): Promise<number> {
    const previous = entry.running;
    const run = (async () => {
      await previous?.catch(() => undefined);
      return work();
    })();
    entry.running = run;
    const settled = () => {
      if (entry.running === run) entry.running = undefined;
    };
    run.then(settled, settled);
    return run;
  }

  /**
   * Delivers batches to one subscriber while this instance holds it. A run of `deliver` waits out
   * the backoff, reports a failure to `onError` and stops after ROUNDS_PER_RUN batches; one
   * `toEnd` (a catch-up) goes on to the end the outbox had when it began and rejects on a failure.
   */
  private async deliverTo(entry: Entry, toEnd: boolean): Promise<number> {
    const { subscriber } = entry;
    const now = this.clock.now();
    if (!toEnd && now < entry.retryAt) return 0;
    let cursor: EventCursor | undefined = await this.store.eventSubscriptions.acquire(subscriber.name, this.holder, now, now + this.holdMs, await this.startOf(subscriber));
    if (!cursor) return 0;
    const size = subscriber.batchSize ?? this.batchSize;
    const end = toEnd ? await this.store.events.end() : undefined;
    let delivered = 0;
    for (let round = 0; toEnd || round < ROUNDS_PER_RUN; round++) {
      const batch = await this.store.events.after(cursor, size);
      if (batch.length === 0) break;
      const next = batch[batch.length - 1]!.cursor;
      let moved: boolean;
      try {
        moved = await this.hand(subscriber, batch, cursor, next);
      } catch (err) {
        if (toEnd) throw err;
        entry.failures++;
        entry.retryAt = this.clock.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (entry.failures - 1));
        this.options.onError?.(err, subscriber.name);
        break;
      }
      entry.failures = 0;
      entry.retryAt = 0;
      // Lost meanwhile (this instance was too slow): the new holder delivers from the old cursor.
      if (!moved) break;
      cursor = next;
      delivered += batch.length;
      if (batch.length < size || (end && !precedes(cursor, end))) break;
    }
    return delivered;
  }

  /**
   * Hands one batch over and moves the cursor from `from` to `to`; false when the subscription was
   * lost meanwhile. A transactional subscriber's writes and the move are one transaction, which
   * rolls back when the move fails, so that the instance that holds the subscription now applies
   * the batch instead, once.
   */
  private async hand(subscriber: AnySubscriber, batch: readonly DomainEvent[], from: EventCursor, to: EventCursor): Promise<boolean> {
    const advance = (store: Store) => {
      const at = this.clock.now();
      return store.eventSubscriptions.advance(subscriber.name, this.holder, from, to, at, at + this.holdMs);
    };
    if (!('handleInTransaction' in subscriber)) {
      await subscriber.handle(batch);
      return advance(this.store);
    }
    try {
      await this.store.transaction(async (tx) => {
        await subscriber.handleInTransaction(tx, batch);
        if (!(await advance(tx))) throw new SubscriptionLost(`the event subscription ${subscriber.name} went to another instance`);
      });
      return true;
    } catch (err) {
      if (err instanceof SubscriptionLost) return false;
      throw err;
    }
  }

  /** The cursor a subscription that does not exist yet starts at. */
  private async startOf(subscriber: AnySubscriber): Promise<EventCursor> {
    if (subscriber.from !== 'now') return { tx: 0, id: 0 };
    const existing = await this.store.eventSubscriptions.get(subscriber.name);
    return existing ? existing.cursor : this.store.events.end();
  }
}
