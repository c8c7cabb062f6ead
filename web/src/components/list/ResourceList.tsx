import type { Page } from '../../api/types';
import type { ApiData } from '../../lib/useApi';
import type { Paging } from '../../lib/usePage';
import { PagedList } from './PagedList';
import { ResourceTable, type ResourceTableProps } from './ResourceTable';

export interface ResourceListProps<T> extends Omit<ResourceTableProps<T>, 'rows'> {
  /** One page of the list, as useApi loads it. */
  resource: Pick<ApiData<Page<T>>, 'data' | 'error' | 'reload'>;
  paging: Paging;
  noun: string;
}

/** A server-paginated table: its failure and retry, its rows or empty message, its footer. */
export function ResourceList<T>({ resource, paging, noun, ...table }: ResourceListProps<T>) {
  return (
    <PagedList error={resource.error} onRetry={resource.reload} paging={paging} total={resource.data?.total} noun={noun}>
      <ResourceTable {...table} rows={resource.data?.items} />
    </PagedList>
  );
}
