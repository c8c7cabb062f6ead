import { Group, Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertOctagon, IconCalendarDue, IconGauge, IconPlugConnected } from '@tabler/icons-react';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { UsageChart } from '../components/UsageChart';
import { formatClockTime } from '../lib/format';
import { AttentionCard } from './dashboard/AttentionCard';
import { Stat } from './dashboard/Stat';
import { useDashboard } from './dashboard/useDashboard';

export function DashboardPage() {
  const { dashboard, usage, range, setRange, chart, catalog, updatedAt } = useDashboard();
  const d = dashboard.data;
  const failed = Boolean(dashboard.error);
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Leases in use, refusals and licenses that need attention."
        actions={
          <Group gap="xs">
            {dashboard.loading && d && <Loader size="sm" aria-label="Refreshing" />}
            {updatedAt !== undefined && (
              <Text size="sm" c="dimmed" role="status">
                Updated {formatClockTime(updatedAt)}
              </Text>
            )}
          </Group>
        }
      />
      {dashboard.error && <ErrorAlert error={dashboard.error} onRetry={dashboard.reload} />}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} mb="lg">
        <Stat label="Active leases" value={d ? d.activeLeases : '…'} icon={<IconPlugConnected size={22} />} color="teal" hint="held right now" to="/licenses?inUse=true" />
        <Stat
          label="Refused obtains"
          value={d ? d.refusedLast24h : '…'}
          icon={<IconAlertOctagon size={22} />}
          color={d && d.refusedLast24h > 0 ? 'red' : 'gray'}
          hint="in the last 24 hours"
          to="/licenses?refusedLast24h=true"
        />
        <Stat label="Expiring soon" value={d ? d.expiringSoon.length : '…'} icon={<IconCalendarDue size={22} />} color="orange" hint="licenses, next 30 days" to="/licenses?expiringWithinDays=30" />
        <Stat label="At their limit" value={d ? d.atLimit.length : '…'} icon={<IconGauge size={22} />} color="grape" hint="licenses with every seat taken" to="/licenses?atLimit=true" />
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
        {/* Side by side only where both tables fit whole: at 1366 px two columns cut off the License column. */}
        <SimpleGrid cols={{ base: 1, xl: 2 }}>
          <AttentionCard
            title="Expiring in the next 30 days"
            color="orange"
            licenses={d?.expiringSoon}
            label="Licenses expiring in the next 30 days"
            empty="No license expires in the next 30 days."
            catalog={catalog.data}
            failed={failed}
          />
          <AttentionCard title="At their limit" color="grape" licenses={d?.atLimit} label="Licenses at their limit" empty="No license has every seat taken." catalog={catalog.data} failed={failed} />
        </SimpleGrid>
      </Stack>
    </>
  );
}
