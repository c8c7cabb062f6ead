import { Loader, Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { api, customerById, rememberCustomer } from '../api/endpoints';
import type { Customer } from '../api/types';
import { useApi } from '../lib/useApi';

interface CustomerSelectProps extends Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchValue' | 'onSearchChange'> {
  value: string | null;
  onChange: (customerId: string | null) => void;
}

/** A searchable customer picker backed by the server's customer search. */
export function CustomerSelect({ value, onChange, ...props }: CustomerSelectProps) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  // The last customer picked or looked up; it is the selection while its id is the value.
  const [known, setKnown] = useState<Customer | null>(null);
  const selected = value && known?.id === value ? known : null;

  useEffect(() => {
    if (!value || known?.id === value) return;
    let live = true;
    void customerById(value).then((c) => live && setKnown(c));
    return () => {
      live = false;
    };
  }, [value, known?.id]);

  // While the box shows the selected name, list everyone rather than only that name.
  const q = debounced === selected?.name ? '' : debounced;
  const found = useApi(
    async (signal) => {
      const page = await api.customers.list({ q: q || undefined, limit: 20 }, signal);
      page.items.forEach(rememberCustomer);
      return page.items;
    },
    [q],
  );
  const options = useMemo(() => found.data ?? [], [found.data]);

  const data = useMemo(() => {
    const all = selected && !options.some((c) => c.id === selected.id) ? [selected, ...options] : options;
    return all.map((c) => ({ value: c.id, label: c.name }));
  }, [options, selected]);

  return (
    <Select
      searchable
      clearable
      nothingFoundMessage={found.loading ? 'Searching…' : 'No customer found'}
      {...props}
      data={data}
      value={value}
      filter={({ options: opts }) => opts}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id) => {
        setKnown(options.find((c) => c.id === id) ?? null);
        onChange(id);
      }}
      rightSection={found.loading ? <Loader size={14} /> : undefined}
    />
  );
}
