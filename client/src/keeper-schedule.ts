// When a SeatKeeper acts next: renewals, retries and waits, as instants on its clock.
import { MAX_TIMER_MS, type Clock } from './clock.js';
import type { KeeperSettings } from './keeper-options.js';
import type { Seat } from './seat-state.js';
import type { Unavailable } from './types.js';

export interface Timer {
  clear(): void;
}

/** When to renew a seat: at `renewAt` of its life, give or take `jitter`, never before 5% or after 95% of it. */
export function renewalTime(seat: Seat, settings: KeeperSettings): number {
  const fraction = settings.renewAt + settings.jitter * (2 * settings.random() - 1);
  return seat.sentAt + seat.life * Math.min(0.95, Math.max(0.05, fraction));
}

/** How long to wait after the `failures`th failure in a row: doubling with jitter, up to the ceiling, and no less than a Retry-After within it. */
export function retryDelay(failures: number, error: Unavailable, settings: KeeperSettings): number {
  const base = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(30, failures - 1));
  let delay = base * (0.5 + 0.5 * settings.random());
  if (error.retryAfterMs !== null) delay = Math.max(delay, Math.min(error.retryAfterMs, settings.maxMs));
  return Math.round(delay);
}

/** How long to wait before asking again when every seat is taken: `limitRetryMs`, give or take a quarter. */
export function limitRetryDelay(settings: KeeperSettings): number {
  return Math.round(settings.limitRetryMs * (0.75 + 0.5 * settings.random()));
}

/** A timer for an instant on the clock, re-armed while it is not yet due (long delays, clock changes). */
export function armAt(clock: Clock, at: number, fire: () => void): Timer {
  let handle: unknown;
  const arm = () => {
    handle = clock.setTimeout(() => (at - clock.now() > 1000 ? arm() : fire()), Math.min(MAX_TIMER_MS, Math.max(0, at - clock.now())));
  };
  arm();
  return { clear: () => clock.clearTimeout(handle) };
}
