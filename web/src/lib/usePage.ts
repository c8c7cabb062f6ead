import { useState } from 'react';
import { nextSort, type SortOrder, type Sorting } from './sorting';

/** Where a server-paginated list is: its page (from 1) and size, and the query that reads it. */
export interface Paging {
  page: number;
  pageSize: number;
  setPage: (page: number) => void;
  /** Changes the page size, back to page 1. */
  setPageSize: (size: number) => void;
  limit: number;
  offset: number;
}

/** A list's page, size and sort held by the component (lists in a section; a page's main list keeps them in the URL: useListParams). */
export function usePage(defaultPageSize: number, defaultSort?: { sort: string; order: SortOrder }): Paging & { sorting: Sorting } {
  const [page, setPage] = useState(1);
  const [pageSize, setSize] = useState(defaultPageSize);
  const [chosen, setChosen] = useState<{ sort: string; order: SortOrder } | null>(null);
  const current = chosen ?? defaultSort ?? { sort: '', order: 'asc' };
  const sorting: Sorting = {
    ...current,
    onSort: (column) => {
      setChosen(nextSort(current, column));
      setPage(1);
    },
    query: chosen ?? {},
  };
  const setPageSize = (size: number) => {
    setSize(size);
    setPage(1);
  };
  return { page, setPage, pageSize, setPageSize, limit: pageSize, offset: (page - 1) * pageSize, sorting };
}
