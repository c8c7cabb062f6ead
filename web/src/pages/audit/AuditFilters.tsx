import { Autocomplete, Button, Group, Loader, SimpleGrid } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { SearchInput } from '../../components/SearchInput';
import type { AuditFilterState } from './useAuditFilters';

const RESOURCE_TYPES = ['organization', 'signing_key', 'product', 'feature', 'customer', 'license', 'lease', 'user', 'token'];
const ACTIONS = ['create', 'update', 'delete', 'release', 'rotate', 'change_password', 'reset_password', 'sign_in', 'sign_in_failed', 'sign_in_throttled'];

/** A filter typed freely or picked from the known values; applies when picked, on Enter or on blur. */
function FilterBox({
  label,
  placeholder,
  data,
  text,
  onText,
  onApply,
}: {
  label: string;
  placeholder: string;
  data: string[];
  text: string;
  onText: (text: string) => void;
  onApply: (value: string | null) => void;
}) {
  return (
    <Autocomplete
      aria-label={label}
      placeholder={placeholder}
      data={data}
      value={text}
      onChange={onText}
      onOptionSubmit={onApply}
      onBlur={() => onApply(text.trim())}
      onKeyDown={(e) => e.key === 'Enter' && onApply(text.trim())}
      clearable
      onClear={() => onApply(null)}
    />
  );
}

export function AuditFilters({ filters, loading }: { filters: AuditFilterState; loading: boolean }) {
  const { list } = filters;
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" mb="sm">
        <FilterBox
          label="Resource type"
          placeholder="Any resource type"
          data={RESOURCE_TYPES}
          text={filters.typeText}
          onText={filters.setTypeText}
          onApply={(resourceType) => list.set({ resourceType })}
        />
        <FilterBox label="Action" placeholder="Any action" data={ACTIONS} text={filters.actionText} onText={filters.setActionText} onApply={(action) => list.set({ action })} />
        <SearchInput label="Actor" placeholder="Actor name or id" value={filters.actor} onChange={(value) => list.set({ actor: value })} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" mb="sm">
        <DateInput
          aria-label="From"
          placeholder="From the first day"
          description="From the start of this day, your time"
          valueFormat="YYYY-MM-DD"
          clearable
          value={filters.from || null}
          maxDate={filters.to || undefined}
          onChange={(value) => list.set({ from: value })}
        />
        <DateInput
          aria-label="To"
          placeholder="To today"
          description="Through the end of this day"
          valueFormat="YYYY-MM-DD"
          clearable
          value={filters.to || null}
          minDate={filters.from || undefined}
          onChange={(value) => list.set({ to: value })}
        />
      </SimpleGrid>
      <Group justify="space-between" mb="sm">
        {filters.filtered ? (
          <Button variant="subtle" size="compact-sm" onClick={filters.clear}>
            Clear filters
          </Button>
        ) : (
          <span />
        )}
        {loading && <Loader size="sm" aria-label="Loading audit log" />}
      </Group>
    </>
  );
}
