import type { Clock } from './clock.js';
import type { Store } from './store/index.js';

export const DAY_MS = 86_400_000;

export interface HousekeepingOptions {
  /** How long released, superseded and expired leases are kept, in days. */
  retentionDays: number;
  /** Rows deleted per statement: short transactions that never hold locks long. */
  batchSize?: number;
  /** Batches per run at most, so one run stays bounded; the next run goes on. */
  maxBatches?: number;
}

export interface HousekeepingResult {
  leases: number;
  sessions: number;
}

/**
 * Deletes what nobody needs any more: leases that ended (released, superseded) or expired more than
 * `retentionDays` ago, expired sign-in sessions, and throttle records that no longer count or block. It deletes in bounded batches; several
 * instances may run it at the same time (PostgreSQL skips rows another instance is deleting).
 * Usage history lives in its own table and is kept.
 */
export class Housekeeping {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: HousekeepingOptions,
  ) {}

  async run(): Promise<HousekeepingResult> {
    const now = this.clock.now();
    const cutoff = now - this.options.retentionDays * DAY_MS;
    const batchSize = this.options.batchSize ?? 1000;
    const maxBatches = this.options.maxBatches ?? 100;
    let leases = 0;
    for (let i = 0; i < maxBatches; i++) {
      const deleted = await this.store.leases.deleteEndedBefore(cutoff, batchSize);
      leases += deleted;
      if (deleted < batchSize) break;
    }
    const sessions = await this.store.users.deleteExpired(now, DAY_MS);
    // Failed-lookup counts of addresses that are neither counting nor blocked any more.
    await this.store.licensingThrottle.deleteStale(now, 60_000);
    return { leases, sessions };
  }
}
