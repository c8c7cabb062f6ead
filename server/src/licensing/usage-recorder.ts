import type { Clock } from '../clock.js';
import type { Store } from '../store/index.js';
import { HOUR_MS } from '../store/usage.js';

/** Active leases sampled per statement at a flush; the server answers requests between two. */
const SAMPLE_CHUNK = 1000;
/** Pause between two chunks of the hourly sample in the background, so that it never keeps the database busy for long. */
const SAMPLE_PAUSE_MS = 25;

/**
 * Keeps the usage history up to date. The licensing path records every obtain and refusal in the
 * outbox, in the transaction of the claim, and `UsageHistory` turns those events into the hourly
 * rows: a flush first has it catch up with the outbox (the events of every instance, whichever
 * delivers them; an instance that dies loses nothing). An hour's peak of a license is the larger
 * of its seats in use when the hour began and its seats in use after each obtain in the hour
 * (nothing else adds a seat; leases with the same client id share one, see `store/seats.ts`);
 * the events give the second, so the first flush of each hour also samples the active leases of
 * every license, for the licenses nobody obtains a lease on in that hour. That sample is taken in
 * the database, a chunk of licenses per statement, the server answering requests between two;
 * read into memory, 200,000 active leases held the event loop for seconds and grew the heap by
 * 100 MB or more.
 */
export class UsageRecorder {
  /** The hour whose first flush sampled every license. */
  private sampledHour: number | undefined;
  /** The flush under way, which the next one waits for. */
  private running: Promise<void> | undefined;
  /** Set while an unpaced flush waits: the one under way stops pausing. */
  private hurry = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Hands the usage history every lease event committed so far (`EventDispatcher.catchUp`). */
    private readonly catchUp: () => Promise<unknown>,
  ) {}

  /**
   * Brings the usage history up to date with the outbox, and samples the active leases now (see
   * above). `paced`: pauses between the chunks of the hourly sample (the background flush; not
   * when the server closes). A flush asked for while one runs waits for it and then runs.
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
    // A delivery that fails (the next flush tries again) does not keep the hour from being sampled.
    let failed: { err: unknown } | undefined;
    try {
      await this.catchUp();
    } catch (err) {
      failed = { err };
    }
    await this.sampleHour(paced);
    if (failed) throw failed.err;
  }

  /** At the first flush of each hour, the seats in use now of every license, into that hour. */
  private async sampleHour(paced: boolean): Promise<void> {
    const now = this.clock.now();
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    if (this.sampledHour === hour) return;
    for (let after: string | undefined = ''; after !== undefined;) {
      after = await this.store.usage.sampleActive(now, hour, { after, chunk: SAMPLE_CHUNK });
      if (after !== undefined) await new Promise((resolve) => (paced && !this.hurry ? setTimeout(resolve, SAMPLE_PAUSE_MS) : setImmediate(resolve)));
    }
    this.sampledHour = hour;
  }
}
