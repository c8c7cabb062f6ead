import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import type { Paging } from './usePage';

/**
 * A list's page and filters, kept in the URL's query string so that reloading, sharing a link and
 * the back button keep them. Changing a filter goes back to page 1.
 */
export function useListParams(pageSize: number): Paging & { get: (name: string) => string; set: (changes: Record<string, string | null | undefined>, keepPage?: boolean) => void } {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

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

  return { page, setPage, get, set, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}
