// What the license list can be narrowed to, as conditions on a query of license rows.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import { foldHashOf, type KeyMatch } from './key-search.js';
import { contains, containsKey } from './page.js';
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
  /** Any part of a key code (any case, dashes or not), of the customer's name (any case), or of the comment. */
  q?: string;
}

/**
 * The licenses of `query` that pass the filter at `now`. `q` matches a comment's text, a part of
 * the customer's name, a key code in any case, and the keys `keys` found for it (see matchKeys).
 */
export function filterLicenses<O>(
  query: SelectQueryBuilder<Database, 'license', O>,
  secrets: SecretBox,
  organizationId: string,
  filter: LicenseFilter,
  now: number,
  keys: KeyMatch = { kind: 'exact' },
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
    // The database holds no plain code to compare: a whole code matches by its keyed hashes, a part by the blind index.
    const codeHash = secrets.keyCodeHash(organizationId, q);
    const foldHash = foldHashOf(secrets, organizationId, q);
    query = query.where((eb) => {
      const byKey = eb
        .selectFrom('license_key as k')
        .select('k.id')
        .whereRef('k.license_id', '=', 'license.id')
        .where((k) => k.or([k('k.code_hash', '=', codeHash), k('k.code_fold_hash', '=', foldHash)]));
      const byCustomer = eb.selectFrom('customer as c').select('c.id').whereRef('c.id', '=', 'license.customer_id').where(containsKey('c.name_key', q));
      const matches = [contains('license.comment', q), eb.exists(byKey), eb.exists(byCustomer)];
      if (keys.kind === 'licenses' && keys.licenseIds.length > 0) matches.push(eb('license.id', 'in', keys.licenseIds));
      if (keys.kind === 'grams') {
        const held = eb
          .selectFrom('license_key_gram as g')
          .innerJoin('license_key as gk', 'gk.id', 'g.key_id')
          .select('g.key_id')
          .whereRef('gk.license_id', '=', 'license.id')
          .where('g.organization_id', '=', organizationId)
          .where('g.gram', 'in', keys.grams)
          .groupBy('g.key_id')
          .having(sql<number>`count(*)`, '=', keys.grams.length);
        matches.push(eb.exists(held));
      }
      return eb.or(matches);
    });
  }
  return query;
}
