import { CloseButton, Group, Pill } from '@mantine/core';
import type { LicenseFilterState } from './useLicenseFilters';

/** The filters the dashboard's cards link with, each shown with a way to drop it. */
export function DashboardFilterChips({ filters }: { filters: LicenseFilterState }) {
  const chips: { label: string; param: string }[] = [];
  if (filters.inUse) chips.push({ label: 'With active leases', param: 'inUse' });
  if (filters.refusedLast24h) chips.push({ label: 'Refused an obtain in the last 24 hours', param: 'refusedLast24h' });
  if (filters.expiringWithinDays) chips.push({ label: `Expiring within ${filters.expiringWithinDays} days`, param: 'expiringWithinDays' });
  if (chips.length === 0) return null;
  return (
    <Group gap="xs">
      {chips.map((chip) => (
        <Pill key={chip.param} size="md">
          <Group gap={4} wrap="nowrap">
            {chip.label}
            <CloseButton size="xs" aria-label={`Remove filter: ${chip.label}`} onClick={() => filters.list.set({ [chip.param]: null })} />
          </Group>
        </Pill>
      ))}
    </Group>
  );
}
