import { sql } from 'kysely';
import type { Db } from './db.js';
import { countSeats } from './seats.js';

/** A constant, so that the partial indexes of active leases serve (see leases.ts). */
const ACTIVE = sql.lit('active' as const);

export interface UsageSample {
  organizationId: string;
  licenseId: string;
  /** Start of the hour, ms. */
  hour: number;
  peakLeases: number;
  refused: number;
}

export interface UsageRow {
  licenseId: string;
  hour: number;
  peakLeases: number;
  refused: number;
}

export const HOUR_MS = 3_600_000;

/** Hourly usage per license: the peak of seats in use (see `countSeats`) and the refused obtains. */
export class UsageStore {
  constructor(private readonly db: Db) {}

  /**
   * Merges samples into the hourly rows: peaks keep the larger value, refusals add up. Several
   * instances merging the same hour at once is fine: each upsert is one statement.
   */
  async merge(samples: UsageSample[]): Promise<void> {
    if (samples.length === 0) return;
    for (let i = 0; i < samples.length; i += 200) {
      const chunk = samples.slice(i, i + 200);
      await this.db.kysely
        .insertInto('usage_hourly')
        .values(chunk.map((s) => ({ organization_id: s.organizationId, license_id: s.licenseId, hour: s.hour, peak_leases: s.peakLeases, refused: s.refused })))
        .onConflict((oc) =>
          oc.columns(['license_id', 'hour']).doUpdateSet((eb) => ({
            peak_leases: eb.fn<number>(this.db.dialect === 'sqlite' ? 'max' : 'greatest', [eb.ref('usage_hourly.peak_leases'), eb.ref('excluded.peak_leases')]),
            refused: eb(eb.ref('usage_hourly.refused'), '+', eb.ref('excluded.refused')),
          })),
        )
        .execute();
    }
  }

  /** Seats in use now (active, unexpired leases; one per client id), per license that has any. */
  async activeNow(now: number): Promise<{ organizationId: string; licenseId: string; active: number }[]> {
    const rows = await this.db.kysely
      .selectFrom('lease')
      .select(['organization_id', 'license_id', countSeats().as('n')])
      .where('state', '=', ACTIVE)
      .where('expires_at', '>', now)
      .groupBy(['organization_id', 'license_id'])
      .execute();
    return rows.map((r) => ({ organizationId: r.organization_id, licenseId: r.license_id, active: Number(r.n) }));
  }

  /**
   * Merges the seats in use at `at` into the rows of `hour`, as a sample: peaks keep the larger
   * value. The seats counted are those of leases still active, issued by `at` and expiring after
   * it, all of which were in use together at `at` (a lease that ended since is missed, so a sample
   * of a past moment is a lower bound). It all happens in the database, nothing is read back, and
   * a row is written only when its peak grows. Either the licenses `licenseIds`, or those after
   * `after` (in id order) that hold the next `chunk` active leases; then it returns the last
   * license id of the chunk, or undefined when the chunk reached the end.
   */
  async sampleActive(at: number, hour: number, which: { licenseIds: string[] } | { after: string; chunk: number }): Promise<string | undefined> {
    const active = () => this.db.kysely.selectFrom('lease').where('state', '=', ACTIVE).where('expires_at', '>', at);
    let leases;
    let last: string | undefined;
    if ('licenseIds' in which) {
      if (which.licenseIds.length === 0) return undefined;
      leases = active().where('license_id', 'in', which.licenseIds);
    } else {
      // The chunk's bounds read the index of active leases alone; the issue times are read below.
      const after = active().where('license_id', '>', which.after);
      last = (
        await after
          .select('license_id')
          .orderBy('license_id')
          .limit(1)
          .offset(which.chunk - 1)
          .executeTakeFirst()
      )?.license_id;
      leases = last === undefined ? after : after.where('license_id', '<=', last);
    }
    leases = leases.where('issued_at', '<=', at);
    await this.db.kysely
      .insertInto('usage_hourly')
      .columns(['organization_id', 'license_id', 'hour', 'peak_leases', 'refused'])
      .expression(
        leases
          .select((eb) => [
            'organization_id',
            'license_id',
            // In INSERT ... SELECT a parameter has no column to take its type from.
            eb.cast<number>(eb.val(hour), 'bigint').as('hour'),
            countSeats().as('peak_leases'),
            sql.lit(0).as('refused'),
          ])
          .groupBy(['organization_id', 'license_id']),
      )
      .onConflict((oc) =>
        oc
          .columns(['license_id', 'hour'])
          .doUpdateSet((eb) => ({ peak_leases: eb.ref('excluded.peak_leases') }))
          .where((eb) => eb(eb.ref('excluded.peak_leases'), '>', eb.ref('usage_hourly.peak_leases'))),
      )
      .execute();
    return last;
  }

  /** An organization's hourly rows in [since, until), optionally of one license. */
  async rows(organizationId: string, since: number, until: number, licenseId?: string): Promise<UsageRow[]> {
    let query = this.db.kysely
      .selectFrom('usage_hourly')
      .select(['license_id', 'hour', 'peak_leases', 'refused'])
      .where('organization_id', '=', organizationId)
      .where('hour', '>=', since)
      .where('hour', '<', until);
    if (licenseId) query = query.where('license_id', '=', licenseId);
    const rows = await query.orderBy('hour').execute();
    return rows.map((r) => ({ licenseId: r.license_id, hour: Number(r.hour), peakLeases: Number(r.peak_leases), refused: Number(r.refused) }));
  }
}
