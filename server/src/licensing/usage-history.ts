import type { TransactionalSubscriber } from '../events/dispatcher.js';
import type { DomainEvent, Store } from '../store/index.js';
import { LEASE_EVENT } from '../store/lease-events.js';
import { HOUR_MS, type UsageSample } from '../store/usage.js';

/** Licenses sampled per statement, as the hourly sample does. */
const SAMPLE_CHUNK = 1000;

const hourOf = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS;

/** The license and seats of a lease.obtained or lease.refused, or undefined for data of another shape, which is passed over rather than stop the history for good. */
function seatsOf(event: DomainEvent): { licenseId: string; seatsInUse: number | null } | undefined {
  const data = event.data as { licenseId?: unknown; seatsInUse?: unknown } | null;
  if (typeof data?.licenseId !== 'string') return undefined;
  const seats = data.seatsInUse;
  return { licenseId: data.licenseId, seatsInUse: typeof seats === 'number' && Number.isFinite(seats) ? seats : null };
}

/**
 * The usage history (`usage_hourly`) read from the outbox: each hour's peak of seats in use and
 * its refused obtains per license, from the lease events, in the transaction that moves this
 * subscriber's cursor, so that every event counts once, whichever instance delivers it and
 * whenever (an event counts in the hour it happened, however late it is delivered).
 *
 * - lease.obtained with `seatsInUse`: the seats in use after the claim, a sample of its hour.
 * - lease.obtained without (a license without a limit counts nothing at the claim): the license's
 *   seats in use at the latest such obtain of the hour in the batch, counted in the database.
 * - lease.refused: one refusal, and its `seatsInUse`, the seats taken when it was refused.
 *
 * What no lease event tells, the seats still in use from an earlier hour in an hour nobody
 * obtains in, the hourly sample of `UsageRecorder` adds.
 */
export class UsageHistory implements TransactionalSubscriber {
  readonly name = 'usage-history';
  /*
   * From the oldest event kept: the subscription is created at the first delivery, not at the
   * server's start, and what happened before it (since the start, or since the outbox began on an
   * upgraded server) counts too. Deleting the subscription with the rows rebuilds the history
   * from the events still kept.
   */
  readonly from = 'oldest';
  /** One transaction per thousand events: the licensing path writes a few thousand a second under load. */
  readonly batchSize = 1000;

  async handleInTransaction(tx: Store, events: readonly DomainEvent[]): Promise<void> {
    const samples = new Map<string, UsageSample>();
    const sample = (organizationId: string, licenseId: string, hour: number) => {
      const key = `${licenseId}|${hour}`;
      let found = samples.get(key);
      if (!found) samples.set(key, (found = { organizationId, licenseId, hour, peakLeases: 0, refused: 0 }));
      return found;
    };
    /** Per hour, the licenses obtained on without a count, and the latest such obtain. */
    const uncounted = new Map<number, { at: number; licenseIds: Set<string> }>();

    for (const event of events) {
      if (event.type !== LEASE_EVENT.obtained && event.type !== LEASE_EVENT.refused) continue;
      const seats = seatsOf(event);
      if (!seats) continue;
      const hour = hourOf(event.at);
      if (event.type === LEASE_EVENT.refused) sample(event.organizationId, seats.licenseId, hour).refused += 1;
      if (seats.seatsInUse !== null) {
        const found = sample(event.organizationId, seats.licenseId, hour);
        found.peakLeases = Math.max(found.peakLeases, seats.seatsInUse);
      } else if (event.type === LEASE_EVENT.obtained) {
        let group = uncounted.get(hour);
        if (!group) uncounted.set(hour, (group = { at: event.at, licenseIds: new Set() }));
        group.at = Math.max(group.at, event.at);
        group.licenseIds.add(seats.licenseId);
      }
    }

    // In key order, as other writers of these rows mostly go, so that PostgreSQL transactions
    // merging the same rows take their locks in the same order.
    await tx.usage.merge([...samples.values()].sort((a, b) => (a.licenseId < b.licenseId ? -1 : a.licenseId > b.licenseId ? 1 : a.hour - b.hour)));
    for (const [hour, { at, licenseIds }] of uncounted) {
      const ids = [...licenseIds].sort();
      for (let i = 0; i < ids.length; i += SAMPLE_CHUNK) await tx.usage.sampleActive(at, hour, { licenseIds: ids.slice(i, i + SAMPLE_CHUNK) });
    }
  }
}
