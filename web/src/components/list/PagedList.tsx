import type { ReactNode } from 'react';
import { ErrorAlert } from '../ErrorAlert';
import { ListFooter } from '../ListFooter';
import type { Paging } from '../../lib/usePage';

export interface PagedListProps {
  error: unknown;
  onRetry: () => void;
  paging: Paging;
  /** The total once a page has arrived; no footer before. */
  total: number | undefined;
  /** What the footer counts: "customers" in "Showing 1–25 of 120 customers". */
  noun: string;
  children: ReactNode;
}

/** Around a list of one page: a failed load with its retry above, the count and page buttons below. */
export function PagedList({ error, onRetry, paging, total, noun, children }: PagedListProps) {
  return (
    <>
      {Boolean(error) && <ErrorAlert error={error} onRetry={onRetry} />}
      {children}
      {total !== undefined && <ListFooter total={total} page={paging.page} pageSize={paging.pageSize} onPage={paging.setPage} onPageSize={paging.setPageSize} label={noun} />}
    </>
  );
}
