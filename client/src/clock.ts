/**
 * Time as the library sees it. Tests inject their own to move time by hand; applications never
 * need to. Timers set with the default clock never keep a Node.js process alive.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The longest delay setTimeout takes; longer ones are re-armed until they are due. */
export const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle: unknown = setTimeout(callback, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as number),
};

/** A whole clock from a partial one: what is missing comes from the system clock. */
export function clockFrom(partial: Partial<Clock> | undefined): Clock {
  if (!partial) return systemClock;
  return {
    now: partial.now ? () => partial.now!() : () => systemClock.now(),
    setTimeout: partial.setTimeout ? (cb, ms) => partial.setTimeout!(cb, ms) : (cb, ms) => systemClock.setTimeout(cb, ms),
    clearTimeout: partial.clearTimeout ? (h) => partial.clearTimeout!(h) : (h) => systemClock.clearTimeout(h),
  };
}
