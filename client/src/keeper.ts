// The SeatKeeper: the steps that obtain, renew and give back a seat, and the states they move it through.
import type { LicenseClient } from './client.js';
import { Emitter } from './emitter.js';
import { ExitSignals } from './exit-signals.js';
import type { SeatKeeperEvents } from './keeper-events.js';
import { keeperSettings, type KeeperSettings, type SeatKeeperOptions } from './keeper-options.js';
import { armAt, limitRetryDelay, renewalTime, retryDelay, type Timer } from './keeper-schedule.js';
import { decodeLease, grantOf } from './lease.js';
import { seatOf, type Seat, type SeatState, type SeatStatus } from './seat-state.js';
import { webCrypto } from './webcrypto.js';
import { hasFeature, type Denied, type LicensingErrorCode, type Unavailable, type ValidFor } from './types.js';

export type { SeatKeeperOptions } from './keeper-options.js';

const LEASE_ENDED: readonly LicensingErrorCode[] = ['LEASE_RELEASED', 'LEASE_EXPIRED', 'LEASE_INVALID'];

/**
 * Holds a seat while the application runs: obtains a lease, renews it at about two thirds of its
 * life, retries with backoff when the server cannot be reached, keeps the seat held while the
 * signed lease is unexpired (offline grace), and gives it back on stop() and, in Node, on exit
 * signals. Reports what happens as events. Never throws into the application: every failure is a
 * state and an event.
 */
export class SeatKeeper extends Emitter<SeatKeeperEvents> {
  readonly client: LicenseClient;
  private readonly options: KeeperSettings;
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
  private readonly exitSignals: ExitSignals;
  private clientIdValue: Promise<string> | undefined;

  constructor(client: LicenseClient, options: SeatKeeperOptions = {}) {
    super();
    this.client = client;
    this.options = keeperSettings(options);
    this.exitSignals = new ExitSignals(this.options.handleSignals, () => this.stop());
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
    this.exitSignals.install();
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
      const delay = limitRetryDelay(this.options);
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
      this.exitSignals.remove();
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
    this.seat = seatOf(code, expiry, validFor, sentAt);
    this.expiryTimer?.clear();
    this.expiryTimer = armAt(this.client.clock, this.seat.expiresAt, () => {
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
    this.exitSignals.remove();
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
    this.schedule(gen, renewalTime(this.seat!, this.options) - this.now(), () => this.renew(gen));
  }

  private retry(gen: number, error: Unavailable, step: () => Promise<void>): void {
    this.schedule(gen, retryDelay(this.failures, error, this.options), step);
  }

  private schedule(gen: number, delay: number, step: () => Promise<void>): void {
    this.timer?.clear();
    this.timer = armAt(this.client.clock, this.now() + Math.max(0, delay), () => {
      this.timer = undefined;
      void this.enqueue(gen, step);
    });
  }

  private clearTimers(): void {
    this.timer?.clear();
    this.expiryTimer?.clear();
    this.timer = undefined;
    this.expiryTimer = undefined;
  }

  /** Runs steps one at a time; a step of an earlier start() is dropped; nothing escapes. */
  private enqueue(gen: number, step: () => Promise<void>): Promise<void> {
    this.busy = this.busy.then(() => (gen === this.generation ? step() : undefined)).catch((error: unknown) => this.emit('error', { error, event: 'internal' }));
    return this.busy;
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
