import { CloseButton, Group, Pill } from '@mantine/core';
import type { Catalog } from '../../lib/useCatalog';
import type { LicenseFilterState } from './useLicenseFilters';

/**
 * The filters that links bring (the dashboard's cards, a refusal's "Show them") and the page has no
 * control of its own for, each shown with a way to drop it.
 */
export function DashboardFilterChips({ filters, catalog }: { filters: LicenseFilterState; catalog: Catalog | undefined }) {
  const chips: { label: string; param: string }[] = [];
  if (filters.featureId) {
    const feature = catalog?.features.find((f) => f.id === filters.featureId);
    const product = feature && catalog?.productById.get(feature.productId);
    chips.push({ label: `Granting the feature ${feature ? `${product ? `${product.name}/` : ''}${feature.name}` : filters.featureId}`, param: 'featureId' });
  }
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
