import { useDocumentVisibility } from '@mantine/hooks';
import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { api } from '../../api/endpoints';
import type { OrganizationUsage, UsageRange } from '../../api/types';
import { useClock } from '../../lib/clock';
import { useApi } from '../../lib/useApi';
import { useCatalog } from '../../lib/useCatalog';

const PALETTE = ['blue.6', 'teal.6', 'violet.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.7', 'indigo.6', 'yellow.7', 'grape.6', 'green.7', 'red.4'];
/** How often the figures are read again while the tab is visible. */
export const REFRESH_MS = 20_000;

/** The usage answer as chart series: one per product (named s0, s1, ... as product names are free text), and the refusals. */
function chartOf(usage: OrganizationUsage | undefined) {
  const products = usage?.products ?? [];
  const series = products.map((name, i) => ({ name: `s${i}`, label: name, color: PALETTE[i % PALETTE.length]! }));
  series.push({ name: 'refused', label: 'Refused obtains', color: 'red.6' });
  const points = usage?.points.map((p) => {
    const row: { at: string } & Record<string, unknown> = { at: p.at, refused: p.refused };
    products.forEach((name, i) => (row[`s${i}`] = p.peaks[name] ?? 0));
    return row;
  });
  return { series, points };
}

/**
 * The dashboard's numbers and usage chart, read again every REFRESH_MS while the tab is visible,
 * and at once when it becomes visible again. A tick while a read is still under way is skipped,
 * so a slow server never has two reads of the same figures running. `updatedAt`: when the
 * figures shown were read (ms, from the clock).
 */
export function useDashboard() {
  const [range, setRange] = useState<UsageRange>('24h');
  const clock = useClock();
  // Stamped when the answer arrives: the moment "Updated" shows.
  const dashboard = useApi(async (signal) => ({ ...(await api.dashboard.get(signal)), readAt: clock.now() }), []);
  const usage = useApi((signal) => api.dashboard.usage(range, signal), [range]);
  const catalog = useCatalog();
  const visibility = useDocumentVisibility();
  const updatedAt = dashboard.data?.readAt;

  const refresh = useEffectEvent(() => {
    if (visibility !== 'visible' || dashboard.loading || usage.loading) return;
    dashboard.reload();
    usage.reload();
  });
  useEffect(() => clock.every(REFRESH_MS, refresh), [clock]);

  // Back to a tab that was hidden: the figures may be minutes old.
  const wasVisible = useRef(visibility === 'visible');
  useEffect(() => {
    const visible = visibility === 'visible';
    if (visible && !wasVisible.current) refresh();
    wasVisible.current = visible;
  }, [visibility]);

  const chart = useMemo(() => chartOf(usage.data), [usage.data]);
  return { dashboard, usage, range, setRange, chart, catalog, updatedAt };
}
