import { generatePassword, hashPassword, verifyPassword } from './credentials.js';
import { WorkQueue, type Queued, type WorkQueueStats } from './work-queue.js';

/**
 * Every argon2 hash and verification a request asks for, through one bounded queue per process
 * (`LEASEHOLD_PASSWORD_HASH_CONCURRENCY` at once, `LEASEHOLD_PASSWORD_HASH_QUEUE` waiting). A
 * `done: false` answer means the server is too busy hashing to take this one now.
 */
export class PasswordHashing {
  private readonly queue: WorkQueue;
  // Verifying against this when the username is unknown makes both failures cost the same.
  private dummyHash: Promise<string> | undefined;

  constructor(options: { concurrency: number; maxWaiting: number }) {
    this.queue = new WorkQueue(options);
  }

  hash(password: string): Promise<Queued<string>> {
    return this.queue.run(() => hashPassword(password));
  }

  /** Checks `password` against `hash`, or against a throw-away hash when there is no account. */
  async verify(hash: string | undefined, password: string): Promise<Queued<boolean>> {
    if (hash === undefined) {
      this.dummyHash ??= hashPassword(generatePassword());
      const dummy = await this.dummyHash;
      const outcome = await this.queue.run(() => verifyPassword(dummy, password));
      return outcome.done ? { done: true, value: false } : outcome;
    }
    return this.queue.run(() => verifyPassword(hash, password));
  }

  /**
   * Whether a hash asked for now would be turned away: lets a request be refused before it costs
   * anything else (a throttle write). Only a hint: the queue decides when the hash is asked for.
   */
  busy(): boolean {
    return this.queue.full();
  }

  stats(): WorkQueueStats {
    return this.queue.stats();
  }
}
