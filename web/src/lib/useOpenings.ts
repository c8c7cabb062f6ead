import { useState } from 'react';

/**
 * Counts how often `opened` became true. A dialog keys its body by it, so that each opening
 * starts from fresh state (empty fields, no old error) without an effect that resets it.
 */
export function useOpenings(opened: boolean): number {
  const [seen, setSeen] = useState({ opened, count: opened ? 1 : 0 });
  if (seen.opened !== opened) {
    // Adjusting state while rendering: React renders again at once with the new count.
    const next = { opened, count: seen.count + (opened ? 1 : 0) };
    setSeen(next);
    return next.count;
  }
  return seen.count;
}
