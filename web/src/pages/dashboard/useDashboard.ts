import { useDocumentVisibility } from '@mantine/hooks';
import { useEffect, useEffectEvent, useMemo, useState } from 'react';
import { api } from '../../api/endpoints';
import type { OrganizationUsage, UsageRange } from '../../api/types';
import { useClock } from '../../lib/clock';
import { useApi } from '../../lib/useApi';
import { useCatalog } from '../../lib/useCatalog';

const PALETTE = ['blue.6', 'teal.6', 'violet.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.7', 'indigo.6', 'yellow.7', 'grape.6', 'green.7', 'red.4'];
export const REFRESH_MS = 60_000;

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

/** The dashboard's numbers and usage chart, refreshed every minute while the tab is visible. */
export function useDashboard() {
  const [range, setRange] = useState<UsageRange>('24h');
  const dashboard = useApi((signal) => api.dashboard.get(signal), []);
  const usage = useApi((signal) => api.dashboard.usage(range, signal), [range]);
  const catalog = useCatalog();
  const visibility = useDocumentVisibility();
  const clock = useClock();

  const refresh = useEffectEvent(() => {
    if (visibility !== 'visible') return;
    dashboard.reload();
    usage.reload();
  });
  useEffect(() => clock.every(REFRESH_MS, refresh), [clock]);

  const chart = useMemo(() => chartOf(usage.data), [usage.data]);
  return { dashboard, usage, range, setRange, chart, catalog };
}
