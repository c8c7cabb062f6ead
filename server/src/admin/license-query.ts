// The license list's filters and order, parsed in one place for the list and its CSV export.
import { Type, type Static } from 'typebox';
import { SearchQuery, SortQuery } from '../http/schemas.js';
import { LICENSE_SORTS, type LicenseFilter, type LicenseSort } from '../store/licenses.js';
import type { SortRequest } from '../store/sort.js';

/** The query fields that narrow and order the license list (the list adds its page). */
export const LicenseQuery = {
  ...SearchQuery,
  customerId: Type.Optional(Type.String({ maxLength: 64 })),
  productId: Type.Optional(Type.String({ maxLength: 64, description: 'Licenses granting a feature of this product.' })),
  featureId: Type.Optional(Type.String({ maxLength: 64, description: 'Licenses granting this feature.' })),
  expired: Type.Optional(Type.Boolean({ description: 'true: expired only; false: unexpired only.' })),
  atLimit: Type.Optional(Type.Boolean({ description: 'true: only licenses whose seats are all in use.' })),
  ...SortQuery(LICENSE_SORTS, 'createdAt, newest first (key codes are sealed at rest and cannot be sorted on)'),
};

/** The same fields as one object schema. */
export const LicenseQueryObject = Type.Object(LicenseQuery);

/** The store's filter and order from a checked query. */
export function licenseFilterOf(query: Static<typeof LicenseQueryObject>): LicenseFilter & SortRequest<LicenseSort> {
  const { q, customerId, productId, featureId, expired, atLimit, sort, order } = query;
  return { q, customerId, productId, featureId, expired, atLimit, sort, order };
}
