import { Table, Text, VisuallyHidden, type TableTdProps } from '@mantine/core';
import type { MouseEvent, ReactNode } from 'react';
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
}

const keepClick = (event: MouseEvent) => event.stopPropagation();

/** A table of resources: the header, a row each, and the empty message across every column. */
export function ResourceTable<T>({ label, minWidth, columns, rows, rowKey, empty, emptyPadding = 'lg', onRowClick }: ResourceTableProps<T>) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <TableScrollRegion label={label} minWidth={minWidth}>
      <Table aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {shown.map((column, i) => (
              <Table.Th key={i} w={column.width}>
                {column.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows?.map((row) => (
            <Table.Tr key={rowKey(row)} style={onRowClick ? { cursor: 'pointer' } : undefined} onClick={onRowClick ? () => onRowClick(row) : undefined}>
              {shown.map((column, i) => (
                <Table.Td key={i} {...column.td} onClick={onRowClick && column.ownClicks ? keepClick : undefined}>
                  {column.cell(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
          {rows?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={shown.length}>
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
