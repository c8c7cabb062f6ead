import { act } from '@testing-library/react';
import type { Clock } from '../lib/clock';

export interface ManualClock extends Clock {
  /** Moves time forward, running every tick that falls due on the way (inside act). */
  advance(ms: number): void;
}

/** A clock that stands still until the test moves it. */
export function manualClock(start = Date.parse('2030-01-01T12:00:00.000Z')): ManualClock {
  let now = start;
  const timers = new Set<{ every: number; next: number; tick: () => void }>();
  return {
    now: () => now,
    every(ms, tick) {
      const timer = { every: ms, next: now + ms, tick };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    advance(ms) {
      const end = now + ms;
      act(() => {
        for (;;) {
          const due = [...timers].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
          if (!due) break;
          now = due.next;
          due.next += due.every;
          due.tick();
        }
        now = end;
      });
    },
  };
}
