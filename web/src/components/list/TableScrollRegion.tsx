import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';

/**
 * A table's sideways scroll, for screens narrower than the table: the scrollbar always shows (not
 * only on hover), and while the table overflows the region is a named tab stop, so that a keyboard
 * user can scroll it with the arrow keys and a screen reader says what it holds.
 */
export function TableScrollRegion({ label, minWidth, children }: { label: string; minWidth: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const overflowing = useOverflowing(ref);
  return (
    <div ref={ref} className="table-scroll-region" data-overflowing={overflowing || undefined} {...(overflowing ? { role: 'region', 'aria-label': `${label} (scrolls sideways)`, tabIndex: 0 } : {})}>
      <div style={{ minWidth }}>{children}</div>
    </div>
  );
}

/** Whether the element's content is wider than the element, kept up to date as either resizes. */
function useOverflowing(ref: RefObject<HTMLElement | null>): boolean {
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const measure = () => setOverflowing(element.scrollWidth > element.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    measure();
    return () => observer.disconnect();
  }, [ref]);
  return overflowing;
}
