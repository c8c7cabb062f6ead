import { useState } from 'react';

/** Where a server-paginated list is: its page (from 1) and size, and the query that reads it. */
export interface Paging {
  page: number;
  pageSize: number;
  setPage: (page: number) => void;
  limit: number;
  offset: number;
}

/** A list's page held by the component (lists in a section; a page's main list keeps it in the URL: useListParams). */
export function usePage(pageSize: number): Paging {
  const [page, setPage] = useState(1);
  return { page, setPage, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}
