import { Button, Group, Loader, Select, SimpleGrid, Switch } from '@mantine/core';
import { CustomerSelect } from '../../components/CustomerSelect';
import { SearchInput } from '../../components/SearchInput';
import type { Catalog } from '../../lib/useCatalog';
import { DashboardFilterChips } from './DashboardFilterChips';
import type { LicenseFilterState } from './useLicenseFilters';

const EXPIRY_OPTIONS = [
  { value: 'any', label: 'Expired or not' },
  { value: 'false', label: 'Not expired' },
  { value: 'true', label: 'Expired' },
];

/** Search, customer, product, expiry and "at their limit" above the license list. */
export function LicenseFilters({ filters, catalog, loading }: { filters: LicenseFilterState; catalog: Catalog | undefined; loading: boolean }) {
  const { list } = filters;
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mb="sm" spacing="sm">
        <SearchInput label="Search licenses" placeholder="Key, customer or comment" value={filters.q} onChange={(value) => list.set({ q: value })} />
        <CustomerSelect aria-label="Customer" placeholder="Any customer" value={filters.customerId || null} onChange={(value) => list.set({ customerId: value })} />
        <Select
          aria-label="Product"
          placeholder="Any product"
          searchable
          clearable
          data={(catalog?.products ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={filters.productId || null}
          onChange={(value) => list.set({ productId: value })}
          nothingFoundMessage="No product found"
        />
        <Select aria-label="Expiry" data={EXPIRY_OPTIONS} value={filters.expired || 'any'} onChange={(value) => list.set({ expired: value === 'any' ? null : value })} allowDeselect={false} />
      </SimpleGrid>
      <Group mb="md" justify="space-between">
        <Group gap="lg">
          <Switch label="At their limit only" checked={filters.atLimit} onChange={(e) => list.set({ atLimit: e.currentTarget.checked ? 'true' : null })} />
          <DashboardFilterChips filters={filters} catalog={catalog} />
          {filters.filtered && (
            <Button variant="subtle" size="compact-sm" onClick={filters.clear}>
              Clear filters
            </Button>
          )}
        </Group>
        {loading && <Loader size="sm" aria-label="Loading licenses" />}
      </Group>
    </>
  );
}
