import { UsageChart } from '../../components/UsageChart';
import type { LicenseUsageState } from './useLicense';

const SERIES = [
  { name: 'peakLeases', label: 'Peak leases', color: 'blue.6' },
  { name: 'refused', label: 'Refused obtains', color: 'red.6' },
];

/** A license's peak leases and refused obtains over 24 hours or 30 days, against its limit. */
export function LicenseUsageSection({ usage, limit }: { usage: LicenseUsageState; limit: number | null }) {
  return (
    <UsageChart
      title="Usage"
      range={usage.range}
      onRangeChange={usage.setRange}
      points={usage.data?.points}
      series={SERIES}
      loading={usage.loading}
      error={usage.error}
      onRetry={usage.reload}
      limit={limit}
    />
  );
}
