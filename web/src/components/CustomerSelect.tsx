import { Loader, Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { api, customerById, rememberCustomer } from '../api/endpoints';
import type { Customer } from '../api/types';

interface CustomerSelectProps extends Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchValue' | 'onSearchChange'> {
  value: string | null;
  onChange: (customerId: string | null) => void;
}

/** A searchable customer picker backed by the server's customer search. */
export function CustomerSelect({ value, onChange, ...props }: CustomerSelectProps) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [options, setOptions] = useState<Customer[]>([]);
  const [selected, setSelected] = useState<Customer | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!value) {
      setSelected(null);
      return;
    }
    if (selected?.id === value) return;
    let live = true;
    void customerById(value).then((c) => live && setSelected(c));
    return () => {
      live = false;
    };
  }, [value, selected?.id]);

  useEffect(() => {
    const controller = new AbortController();
    // While the box shows the selected name, list everyone rather than only that name.
    const q = selected && debounced === selected.name ? '' : debounced;
    setLoading(true);
    api.customers
      .list({ q: q || undefined, limit: 20 }, controller.signal)
      .then((page) => {
        page.items.forEach(rememberCustomer);
        setOptions(page.items);
      })
      .catch(() => undefined)
      .finally(() => !controller.signal.aborted && setLoading(false));
    return () => controller.abort();
  }, [debounced, selected]);

  const data = useMemo(() => {
    const all = selected && !options.some((c) => c.id === selected.id) ? [selected, ...options] : options;
    return all.map((c) => ({ value: c.id, label: c.name }));
  }, [options, selected]);

  return (
    <Select
      searchable
      clearable
      nothingFoundMessage={loading ? 'Searching…' : 'No customer found'}
      {...props}
      data={data}
      value={value}
      filter={({ options: opts }) => opts}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id) => {
        setSelected(options.find((c) => c.id === id) ?? null);
        onChange(id);
      }}
      rightSection={loading ? <Loader size={14} /> : undefined}
    />
  );
}
