import type { Clock } from '../clock.js';
import type { Store } from '../store/index.js';
import { HOUR_MS, type UsageSample } from '../store/usage.js';

/**
 * Collects usage on the licensing path in memory (a map update, no I/O) and writes it to the store
 * in the background: at every flush it also samples the active leases of every license, so the
 * hourly peak is right for licenses nobody obtained a lease on in that hour.
 */
export class UsageRecorder {
  private pending = new Map<string, UsageSample>();

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

  /** A lease was granted and `active` leases of the license are active now (when known). */
  obtained(organizationId: string, licenseId: string, active: number | undefined): void {
    if (active === undefined) return;
    const sample = this.sample(organizationId, licenseId);
    sample.peakLeases = Math.max(sample.peakLeases, active);
  }

  /** An obtain was refused with LEASE_LIMIT_REACHED. */
  refused(organizationId: string, licenseId: string): void {
    this.sample(organizationId, licenseId).refused += 1;
  }

  /** Writes what was collected, plus a sample of the active leases now. */
  async flush(): Promise<void> {
    const now = this.clock.now();
    for (const active of await this.store.usage.activeNow(now)) {
      const sample = this.sample(active.organizationId, active.licenseId);
      sample.peakLeases = Math.max(sample.peakLeases, active.active);
    }
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
  }
}
