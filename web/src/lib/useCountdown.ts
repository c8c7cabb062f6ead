import { useCallback, useEffect, useState } from 'react';
import { useClock } from './clock';

/**
 * A wait the server asked for (a 429's Retry-After), counted down once a second from the moment
 * it was asked. `remaining` is the whole seconds left, 0 when there is no wait.
 */
export function useCountdown(): { remaining: number; start: (seconds: number) => void } {
  const clock = useClock();
  const [wait, setWait] = useState<{ until: number; now: number } | null>(null);

  // One reading of the clock for both ends, so a wait of 120 s shows as 120 s, not 121.
  const start = useCallback(
    (seconds: number) => {
      const now = clock.now();
      setWait({ until: now + seconds * 1000, now });
    },
    [clock],
  );

  const until = wait?.until ?? null;
  useEffect(() => {
    if (until === null) return;
    return clock.every(1000, () => {
      const now = clock.now();
      setWait((current) => (current === null || now >= current.until ? null : { ...current, now }));
    });
  }, [clock, until]);

  const remaining = wait === null ? 0 : Math.max(0, Math.ceil((wait.until - wait.now) / 1000));
  return { remaining, start };
}
