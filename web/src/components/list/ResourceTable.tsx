import { Table, Text, VisuallyHidden, type TableTdProps } from '@mantine/core';
import type { MouseEvent, ReactNode } from 'react';
import type { Sorting } from '../../lib/sorting';
import { SelectAllCheckbox, SelectRowCheckbox, type Selection } from './RowSelection';
import { SortHeader, ariaSortOf } from './SortHeader';
import { TableScrollRegion } from './TableScrollRegion';

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The header cell's width. */
  width?: number;
  /** Props of each body cell (alignment, style). */
  td?: Omit<TableTdProps, 'children' | 'onClick'>;
  /** The cell holds its own links or buttons: a click there does not open the row. */
  ownClicks?: boolean;
  /** The server's name of the column to sort on; the header becomes a sort button when the list is sortable. */
  sortKey?: string;
}

/** A column of row actions, headed "Actions" for screen readers only. */
export function actionsColumn<T>(cell: (row: T) => ReactNode, width?: number, td?: Column<T>['td']): Column<T> {
  return { header: <VisuallyHidden>Actions</VisuallyHidden>, cell, width, td, ownClicks: true };
}

export interface ResourceTableProps<T> {
  /** The table's accessible name. */
  label: string;
  /** Below this width the table scrolls sideways. */
  minWidth: number;
  /** `false` leaves a column out (such as the actions of a role that may not act). */
  columns: readonly (Column<T> | false)[];
  /** Undefined until the first page arrives: no empty message meanwhile. */
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string;
  /** Shown in the body when there are no rows. */
  empty: ReactNode;
  emptyPadding?: 'md' | 'lg';
  /** Opens a row (the whole row is clickable; its links stay the accessible way in). */
  onRowClick?: (row: T) => void;
  /** The list's sort: headers of columns with a `sortKey` sort it. */
  sorting?: Sorting;
  /** Rows that can be selected: a checkbox column first, with "select all on this page" in its header. */
  selection?: Selection<T>;
}

const keepClick = (event: MouseEvent) => event.stopPropagation();

/** A table of resources: the header, a row each, and the empty message across every column. */
export function ResourceTable<T>({ label, minWidth, columns, rows, rowKey, empty, emptyPadding = 'lg', onRowClick, sorting, selection }: ResourceTableProps<T>) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  const width = shown.length + (selection ? 1 : 0);
  return (
    <TableScrollRegion label={label} minWidth={minWidth}>
      <Table aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th w={40}>
                <SelectAllCheckbox selection={selection} rows={rows ?? []} rowKey={rowKey} />
              </Table.Th>
            )}
            {shown.map((column, i) => (
              <Table.Th key={i} w={column.width} aria-sort={sorting && column.sortKey ? ariaSortOf(sorting, column.sortKey) : undefined}>
                {sorting && column.sortKey ? <SortHeader sorting={sorting} column={column.sortKey} header={column.header} /> : column.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows?.map((row) => (
            <Table.Tr key={rowKey(row)} style={onRowClick ? { cursor: 'pointer' } : undefined} onClick={onRowClick ? () => onRowClick(row) : undefined}>
              {selection && (
                <Table.Td onClick={keepClick}>
                  <SelectRowCheckbox selection={selection} row={row} id={rowKey(row)} />
                </Table.Td>
              )}
              {shown.map((column, i) => (
                <Table.Td key={i} {...column.td} onClick={onRowClick && column.ownClicks ? keepClick : undefined}>
                  {column.cell(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
          {rows?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={width}>
                <Text c="dimmed" size="sm" ta="center" py={emptyPadding}>
                  {empty}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </TableScrollRegion>
  );
}
