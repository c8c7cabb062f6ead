import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { nextSort, orderOf, pageSizeOf, type SortOrder, type Sorting } from './sorting';
import type { Paging } from './usePage';

/**
 * A list's page, page size (`size`), sort (`sort`, `order`) and filters, kept in the URL's query
 * string so that reloading, sharing a link and the back button keep them. Changing a filter, the
 * sort or the page size goes back to page 1.
 */
export function useListParams(
  defaultPageSize: number,
  defaultSort?: { sort: string; order: SortOrder },
): Paging & { sorting: Sorting; get: (name: string) => string; set: (changes: Record<string, string | null | undefined>, keepPage?: boolean) => void } {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const pageSize = pageSizeOf(params.get('size'), defaultPageSize);

  const get = useCallback((name: string) => params.get(name) ?? '', [params]);

  const set = useCallback(
    (changes: Record<string, string | null | undefined>, keepPage = false) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [name, value] of Object.entries(changes)) {
            if (value === null || value === undefined || value === '') next.delete(name);
            else next.set(name, value);
          }
          if (!keepPage && !('page' in changes)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const setPage = useCallback((p: number) => set({ page: p > 1 ? String(p) : null }, true), [set]);
  const setPageSize = useCallback((size: number) => set({ size: size === defaultPageSize ? null : String(size) }), [set, defaultPageSize]);

  const chosenSort = params.get('sort') || undefined;
  const chosenOrder = orderOf(params.get('order'));
  const current = { sort: chosenSort ?? defaultSort?.sort ?? '', order: chosenOrder ?? (chosenSort ? 'asc' : (defaultSort?.order ?? 'asc')) };
  const sorting: Sorting = {
    ...current,
    onSort: (column) => {
      const next = nextSort(current, column);
      set({ sort: next.sort, order: next.order });
    },
    query: { sort: chosenSort, order: chosenOrder },
  };

  return { page, setPage, pageSize, setPageSize, get, set, sorting, limit: pageSize, offset: (page - 1) * pageSize };
}
