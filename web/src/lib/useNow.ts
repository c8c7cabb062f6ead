import { useEffect, useState } from 'react';
import { useClock } from './clock';

/**
 * The time that "expired" and "expires soon" are judged against: read when the component
 * mounts and again every minute, so a badge turns without a reload and tests can set it.
 */
export function useNow(every = 60_000): number {
  const clock = useClock();
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => clock.every(every, () => setNow(clock.now())), [clock, every]);
  return now;
}
