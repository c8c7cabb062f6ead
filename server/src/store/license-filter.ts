// What the license list can be narrowed to, as conditions on a query of license rows.
import type { SelectQueryBuilder } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import { contains } from './page.js';
import type { Database } from './schema.js';
import { countSeats } from './seats.js';

export interface LicenseFilter {
  customerId?: string;
  /** Licenses granting at least one feature of this product. */
  productId?: string;
  /** Licenses granting this feature. */
  featureId?: string;
  /** true: expired ones only; false: unexpired ones only. */
  expired?: boolean;
  /** Licenses that expire after now and no later than this. */
  expiringBefore?: number;
  /** Licenses whose active leases fill their limit. */
  atLimit?: boolean;
  /** Licenses with at least one active, unexpired lease. */
  inUse?: boolean;
  /** Licenses that refused an obtain in an hour starting at or after this (the usage history's hours). */
  refusedSince?: number;
  q?: string;
}

/** The licenses of `query` that pass the filter at `now`; `q` matches a comment's text or an exact key code of the organization. */
export function filterLicenses<O>(
  query: SelectQueryBuilder<Database, 'license', O>,
  secrets: SecretBox,
  organizationId: string,
  filter: LicenseFilter,
  now: number,
): SelectQueryBuilder<Database, 'license', O> {
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.productId) {
    const productId = filter.productId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('license_feature as lf')
          .innerJoin('feature as f', 'f.id', 'lf.feature_id')
          .select('lf.feature_id')
          .whereRef('lf.license_id', '=', 'license.id')
          .where('f.product_id', '=', productId),
      ),
    );
  }
  if (filter.featureId) {
    const featureId = filter.featureId;
    query = query.where((eb) => eb.exists(eb.selectFrom('license_feature as lf').select('lf.feature_id').whereRef('lf.license_id', '=', 'license.id').where('lf.feature_id', '=', featureId)));
  }
  if (filter.expired === true) query = query.where('expiry', 'is not', null).where('expiry', '<=', now);
  if (filter.expired === false) query = query.where((eb) => eb.or([eb('expiry', 'is', null), eb('expiry', '>', now)]));
  if (filter.expiringBefore !== undefined) query = query.where('expiry', '>', now).where('expiry', '<=', filter.expiringBefore);
  if (filter.atLimit) {
    query = query
      .where('lease_limit', 'is not', null)
      .where((eb) =>
        eb(
          eb.selectFrom('lease').select(countSeats('lease').as('n')).whereRef('lease.license_id', '=', 'license.id').where('lease.state', '=', 'active').where('lease.expires_at', '>', now),
          '>=',
          eb.ref('license.lease_limit'),
        ),
      );
  }
  if (filter.inUse) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('lease').select('lease.id').whereRef('lease.license_id', '=', 'license.id').where('lease.state', '=', 'active').where('lease.expires_at', '>', now)),
    );
  }
  if (filter.refusedSince !== undefined) {
    const since = filter.refusedSince;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('usage_hourly as u').select('u.license_id').whereRef('u.license_id', '=', 'license.id').where('u.hour', '>=', since).where('u.refused', '>', 0)),
    );
  }
  if (filter.q) {
    const q = filter.q;
    // A key code matches exactly, by its keyed hash: the database holds no plain code to compare.
    const codeHash = secrets.keyCodeHash(organizationId, q);
    query = query.where((eb) =>
      eb.or([contains('license.comment', q), eb.exists(eb.selectFrom('license_key as k').select('k.id').whereRef('k.license_id', '=', 'license.id').where('k.code_hash', '=', codeHash))]),
    );
  }
  return query;
}
