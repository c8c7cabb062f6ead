import { api } from '../../api/endpoints';
import { useApi } from '../../lib/useApi';
import { useCatalog } from '../../lib/useCatalog';
import { useListParams } from '../../lib/useListParams';

const PAGE_SIZE = 20;

/** The customer's licenses, a page at a time (the page kept in the URL). */
export function useCustomerLicenses(customerId: string) {
  const paging = useListParams(PAGE_SIZE);
  const licenses = useApi((signal) => api.licenses.list({ customerId, limit: paging.limit, offset: paging.offset }, signal), [customerId, paging.offset]);
  const catalog = useCatalog();
  return { paging, licenses, catalog };
}

export type CustomerLicenses = ReturnType<typeof useCustomerLicenses>;
