import { Group, Pagination, Text } from '@mantine/core';
import { useEffect } from 'react';

/** "Showing 26–50 of 120" and the page buttons of a server-paginated list. */
export function ListFooter({ total, page, pageSize, onPage, label }: { total: number; page: number; pageSize: number; onPage: (page: number) => void; label: string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  // Past the end (the last item of the last page was deleted): go to the last page.
  useEffect(() => {
    if (page > pages) onPage(pages);
  }, [page, pages, onPage]);
  return (
    <Group justify="space-between" mt="md" wrap="wrap">
      <Text size="sm" c="dimmed">
        {total === 0 ? `No ${label}` : `Showing ${first}–${last} of ${total} ${label}`}
      </Text>
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
