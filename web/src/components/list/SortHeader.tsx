import { Group, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Sorting } from '../../lib/sorting';

/** What `aria-sort` says of a sortable column's header cell. */
export function ariaSortOf(sorting: Sorting, column: string): 'ascending' | 'descending' | 'none' {
  if (sorting.sort !== column) return 'none';
  return sorting.order === 'asc' ? 'ascending' : 'descending';
}

/**
 * A sortable column's header: a button inside the header cell (a native button, so Tab reaches it
 * and Enter or Space sorts), with an arrow for the current order. The cell's `aria-sort` tells
 * screen readers the order; the arrows are decoration.
 */
export function SortHeader({ sorting, column, header }: { sorting: Sorting; column: string; header: ReactNode }) {
  const state = ariaSortOf(sorting, column);
  const Icon = state === 'ascending' ? IconArrowUp : state === 'descending' ? IconArrowDown : IconArrowsSort;
  return (
    <UnstyledButton onClick={() => sorting.onSort(column)} fw={700} fz="sm" style={{ whiteSpace: 'nowrap' }}>
      <Group gap={4} wrap="nowrap" component="span">
        {header}
        <Icon size={14} aria-hidden="true" style={{ opacity: state === 'none' ? 0.4 : 1 }} />
      </Group>
    </UnstyledButton>
  );
}
