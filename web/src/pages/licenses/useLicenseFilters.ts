import type { LicenseFilters } from '../../api/endpoints';
import { useListParams } from '../../lib/useListParams';

export const PAGE_SIZE = 25;

/** The license list's filters and page, kept in the URL, and the query they make. */
export function useLicenseFilters() {
  const list = useListParams(PAGE_SIZE);
  const q = list.get('q');
  const customerId = list.get('customerId');
  const productId = list.get('productId');
  const featureId = list.get('featureId');
  const expired = list.get('expired');
  const atLimit = list.get('atLimit') === 'true';

  const query: LicenseFilters = {
    q: q || undefined,
    customerId: customerId || undefined,
    productId: productId || undefined,
    featureId: featureId || undefined,
    expired: expired === 'true' ? true : expired === 'false' ? false : undefined,
    atLimit: atLimit || undefined,
    limit: list.limit,
    offset: list.offset,
  };

  return {
    list,
    q,
    customerId,
    productId,
    expired,
    atLimit,
    query,
    /** What the request depends on. */
    deps: [q, customerId, productId, featureId, expired, atLimit, list.offset] as const,
    filtered: Boolean(q || customerId || productId || featureId || expired || atLimit),
    clear: () => list.set({ q: null, customerId: null, productId: null, featureId: null, expired: null, atLimit: null }),
  };
}

export type LicenseFilterState = ReturnType<typeof useLicenseFilters>;
