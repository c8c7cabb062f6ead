import type { Clock } from './clock.js';
import type { Store } from './store/index.js';

export const DAY_MS = 86_400_000;

export interface HousekeepingOptions {
  /** How long released, superseded and expired leases are kept, in days. */
  retentionDays: number;
  /** How long outbox events are kept once every live subscriber has passed them, in days (default 30). */
  eventRetentionDays?: number;
  /** Rows changed or deleted per statement: short transactions that never hold locks long. */
  batchSize?: number;
  /** Batches per run and kind at most, so one run stays bounded; the next run goes on. */
  maxBatches?: number;
}

export interface HousekeepingResult {
  /** Leases that ran out while active, marked expired now (each with its lease.expired event). */
  expired: number;
  leases: number;
  sessions: number;
  /** Outbox events deleted. */
  events: number;
}

/**
 * Records what ended by itself and deletes what nobody needs any more. Leases that ran out without
 * being renewed or released are marked `expired`, with a lease.expired event each, in the same
 * transaction; then leases that ended (released, superseded, expired) or expired more than
 * `retentionDays` ago are deleted, delivered outbox events older than `eventRetentionDays`,
 * expired sign-in sessions, and throttle records that no longer count or block. It works in
 * bounded batches; several instances may run it at the same time (PostgreSQL skips rows another
 * instance is marking or deleting, so each lease is marked and recorded once). Usage history lives
 * in its own table and is kept.
 */
export class Housekeeping {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: HousekeepingOptions,
  ) {}

  async run(): Promise<HousekeepingResult> {
    const now = this.clock.now();
    // Marked before the old leases go, oldest first, so that a lease that expired long ago (the
    // backlog of a database from before marking) still has its event before it is deleted.
    const expired = await this.inBatches((limit) => this.store.leases.markExpired(now, limit));
    const leaseCutoff = now - this.options.retentionDays * DAY_MS;
    const leases = await this.inBatches((limit) => this.store.leases.deleteEndedBefore(leaseCutoff, limit));
    const eventCutoff = now - (this.options.eventRetentionDays ?? 30) * DAY_MS;
    const events = await this.inBatches((limit) => this.store.events.deleteDelivered(eventCutoff, limit));
    const sessions = await this.store.users.deleteExpired(now, DAY_MS);
    // Failed-lookup counts of addresses that are neither counting nor blocked any more.
    await this.store.licensingThrottle.deleteStale(now, 60_000);
    return { expired, leases, sessions, events };
  }

  /** Runs `batch` until it does less than a full batch, or `maxBatches` times; the rows it did. */
  private async inBatches(batch: (limit: number) => Promise<number>): Promise<number> {
    const batchSize = this.options.batchSize ?? 1000;
    const maxBatches = this.options.maxBatches ?? 100;
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const done = await batch(batchSize);
      total += done;
      if (done < batchSize) break;
    }
    return total;
  }
}
