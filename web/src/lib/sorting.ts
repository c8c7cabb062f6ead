/** Page sizes a list offers. */
export const PAGE_SIZES = [10, 25, 50, 100] as const;

export type SortOrder = 'asc' | 'desc';

/** How a list is sorted, and how a sortable column header changes it. */
export interface Sorting {
  /** The column the list is sorted on: the one chosen, or the list's default. */
  sort: string;
  order: SortOrder;
  /** Sorts on `column`: the column sorted on already turns around, another starts ascending. */
  onSort: (column: string) => void;
  /** What the request says: only what was chosen, so the server's default order stays the default. */
  query: { sort?: string; order?: SortOrder };
}

export const orderOf = (value: string | null | undefined): SortOrder | undefined => (value === 'asc' || value === 'desc' ? value : undefined);

/** The sort after a click on `column`'s header. */
export function nextSort(current: { sort: string; order: SortOrder }, column: string): { sort: string; order: SortOrder } {
  if (current.sort === column) return { sort: column, order: current.order === 'asc' ? 'desc' : 'asc' };
  return { sort: column, order: 'asc' };
}

/** A page size from the URL: one of PAGE_SIZES, else the list's default. */
export function pageSizeOf(value: string | null | undefined, fallback: number): number {
  const size = Number(value);
  return (PAGE_SIZES as readonly number[]).includes(size) ? size : fallback;
}
