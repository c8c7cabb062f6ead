import { Group, NativeSelect, Pagination, Text } from '@mantine/core';
import { useEffect } from 'react';
import { PAGE_SIZES } from '../lib/sorting';

/** "Showing 26–50 of 120", the page size when it can be chosen, and the page buttons of a server-paginated list. */
export function ListFooter({
  total,
  page,
  pageSize,
  onPage,
  onPageSize,
  label,
}: {
  total: number;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
  label: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  // Past the end (the last item of the last page was deleted): go to the last page.
  useEffect(() => {
    if (page > pages) onPage(pages);
  }, [page, pages, onPage]);
  return (
    <Group justify="space-between" mt="md" wrap="wrap">
      <Group gap="md">
        <Text size="sm" c="dimmed">
          {total === 0 ? `No ${label}` : `Showing ${first}–${last} of ${total} ${label}`}
        </Text>
        {onPageSize && (
          <NativeSelect
            size="xs"
            aria-label={`${label[0]!.toUpperCase()}${label.slice(1)} per page`}
            value={String(pageSize)}
            onChange={(event) => onPageSize(Number(event.currentTarget.value))}
            data={[...new Set([...PAGE_SIZES, pageSize])].sort((a, b) => a - b).map((size) => ({ value: String(size), label: `${size} per page` }))}
          />
        )}
      </Group>
      {pages > 1 && (
        <Pagination
          total={pages}
          value={Math.min(page, pages)}
          onChange={onPage}
          size="sm"
          withEdges
          aria-label={`${label} pages`}
          getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
          getControlProps={(control) => ({ 'aria-label': `${control[0]!.toUpperCase()}${control.slice(1)} page` })}
        />
      )}
    </Group>
  );
}
