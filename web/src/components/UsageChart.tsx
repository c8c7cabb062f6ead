import { AreaChart, type AreaChartSeries } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Card, Center, Group, Loader, SegmentedControl, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import type { UsageRange } from '../api/types';
import { ErrorAlert } from './ErrorAlert';

export const RANGE_OPTIONS: { label: string; value: UsageRange }[] = [
  { label: '24 hours', value: '24h' },
  { label: '30 days', value: '30d' },
];

export interface UsageChartProps {
  title: string;
  range: UsageRange;
  onRangeChange: (range: UsageRange) => void;
  /** Points with `at` (ISO) and one numeric field per series. */
  points: ({ at: string } & Record<string, unknown>)[] | undefined;
  series: AreaChartSeries[];
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** A horizontal line, such as a license's lease limit. */
  limit?: number | null;
  extra?: ReactNode;
}

function tickFormat(points: { at: string }[], range: UsageRange): string {
  if (range === '24h') return 'HH:mm';
  const [a, b] = points;
  const step = a && b ? Math.abs(Date.parse(b.at) - Date.parse(a.at)) : 86_400_000;
  return step < 86_400_000 ? 'MMM D HH:mm' : 'MMM D';
}

/** Concurrent leases (and refused obtains) over the last 24 hours or 30 days. */
export function UsageChart({ title, range, onRangeChange, points, series, loading, error, onRetry, limit, extra }: UsageChartProps) {
  const format = tickFormat(points ?? [], range);
  const data = (points ?? []).map((p) => ({ ...p, time: dayjs(p.at).format(format) }));
  const empty = data.length === 0 || data.every((p) => series.every((s) => !Number(p[s.name as keyof typeof p])));
  return (
    <Card withBorder padding="lg" radius="md">
      <Group justify="space-between" mb="md" wrap="wrap">
        <Group gap="sm">
          <Title order={4}>{title}</Title>
          {loading && data.length > 0 && <Loader size="xs" aria-label="Refreshing chart" />}
        </Group>
        <Group gap="sm">
          {extra}
          <SegmentedControl size="xs" aria-label="Time range" value={range} onChange={(v) => onRangeChange(v)} data={RANGE_OPTIONS} />
        </Group>
      </Group>
      {error ? (
        <ErrorAlert error={error} onRetry={onRetry} />
      ) : points === undefined ? (
        <Center h={260}>
          <Loader aria-label="Loading chart" />
        </Center>
      ) : (
        <div role="img" aria-label={`${title}, last ${range === '24h' ? '24 hours' : '30 days'}`}>
          {empty && (
            <Text size="sm" c="dimmed" mb="xs">
              No leases were held or refused in this period.
            </Text>
          )}
          <AreaChart
            h={260}
            data={data}
            dataKey="time"
            series={series}
            curveType="monotone"
            withLegend
            // Mantine's chart lays out its legend content from `verticalAlign` and does not read recharts'
            // replacement `position`, so the deprecated prop is the one that puts the legend below the chart.
            // eslint-disable-next-line @typescript-eslint/no-deprecated
            legendProps={{ verticalAlign: 'bottom', height: 40 }}
            withDots={false}
            fillOpacity={0.25}
            tickLine="y"
            gridAxis="xy"
            yAxisProps={{ allowDecimals: false, width: 40 }}
            xAxisProps={{ minTickGap: 24 }}
            referenceLines={limit ? [{ y: limit, label: `Limit ${limit}`, color: 'red.6' }] : undefined}
          />
        </div>
      )}
    </Card>
  );
}
