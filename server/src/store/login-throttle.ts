import type { Db } from './db.js';

export interface ThrottlePolicy {
  /** Attempts that may fail inside the window before the key is blocked. */
  freeFailures: number;
  windowMs: number;
}

/** The outcome of reserving an attempt: go ahead, or wait until `blockedUntil`. */
export type Reservation =
  /** `blocks`: the keys this attempt blocked (it was their last free failure), with until when. */
  { allowed: true; blocks: Record<string, number> } | { allowed: false; blockedUntil: number };

/**
 * Counts password attempts per key (an account, a client address) in `login_throttle`, so the
 * count holds across instances. An attempt is reserved before its password is checked, counted as
 * a failure up front in one write transaction: simultaneous attempts are counted one after the
 * other, and no more than `freeFailures` of them in a window can ever reach the password check,
 * however many arrive at once. The caller then settles it: a success clears the account's count
 * and gives the attempt back to the address.
 */
export class LoginThrottleStore {
  constructor(private readonly db: Db) {}

  /**
   * Reserves one attempt on every key, all or none: when any key is blocked nothing is counted and
   * the answer says until when. The `freeFailures`-th counted attempt inside `windowMs` blocks the
   * key until that window ends: never more than `freeFailures` failures per window.
   */
  async reserve(keys: string[], now: number, policy: ThrottlePolicy): Promise<Reservation> {
    // Sorted, so that two transactions on PostgreSQL lock the same rows in the same order.
    const sorted = [...new Set(keys)].sort();
    return this.db.writeTransaction(async (trx) => {
      const updates: { key: string; failures: number; first_failure_at: number; blocked_until: number }[] = [];
      let blockedUntil = 0;
      for (const key of sorted) {
        // The row exists before it is read, and is read locked (PostgreSQL), so that simultaneous
        // attempts count one after the other instead of racing to insert it.
        await trx
          .insertInto('login_throttle')
          .values({ key, failures: 0, first_failure_at: now, blocked_until: 0 })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        let read = trx.selectFrom('login_throttle').selectAll().where('key', '=', key);
        if (this.db.dialect === 'postgres') read = read.forUpdate();
        const row = (await read.executeTakeFirstOrThrow()) as { failures: number; first_failure_at: number; blocked_until: number };
        if (Number(row.blocked_until) > now) {
          blockedUntil = Math.max(blockedUntil, Number(row.blocked_until));
          continue;
        }
        const fresh = Number(row.failures) === 0 || now - Number(row.first_failure_at) > policy.windowMs;
        const failures = fresh ? 1 : Number(row.failures) + 1;
        const first = fresh ? now : Number(row.first_failure_at);
        updates.push({ key, failures, first_failure_at: first, blocked_until: failures >= policy.freeFailures ? first + policy.windowMs : 0 });
      }
      if (blockedUntil > 0) return { allowed: false, blockedUntil };
      const blocks: Record<string, number> = {};
      for (const { key, ...values } of updates) {
        await trx.updateTable('login_throttle').set(values).where('key', '=', key).execute();
        if (values.blocked_until > 0) blocks[key] = values.blocked_until;
      }
      return { allowed: true, blocks };
    });
  }

  /**
   * Inside a write transaction, waits for and holds the row of `key` until it ends (PostgreSQL; on
   * SQLite the transaction's write lock already serialises), so that what the caller decides
   * about that key next is decided one attempt after the other.
   */
  async lock(key: string): Promise<void> {
    if (this.db.dialect === 'postgres') await this.db.kysely.selectFrom('login_throttle').select('key').where('key', '=', key).forUpdate().execute();
  }

  /** Forgets the count of `key`: the account's owner proved they know the password. */
  async clear(key: string): Promise<void> {
    await this.db.kysely.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  /**
   * Gives back an attempt reserved on `key` that did not fail (a success from a shared address, or
   * an attempt the server turned away unchecked). The block it may have started is lifted when
   * the failures left are below the free ones.
   */
  async release(key: string, policy: ThrottlePolicy): Promise<void> {
    await this.db.writeTransaction(async (trx) => {
      let read = trx.selectFrom('login_throttle').select('failures').where('key', '=', key);
      if (this.db.dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirst();
      if (!row) return;
      const failures = Math.max(0, Number(row.failures) - 1);
      await trx
        .updateTable('login_throttle')
        .set(failures < policy.freeFailures ? { failures, blocked_until: 0 } : { failures })
        .where('key', '=', key)
        .execute();
    });
  }
}
