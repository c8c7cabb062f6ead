// The license list's filters and order, parsed in one place for the list and its CSV export.
import { Type, type Static } from 'typebox';
import { SortQuery } from '../http/schemas.js';
import type { LicenseListQuery } from '../services/license-service.js';
import { LICENSE_SORTS } from '../store/licenses.js';

/** The query fields that narrow and order the license list (the list adds its page). */
export const LicenseQuery = {
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'Any part of a key code (any case, with or without dashes), of the customer’s name (any case) or of the comment. A term with fewer than 3 letters and digits matches a key code only whole (in any case), not a part of one.',
    }),
  ),
  customerId: Type.Optional(Type.String({ maxLength: 64 })),
  productId: Type.Optional(Type.String({ maxLength: 64, description: 'Licenses granting a feature of this product.' })),
  featureId: Type.Optional(Type.String({ maxLength: 64, description: 'Licenses granting this feature.' })),
  expired: Type.Optional(Type.Boolean({ description: 'true: expired only; false: unexpired only.' })),
  atLimit: Type.Optional(Type.Boolean({ description: 'true: only licenses whose seats are all in use.' })),
  expiringWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Only licenses that expire after now and within this many days.' })),
  inUse: Type.Optional(Type.Boolean({ description: 'true: only licenses with an active lease.' })),
  refusedLast24h: Type.Optional(Type.Boolean({ description: "true: only licenses that refused an obtain in the dashboard's last 24 hours (this hour and the 23 before)." })),
  ...SortQuery(LICENSE_SORTS, 'createdAt, newest first (key codes are sealed at rest and cannot be sorted on)'),
};

/** The same fields as one object schema. */
export const LicenseQueryObject = Type.Object(LicenseQuery);

/** The store's filter and order from a checked query. */
export function licenseFilterOf(query: Static<typeof LicenseQueryObject>): LicenseListQuery {
  const { q, customerId, productId, featureId, expired, atLimit, expiringWithinDays, inUse, refusedLast24h, sort, order } = query;
  return { q, customerId, productId, featureId, expired, atLimit, expiringWithinDays, inUse, refusedLast24h, sort, order };
}
