import type { Clock } from '../clock.js';
import type { Store } from '../store/index.js';
import { HOUR_MS, type UsageSample } from '../store/usage.js';

/** Active leases sampled per statement at a flush; the server answers requests between two. */
const SAMPLE_CHUNK = 1000;
/** Pause between two chunks of the hourly sample in the background, so that it never keeps the database busy for long. */
const SAMPLE_PAUSE_MS = 25;

/**
 * Collects usage on the licensing path in memory (a map update, no I/O) and writes it to the store
 * in the background, every flush. An hour's peak of a license is the larger of its seats in use
 * when the hour began and its seats in use after each obtain in the hour (nothing else adds a
 * seat; leases with the same client id share one, see `store/seats.ts`), so a flush writes:
 * - the peaks counted when obtains claimed a seat, and the refusals;
 * - the active leases now of the licenses obtained on without a count (no limit, nothing to count
 *   against);
 * - at the first flush of each hour, the active leases of every license, for the licenses nobody
 *   obtains a lease on in that hour. That sample is taken in the database, a chunk of licenses per
 *   statement, the server answering requests between two; read into memory at every flush, 200,000
 *   active leases held the event loop for seconds and grew the heap by 100 MB or more.
 */
export class UsageRecorder {
  private pending = new Map<string, UsageSample>();
  /** Licenses obtained on, without a count, since the last flush. */
  private uncounted = new Set<string>();
  /** The hour whose first flush sampled every license. */
  private sampledHour: number | undefined;
  /** The flush under way, which the next one waits for. */
  private running: Promise<void> | undefined;
  /** Set while an unpaced flush waits: the one under way stops pausing. */
  private hurry = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  private sample(organizationId: string, licenseId: string, hour = Math.floor(this.clock.now() / HOUR_MS) * HOUR_MS): UsageSample {
    const key = `${licenseId}|${hour}`;
    let sample = this.pending.get(key);
    if (!sample) {
      sample = { organizationId, licenseId, hour, peakLeases: 0, refused: 0 };
      this.pending.set(key, sample);
    }
    return sample;
  }

  /** A lease was granted and `active` seats of the license are in use now (when known; leases with one client id share a seat). */
  obtained(organizationId: string, licenseId: string, active: number | undefined): void {
    if (active === undefined) {
      this.uncounted.add(licenseId);
      return;
    }
    const sample = this.sample(organizationId, licenseId);
    sample.peakLeases = Math.max(sample.peakLeases, active);
  }

  /** An obtain was refused with LEASE_LIMIT_REACHED. */
  refused(organizationId: string, licenseId: string): void {
    this.sample(organizationId, licenseId).refused += 1;
  }

  /**
   * Writes what was collected, and samples the active leases now (see above). `paced`: pauses
   * between the chunks of the hourly sample (the background flush; not when the server closes).
   * A flush asked for while one runs waits for it and then runs.
   */
  async flush({ paced = false }: { paced?: boolean } = {}): Promise<void> {
    // An unpaced flush (the server closing) also ends the pauses of one under way.
    if (!paced) this.hurry = true;
    const previous = this.running;
    const run = (async () => {
      await previous?.catch(() => undefined);
      await this.write(paced);
    })();
    this.running = run;
    try {
      await run;
    } finally {
      if (this.running === run) {
        this.running = undefined;
        this.hurry = false;
      }
    }
  }

  private async write(paced: boolean): Promise<void> {
    const now = this.clock.now();
    const uncounted = [...this.uncounted];
    this.uncounted = new Set();
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.store.usage.merge(batch);
    } catch (err) {
      // Keep what could not be written for the next flush rather than losing it.
      for (const s of batch) {
        const sample = this.sample(s.organizationId, s.licenseId, s.hour);
        sample.peakLeases = Math.max(sample.peakLeases, s.peakLeases);
        sample.refused += s.refused;
      }
      throw err;
    }
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    try {
      if (this.sampledHour !== hour) {
        for (let after: string | undefined = ''; after !== undefined; ) {
          after = await this.store.usage.sampleActive(now, hour, { after, chunk: SAMPLE_CHUNK });
          if (after !== undefined) await new Promise((resolve) => (paced && !this.hurry ? setTimeout(resolve, SAMPLE_PAUSE_MS) : setImmediate(resolve)));
        }
        this.sampledHour = hour;
      } else {
        for (let i = 0; i < uncounted.length; i += SAMPLE_CHUNK) await this.store.usage.sampleActive(now, hour, { licenseIds: uncounted.slice(i, i + SAMPLE_CHUNK) });
      }
    } catch (err) {
      for (const licenseId of uncounted) this.uncounted.add(licenseId);
      throw err;
    }
  }
}
