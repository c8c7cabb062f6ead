import type { LicenseClient } from './client.js';
import { MAX_TIMER_MS } from './clock.js';
import { Emitter } from './emitter.js';
import { decodeLease, grantOf } from './lease.js';
import { nodeProcess } from './node.js';
import { webCrypto } from './webcrypto.js';
import { hasFeature, type Denied, type LicensingErrorCode, type Unavailable, type ValidFor } from './types.js';

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

/**
 * - stopped: not started, or stopped
 * - acquiring: asking for a seat
 * - held: a seat is held (online, or offline within the signed lease's life)
 * - waiting: every seat is taken; asking again later
 * - offline: no seat, the server cannot be reached; retrying with backoff
 * - denied: the key is invalid or expired (or the endpoint is wrong): the keeper gave up
 * - lost: the seat was lost and `reacquire` is off
 */
export type SeatStatus = 'stopped' | 'acquiring' | 'held' | 'waiting' | 'offline' | 'denied' | 'lost';

export interface SeatState {
  status: SeatStatus;
  /** A seat is held: the lease is unexpired and the server has not said otherwise. */
  held: boolean;
  /** The last call reached the server. */
  online: boolean;
  lease: string | null;
  /** The lease's expiry (server time). */
  expiry: Date | null;
  validFor: ValidFor;
  lastError: Denied | Unavailable | null;
}

export interface SeatKeeperEvents {
  /** A seat was taken. `replaced` names why the previous lease ended when this one replaced it. */
  acquired: { lease: string; expiry: Date; validFor: ValidFor; replaced: LicensingErrorCode | null };
  /** The lease was renewed: a new code for the same seat. */
  renewed: { lease: string; expiry: Date };
  /** The server stopped answering; `heldUntil` is how long the seat is still held without it. */
  offline: { error: Unavailable; heldUntil: Date | null };
  /** The server answers again. */
  online: Record<string, never>;
  /** The seat is no longer held: LEASE_EXPIRED (offline too long), or the server's code. */
  lost: { errorCode: LicensingErrorCode; message: string };
  /** Every seat of the license is taken; the keeper asks again in `retryInMs`. */
  limitReached: { message: string; retryInMs: number };
  /** The key is invalid or expired, or the endpoint is wrong: the keeper stops trying. */
  denied: { errorCode: LicensingErrorCode; message: string };
  /** stop() gave the seat back. */
  released: { lease: string };
  /** stop() finished; `released` is false when there was no seat or the server could not be told. */
  stopped: { released: boolean };
  /** A listener threw; the keeper carried on. */
  error: { error: unknown; event: string };
}

interface Timer {
  clear(): void;
}

interface Seat {
  code: string;
  expiry: Date;
  validFor: ValidFor;
  /** When the lease was asked for, on the keeper's clock. */
  sentAt: number;
  /** The lease's life in ms (exp - iat). */
  life: number;
  /** When it runs out on the keeper's clock: sentAt + life, never later than the server's expiry. */
  expiresAt: number;
}

const LEASE_ENDED: readonly LicensingErrorCode[] = ['LEASE_RELEASED', 'LEASE_EXPIRED', 'LEASE_INVALID'];
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Holds a seat while the application runs: obtains a lease, renews it at about two thirds of its
 * life, retries with backoff when the server cannot be reached, keeps the seat held while the
 * signed lease is unexpired (offline grace), and gives it back on stop() and, in Node, on exit
 * signals. Reports what happens as events. Never throws into the application: every failure is a
 * state and an event.
 */
export class SeatKeeper extends Emitter<SeatKeeperEvents> {
  readonly client: LicenseClient;
  private readonly options: Required<Omit<SeatKeeperOptions, 'leaseSeconds' | 'backoff'>> & { leaseSeconds?: number; initialMs: number; maxMs: number };
  private status: SeatStatus = 'stopped';
  private seat: Seat | undefined;
  private online = true;
  private failures = 0;
  private lastError: Denied | Unavailable | null = null;
  private timer: Timer | undefined;
  private expiryTimer: Timer | undefined;
  private busy: Promise<void> = Promise.resolve();
  private generation = 0;
  private starting: Promise<SeatState> | undefined;
  private stopping: Promise<{ released: boolean }> | undefined;
  private abort: AbortController | undefined;
  private signalHandlers: Array<[string, () => void]> = [];
  private clientIdValue: Promise<string> | undefined;

