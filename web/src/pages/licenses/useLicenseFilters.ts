import type { LicenseFilters } from '../../api/endpoints';
import { useListParams } from '../../lib/useListParams';

export const PAGE_SIZE = 25;
const DEFAULT_SORT = { sort: 'createdAt', order: 'desc' } as const;

/** The license list's filters and page, kept in the URL, and the query they make. */
export function useLicenseFilters() {
  const list = useListParams(PAGE_SIZE, DEFAULT_SORT);
  const q = list.get('q');
  const customerId = list.get('customerId');
  const productId = list.get('productId');
  const featureId = list.get('featureId');
  const expired = list.get('expired');
  const atLimit = list.get('atLimit') === 'true';
  // The dashboard's cards link here with these; the page has no control of its own for them.
  const inUse = list.get('inUse') === 'true';
  const refusedLast24h = list.get('refusedLast24h') === 'true';
  const within = Number(list.get('expiringWithinDays'));
  const expiringWithinDays = Number.isInteger(within) && within >= 1 && within <= 3650 ? within : undefined;

  const query: LicenseFilters = {
    q: q || undefined,
    customerId: customerId || undefined,
    productId: productId || undefined,
    featureId: featureId || undefined,
    expired: expired === 'true' ? true : expired === 'false' ? false : undefined,
    atLimit: atLimit || undefined,
    ...list.sorting.query,
    inUse: inUse || undefined,
    refusedLast24h: refusedLast24h || undefined,
    expiringWithinDays,
    limit: list.limit,
    offset: list.offset,
  };

  return {
    list,
    q,
    customerId,
    productId,
    featureId,
    expired,
    atLimit,
    inUse,
    refusedLast24h,
    expiringWithinDays,
    query,
    /** The export's query: the same filters and sort, every page. */
    exportQuery: { ...query, limit: undefined, offset: undefined },
    /** What the request depends on. */
    deps: [q, customerId, productId, featureId, expired, atLimit, inUse, refusedLast24h, expiringWithinDays, list.offset, list.limit, list.sorting.sort, list.sorting.order] as const,
    filtered: Boolean(q || customerId || productId || featureId || expired || atLimit || inUse || refusedLast24h || expiringWithinDays),
    clear: () => list.set({ q: null, customerId: null, productId: null, featureId: null, expired: null, atLimit: null, inUse: null, refusedLast24h: null, expiringWithinDays: null }),
  };
}

export type LicenseFilterState = ReturnType<typeof useLicenseFilters>;
