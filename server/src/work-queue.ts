/** What `WorkQueue.run` answers: the job's value, or `done: false` when the queue was full and the job never ran. */
export type Queued<T> = { done: true; value: T } | { done: false };

export interface WorkQueueStats {
  running: number;
  waiting: number;
  /** The most jobs that ever ran at once. */
  peakRunning: number;
  /** Jobs turned away because the queue was full. */
  refused: number;
}

/**
 * Runs expensive jobs (argon2 password hashes) at most `concurrency` at a time, keeps at most
 * `maxWaiting` more waiting, and turns the rest away at once: a flood of sign-ins then costs a few
 * quick refusals instead of hundreds of hashes competing for the CPU while every other request
 * waits behind them.
 */
export class WorkQueue {
  private running = 0;
  private peakRunning = 0;
  private refused = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: { concurrency: number; maxWaiting: number }) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
  }

  async run<T>(job: () => Promise<T>): Promise<Queued<T>> {
    if (this.running >= this.options.concurrency) {
      if (this.waiting.length >= this.options.maxWaiting) {
        this.refused++;
        return { done: false };
      }
      // The place is handed over by the job that finishes, so `running` never goes above the bound.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    this.peakRunning = Math.max(this.peakRunning, this.running);
    try {
      return { done: true, value: await job() };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Whether a job given now would be turned away. */
  full(): boolean {
    return this.running >= this.options.concurrency && this.waiting.length >= this.options.maxWaiting;
  }

  stats(): WorkQueueStats {
    return { running: this.running, waiting: this.waiting.length, peakRunning: this.peakRunning, refused: this.refused };
  }
}
