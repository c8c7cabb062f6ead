// How a SeatKeeper can be tuned, and the defaults it runs with otherwise.

export interface SeatKeeperOptions {
  /** Lease lifetime to ask for, in seconds; default the client's, else the server's (600). */
  leaseSeconds?: number;
  /** When to renew, as a fraction of the lease's life; default 2/3. */
  renewAt?: number;
  /** Spread of the renewal time, as a fraction of the lease's life either way; default 0.05. */
  jitter?: number;
  /** Retries after a network failure or a 5xx: first delay and ceiling, in ms (doubling, with jitter); default 1000 and 60000. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long to wait before asking again when every seat is taken, in ms; default 60000 (with jitter). */
  limitRetryMs?: number;
  /**
   * When the server says the lease was released, superseded or has expired, obtain a new one
   * at once; default true. With false the keeper reports 'lost' and stops.
   */
  reacquire?: boolean;
  /**
   * In Node, release the seat on SIGINT, SIGTERM and SIGHUP (then let the signal do what it would
   * have done) and when the event loop empties; default true. A list chooses the signals (the
   * empty event loop is always handled); false handles none: call stop() yourself.
   */
  handleSignals?: boolean | readonly string[];
  /** How long stop() waits for a call in flight and for the release, in ms; default 5000. */
  releaseTimeoutMs?: number;
  /** Random numbers in [0, 1) for jitter; for tests. */
  random?: () => number;
}

/** The options with every default filled in, the backoff flattened. */
export type KeeperSettings = Required<Omit<SeatKeeperOptions, 'leaseSeconds' | 'backoff'>> & { leaseSeconds?: number; initialMs: number; maxMs: number };

export function keeperSettings(options: SeatKeeperOptions): KeeperSettings {
  return {
    leaseSeconds: options.leaseSeconds,
    renewAt: options.renewAt ?? 2 / 3,
    jitter: options.jitter ?? 0.05,
    initialMs: options.backoff?.initialMs ?? 1000,
    maxMs: options.backoff?.maxMs ?? 60_000,
    limitRetryMs: options.limitRetryMs ?? 60_000,
    reacquire: options.reacquire ?? true,
    handleSignals: options.handleSignals ?? true,
    releaseTimeoutMs: options.releaseTimeoutMs ?? 5000,
    random: options.random ?? Math.random,
  };
}