  constructor(client: LicenseClient, options: SeatKeeperOptions = {}) {
    super();
    this.client = client;
    this.options = {
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

  /** True while a seat is held: the lease is unexpired and the server has not ended it. */
  get held(): boolean {
    return this.seat !== undefined && this.now() < this.seat.expiresAt;
  }

  get state(): SeatState {
    const held = this.held;
    return {
      status: this.status,
      held,
      online: this.online,
      lease: this.seat?.code ?? null,
      expiry: this.seat?.expiry ?? null,
      validFor: held ? this.seat!.validFor : [],
      lastError: this.lastError,
    };
  }

  /** True when a seat is held and its lease grants `feature` of `product`. */
  hasFeature(product: string, feature: string): boolean {
    return this.held && hasFeature(this.seat!.validFor, product, feature);
  }

  /**
   * Starts holding a seat. Resolves, never rejects, once the first attempt is answered (or has
   * failed: the keeper then goes on retrying in the background) with the state then.
   */
  start(): Promise<SeatState> {
    if (this.stopping) return this.stopping.then(() => this.start());
    if (this.status !== 'stopped' && this.status !== 'denied' && this.status !== 'lost') return (this.starting ?? Promise.resolve()).then(() => this.state);
    const gen = ++this.generation;
    this.status = 'acquiring';
    this.failures = 0;
    this.online = true;
    this.lastError = null;
    this.abort = new AbortController();
    this.installSignalHandlers();
    this.starting = this.enqueue(gen, () => this.acquire(gen, null)).then(() => this.state);
    return this.starting;
  }

  /**
   * Stops renewing and gives the seat back. Resolves, never rejects: `released` is false when
   * there was no seat or the server could not be told (the lease then simply runs out).
   */
  stop(): Promise<{ released: boolean }> {
    this.stopping ??= this.shutdown().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  /** Resolves when no call of the keeper is in flight; for tests. */
  async whenIdle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.busy;
      await current;
    } while (current !== this.busy);
  }

  // --- steps ------------------------------------------------------------------------------------

  /**
   * The client id every obtain of this keeper sends: the client's (by default the machine's), or,
   * when it has none, one made up once for this keeper. The server gives all leases of one client
   * id one seat, so the keeper that obtains again after an answer it never heard (a renewal whose
   * reply was lost) gets another lease on the seat it holds rather than a second seat.
   */
  private clientId(): Promise<string> {
    this.clientIdValue ??= this.client.getClientId().then(async (id) => {
      if (id) return id;
      const bytes = (await webCrypto()).getRandomValues(new Uint8Array(16));
      return `keeper-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    });
    return this.clientIdValue;
  }

  private async acquire(gen: number, replaced: LicensingErrorCode | null): Promise<void> {
    const sentAt = this.now();
    const clientId = await this.clientId().catch(() => undefined);
    const r = await this.client.obtainLease({ leaseSeconds: this.options.leaseSeconds, clientId, signal: this.abort?.signal });
    if (r.ok) {
      this.take(r.lease, r.expiry, await granted(r.lease, r.validFor), sentAt);
      if (gen !== this.generation) return;
      this.recovered();
      this.status = 'held';
      this.emit('acquired', { lease: r.lease, expiry: r.expiry, validFor: this.seat!.validFor, replaced });
      this.scheduleRenewal(gen);
      return;
    }
    if (gen !== this.generation) return;
    this.lastError = r;
    if (replaced && this.seat) this.lose(replaced, 'the server ended the lease and no new one could be obtained');
    if (r.kind === 'unavailable') {
      this.wentOffline(r);
      this.status = 'offline';
      this.retry(gen, r, () => this.acquire(gen, null));
      return;
    }
    this.recovered();
    if (r.errorCode === 'LEASE_LIMIT_REACHED') {
      this.status = 'waiting';
      const delay = Math.round(this.options.limitRetryMs * (0.75 + 0.5 * this.options.random()));
      this.emit('limitReached', { message: r.message, retryInMs: delay });
      this.schedule(gen, delay, () => this.acquire(gen, null));
      return;
    }
    this.giveUp('denied', r);
  }

  private async renew(gen: number): Promise<void> {
    const seat = this.seat;
    if (!seat) return this.acquire(gen, null);
    if (this.now() >= seat.expiresAt) {
      this.lose('LEASE_EXPIRED', 'the lease expired before it could be renewed');
      return this.acquire(gen, null);
    }
    const sentAt = this.now();
    const r = await this.client.renewLease({ lease: seat.code, leaseSeconds: this.options.leaseSeconds, signal: this.abort?.signal });
    if (r.ok) {
      const validFor = await granted(r.lease, r.validFor ?? seat.validFor);
      const lostMeanwhile = this.seat !== seat;
      this.take(r.lease, r.expiry, validFor, sentAt);
      if (gen !== this.generation) return;
      this.recovered();
      this.status = 'held';
      if (lostMeanwhile) this.emit('acquired', { lease: r.lease, expiry: r.expiry, validFor: this.seat!.validFor, replaced: 'LEASE_EXPIRED' });
      else this.emit('renewed', { lease: r.lease, expiry: r.expiry });
      this.scheduleRenewal(gen);
      return;
    }
    if (gen !== this.generation) return;
    this.lastError = r;
    if (r.kind === 'unavailable') {
      this.wentOffline(r);
      this.status = this.held ? 'held' : 'offline';
      this.retry(gen, r, () => this.renew(gen));
      return;
    }
    this.recovered();
    if (LEASE_ENDED.includes(r.errorCode)) {
      if (this.options.reacquire) return this.acquire(gen, r.errorCode);
      this.lose(r.errorCode, r.message);
      this.giveUp('lost');
      return;
    }
    this.lose(r.errorCode, r.message);
    this.giveUp('denied', r);
  }

  private async shutdown(): Promise<{ released: boolean }> {
    try {
      this.generation++;
      this.clearTimers();
      this.removeSignalHandlers();
      // A call in flight may still bring a lease, which is then released too; one that hangs is cut.
      let cap: unknown;
      const capped = new Promise<void>((resolve) => {
        cap = setTimeout(() => {
          this.abort?.abort();
          resolve();
        }, this.options.releaseTimeoutMs);
        (cap as { unref?: () => void }).unref?.();
      });
      await Promise.race([this.whenIdle(), capped]);
      clearTimeout(cap as number);
      this.clearTimers();
      const seat = this.seat;
      this.seat = undefined;
      let released = false;
      if (seat && this.now() < seat.expiresAt) {
        const r = await this.client.releaseLease(seat.code, { timeoutMs: this.options.releaseTimeoutMs });
        released = r.ok;
        if (r.ok) this.emit('released', { lease: seat.code });
      }
      this.status = 'stopped';
      this.online = true;
      this.failures = 0;
      this.emit('stopped', { released });
      return { released };
    } catch (error) {
      this.status = 'stopped';
      this.emit('error', { error, event: 'stop' });
      return { released: false };
    }
  }

  // --- state ------------------------------------------------------------------------------------

  private take(code: string, expiry: Date, validFor: ValidFor, sentAt: number): void {
    const claims = decodeLease(code)?.claims;
    const life = Math.max(0, claims ? (claims.exp - claims.iat) * 1000 : expiry.getTime() - sentAt);
    this.seat = { code, expiry, validFor, sentAt, life, expiresAt: sentAt + life };
    this.expiryTimer?.clear();
    this.expiryTimer = this.armAt(this.seat.expiresAt, () => {
      this.expiryTimer = undefined;
      if (this.seat?.code !== code) return;
      this.lose('LEASE_EXPIRED', 'the lease expired before it could be renewed');
      if (this.status === 'held') this.status = this.online ? 'acquiring' : 'offline';
    });
  }

  private lose(errorCode: LicensingErrorCode, message: string): void {
    const seat = this.seat;
    if (!seat) return;
    this.seat = undefined;
    this.expiryTimer?.clear();
    this.expiryTimer = undefined;
    if (this.client.lease === seat.code) this.client.lease = undefined;
    this.emit('lost', { errorCode, message });
  }

  private giveUp(status: 'denied' | 'lost', denial?: Denied): void {
    this.status = status;
    this.clearTimers();
    this.removeSignalHandlers();
    if (denial) this.emit('denied', { errorCode: denial.errorCode, message: denial.message });
  }

  private wentOffline(error: Unavailable): void {
    this.failures++;
    if (!this.online) return;
    this.online = false;
    this.emit('offline', { error, heldUntil: this.held ? new Date(this.seat!.expiresAt) : null });
  }

  private recovered(): void {
    this.failures = 0;
    if (this.online) return;
    this.online = true;
    this.emit('online', {});
  }

  // --- timing -----------------------------------------------------------------------------------

  private now(): number {
    return this.client.clock.now();
  }

  private scheduleRenewal(gen: number): void {
    const seat = this.seat!;
    const fraction = this.options.renewAt + this.options.jitter * (2 * this.options.random() - 1);
    const at = seat.sentAt + seat.life * Math.min(0.95, Math.max(0.05, fraction));
    this.schedule(gen, at - this.now(), () => this.renew(gen));
  }

  private retry(gen: number, error: Unavailable, step: () => Promise<void>): void {
    const base = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(30, this.failures - 1));
    let delay = base * (0.5 + 0.5 * this.options.random());
    if (error.retryAfterMs !== null) delay = Math.max(delay, Math.min(error.retryAfterMs, this.options.maxMs));
    this.schedule(gen, Math.round(delay), step);
  }

  private schedule(gen: number, delay: number, step: () => Promise<void>): void {
    this.timer?.clear();
    this.timer = this.armAt(this.now() + Math.max(0, delay), () => {
      this.timer = undefined;
      void this.enqueue(gen, step);
    });
  }

  /** A timer for an instant on the keeper's clock, re-armed while it is not yet due (long delays, clock changes). */
  private armAt(at: number, fire: () => void): Timer {
    const clock = this.client.clock;
    let handle: unknown;
    const arm = () => {
      handle = clock.setTimeout(() => (at - this.now() > 1000 ? arm() : fire()), Math.min(MAX_TIMER_MS, Math.max(0, at - this.now())));
    };
    arm();
    return { clear: () => clock.clearTimeout(handle) };
  }

  private clearTimers(): void {
    this.timer?.clear();
    this.expiryTimer?.clear();
    this.timer = undefined;
    this.expiryTimer = undefined;
  }

  /** Runs steps one at a time; a step of an earlier start() is dropped; nothing escapes. */
  private enqueue(gen: number, step: () => Promise<void>): Promise<void> {
    this.busy = this.busy
      .then(() => (gen === this.generation ? step() : undefined))
      .catch((error: unknown) => this.emit('error', { error, event: 'internal' }));
    return this.busy;
  }

  // --- Node exit signals --------------------------------------------------------------------------

  private installSignalHandlers(): void {
    const proc = nodeProcess();
    const wanted = this.options.handleSignals;
    if (!proc || wanted === false || this.signalHandlers.length > 0) return;
    const signals = Array.isArray(wanted) ? wanted : proc.platform === 'win32' ? [...SIGNALS, 'SIGBREAK'] : SIGNALS;
    for (const signal of signals) {
      const handler = () => {
        this.removeSignalHandlers();
        void this.stop().then(() => {
          // Nobody else listens: do what the signal would have done without us.
          if (proc.listenerCount(signal) === 0) proc.kill(proc.pid, signal);
        });
      };
      proc.on(signal, handler);
      this.signalHandlers.push([signal, handler]);
    }
    // The event loop emptied (the application finished) while a seat is held: give it back.
    const beforeExit = () => {
      this.removeSignalHandlers();
      void this.stop();
    };
    proc.on('beforeExit', beforeExit);
    this.signalHandlers.push(['beforeExit', beforeExit]);
  }

  private removeSignalHandlers(): void {
    const proc = nodeProcess();
    for (const [signal, handler] of this.signalHandlers) proc?.removeListener(signal, handler);
    this.signalHandlers = [];
  }
}

/**
 * What a lease the server just gave grants: its claims decide (see grantOf), the reply adds the
 * descriptions; a digest-only lease whose reply does not match it grants nothing.
 */
async function granted(code: string, replied: ValidFor): Promise<ValidFor> {
  const claims = decodeLease(code)?.claims;
  if (!claims) return replied;
  return (await grantOf(claims, replied)) ?? [];
}
