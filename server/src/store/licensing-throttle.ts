import { sql } from 'kysely';
import type { Db } from './db.js';

/** How failed licensing lookups are limited: more than `limit` in a window of `windowMs` block for `blockMs`. */
export interface FailurePolicy {
  limit: number;
  windowMs: number;
  blockMs: number;
}

/** An address's failures in its current window, and until when it is blocked (0 or past: not). */
export interface FailureCount {
  failures: number;
  blockedUntil: number;
}

/**
 * Failed key and lease lookups per client address, kept in the database so that the limit holds
 * across instances. Only failures write here: a successful lookup costs nothing.
 */
export class LicensingThrottleStore {
  constructor(private readonly db: Db) {}

  /**
   * Counts one failure of `address` at `now` and returns the new count, in one statement (an
   * upsert), so simultaneous failures on any number of instances each count once. A window that
   * ended starts over at 1. The failure that goes over the limit blocks the address for
   * `blockMs`; failures while it is blocked count but do not extend the block.
   */
  async recordFailure(address: string, now: number, policy: FailurePolicy): Promise<FailureCount> {
    const windowEnded = now - policy.windowMs;
    const until = now + policy.blockMs;
    const initialBlock = 1 > policy.limit ? until : 0;
    // In DO UPDATE SET every column names the row as it was, so the new count is spelled out twice.
    const t = sql.ref('licensing_throttle');
    const counted = sql`case when ${t}.window_start <= ${windowEnded} then 1 else ${t}.failures + 1 end`;
    const { rows } = await sql<{ failures: number | string; blocked_until: number | string }>`
      insert into licensing_throttle (address, window_start, failures, blocked_until)
      values (${address}, ${now}, 1, ${initialBlock})
      on conflict (address) do update set
        window_start = case when ${t}.window_start <= ${windowEnded} then cast(${now} as bigint) else ${t}.window_start end,
        failures = ${counted},
        blocked_until = case when ${counted} > ${policy.limit} and ${t}.blocked_until <= ${now} then cast(${until} as bigint) else ${t}.blocked_until end
      returning failures, blocked_until`.execute(this.db.kysely);
    const row = rows[0]!;
    return { failures: Number(row.failures), blockedUntil: Number(row.blocked_until) };
  }

  /** Deletes the records of addresses whose window and block have both ended; returns how many. */
  async deleteStale(now: number, windowMs: number): Promise<number> {
    const result = await this.db.kysely
      .deleteFrom('licensing_throttle')
      .where('window_start', '<=', now - windowMs)
      .where('blocked_until', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
