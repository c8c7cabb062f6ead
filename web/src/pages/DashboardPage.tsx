import { Badge, Card, Group, Loader, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useDocumentVisibility, useInterval } from '@mantine/hooks';
import { IconAlertOctagon, IconCalendarDue, IconGauge, IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/endpoints';
import type { UsageRange } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { LicenseTable } from '../components/LicenseTable';
import { PageHeader } from '../components/PageHeader';
import { UsageChart } from '../components/UsageChart';
import { useApi } from '../lib/useApi';
import { useCatalog } from '../lib/useCatalog';

const PALETTE = ['blue.6', 'teal.6', 'violet.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.7', 'indigo.6', 'yellow.7', 'grape.6', 'green.7', 'red.4'];

function Stat({ label, value, icon, color, hint }: { label: string; value: ReactNode; icon: ReactNode; color: string; hint?: string }) {
  return (
    <Card withBorder padding="lg" radius="md" role="group" aria-label={label}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {label}
          </Text>
          <Text fw={700} fz={28} lh={1.2} mt={4}>
            {value}
          </Text>
          {hint && (
            <Text size="xs" c="dimmed" mt={2}>
              {hint}
            </Text>
          )}
        </div>
        <ThemeIcon variant="light" color={color} size={40} radius="md">
          {icon}
        </ThemeIcon>
      </Group>
    </Card>
  );
}

export function DashboardPage() {
  const [range, setRange] = useState<UsageRange>('24h');
  const dashboard = useApi((signal) => api.dashboard.get(signal), []);
  const usage = useApi((signal) => api.dashboard.usage(range, signal), [range]);
  const catalog = useCatalog();
  const visibility = useDocumentVisibility();

  // Keep the numbers fresh while the dashboard is open.
  const interval = useInterval(() => {
    if (visibility === 'visible') {
      dashboard.reload();
      usage.reload();
    }
  }, 60_000);
  useEffect(() => {
    interval.start();
    return interval.stop;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const chart = useMemo(() => {
    const products = usage.data?.products ?? [];
    const series = products.map((name, i) => ({ name: `s${i}`, label: name, color: PALETTE[i % PALETTE.length]! }));
    series.push({ name: 'refused', label: 'Refused obtains', color: 'red.6' });
    const points = usage.data?.points.map((p) => {
      const row: { at: string } & Record<string, unknown> = { at: p.at, refused: p.refused };
      products.forEach((name, i) => (row[`s${i}`] = p.peaks[name] ?? 0));
      return row;
    });
    return { series, points };
  }, [usage.data]);

  const d = dashboard.data;
  return (
    <>
      <PageHeader title="Dashboard" description="Leases in use, refusals and licenses that need attention." actions={dashboard.loading && d ? <Loader size="sm" aria-label="Refreshing" /> : null} />
      {dashboard.error && <ErrorAlert error={dashboard.error} onRetry={dashboard.reload} />}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} mb="lg">
        <Stat label="Active leases" value={d ? d.activeLeases : '…'} icon={<IconPlugConnected size={22} />} color="teal" hint="held right now" />
        <Stat label="Refused obtains" value={d ? d.refusedLast24h : '…'} icon={<IconAlertOctagon size={22} />} color={d && d.refusedLast24h > 0 ? 'red' : 'gray'} hint="in the last 24 hours" />
        <Stat label="Expiring soon" value={d ? d.expiringSoon.length : '…'} icon={<IconCalendarDue size={22} />} color="orange" hint="licenses, next 30 days" />
        <Stat label="At their limit" value={d ? d.atLimit.length : '…'} icon={<IconGauge size={22} />} color="grape" hint="licenses with every seat taken" />
      </SimpleGrid>

      <Stack gap="lg">
        <UsageChart
          title="Concurrent leases by product"
          range={range}
          onRangeChange={setRange}
          points={chart.points}
          series={chart.series}
          loading={usage.loading}
          error={usage.error}
          onRetry={usage.reload}
        />
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Card withBorder padding="lg" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={4}>Expiring in the next 30 days</Title>
              {d && <Badge variant="light" color="orange">{d.expiringSoon.length}</Badge>}
            </Group>
            {d ? (
              <LicenseTable licenses={d.expiringSoon} label="Licenses expiring in the next 30 days" catalog={catalog.data} empty="No license expires in the next 30 days." />
            ) : (
              !dashboard.error && <Loader size="sm" aria-label="Loading" />
            )}
          </Card>
          <Card withBorder padding="lg" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={4}>At their limit</Title>
              {d && <Badge variant="light" color="grape">{d.atLimit.length}</Badge>}
            </Group>
            {d ? (
              <LicenseTable licenses={d.atLimit} label="Licenses at their limit" catalog={catalog.data} empty="No license has every seat taken." />
            ) : (
              !dashboard.error && <Loader size="sm" aria-label="Loading" />
            )}
          </Card>
        </SimpleGrid>
      </Stack>
    </>
  );
}
