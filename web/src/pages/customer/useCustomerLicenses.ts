import { api } from '../../api/endpoints';
import { useApi } from '../../lib/useApi';
import { useCatalog } from '../../lib/useCatalog';
import { useListParams } from '../../lib/useListParams';

const PAGE_SIZE = 25;

/** The customer's licenses, a page at a time (the page kept in the URL). */
export function useCustomerLicenses(customerId: string) {
  const paging = useListParams(PAGE_SIZE, { sort: 'createdAt', order: 'desc' });
  const licenses = useApi(
    (signal) => api.licenses.list({ customerId, ...paging.sorting.query, limit: paging.limit, offset: paging.offset }, signal),
    [customerId, paging.offset, paging.limit, paging.sorting.sort, paging.sorting.order],
  );
  const catalog = useCatalog();
  return { paging, licenses, catalog };
}

export type CustomerLicenses = ReturnType<typeof useCustomerLicenses>;
