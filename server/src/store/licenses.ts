// The LicenseStore: licenses with their features, key codes and seats in use, each change one write transaction.
import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import type { Db } from './db.js';
import { CANDIDATE_LIMIT, matchKeys, type KeyMatch } from './key-search.js';
import { filterLicenses, type LicenseFilter } from './license-filter.js';
import { insertKeys, readKeys, replaceKeys, type AddedKey, type LicenseKey, type RemovedKey } from './license-keys.js';
import { checkReferences } from './license-references.js';
import type { Page, PageRequest } from './page.js';
import type { Database, LicenseTable } from './schema.js';
import { countSeats } from './seats.js';
import { sorted, type SortRequest, type SortSpec } from './sort.js';

export type { LicenseFilter } from './license-filter.js';
export type { AddedKey, LicenseKey, RemovedKey } from './license-keys.js';

export interface License {
  id: string;
  customerId: string;
  /** The customer's name as it is now, so that a page of licenses needs no request per customer. */
  customerName: string;
  leaseLimit: number | null;
  expiry: number | null;
  comment: string | null;
  featureIds: string[];
  /** `activeLeases`: the active, unexpired leases obtained with that code, which removing it ends. */
  keys: (LicenseKey & { activeLeases: number })[];
  leasesUsed: number;
  createdAt: number;
  updatedAt: number;
}

/** The products and features a license grants, in the shape the licensing API answers with. */
export interface ValidForProduct {
  product: string;
  productDescription: string | null;
  features: { feature: string; featureDescription: string | null }[];
}

/** One granted feature as a query reads it (null columns: a row of a license that grants none). */
export interface ValidForRow {
  productId: string | null;
  product: string | null;
  productDescription: string | null;
  feature: string | null;
  featureDescription: string | null;
}

/** Groups feature rows, sorted by product and feature name, into what the licensing API answers with. */
export function groupValidFor(rows: readonly ValidForRow[]): ValidForProduct[] {
  const products = new Map<string, ValidForProduct>();
  for (const row of rows) {
    if (row.productId === null || row.feature === null) continue;
    let product = products.get(row.productId);
    if (!product) {
      product = { product: row.product!, productDescription: row.productDescription, features: [] };
      products.set(row.productId, product);
    }
    product.features.push({ feature: row.feature, featureDescription: row.featureDescription });
  }
  return [...products.values()];
}

export interface NewLicense {
  id: string;
  customerId: string;
  featureIds: string[];
  leaseLimit: number | null;
  expiry: number | null;
  comment: string | null;
  keys: { id: string; code: string }[];
}

export type LicensePatch = Partial<Omit<NewLicense, 'id'>>;

/** What `LicenseStore.update` did: the license as it is now, and the key codes it added and removed. */
export interface LicenseUpdate {
  license: License;
  addedKeys: AddedKey[];
  removedKeys: RemovedKey[];
}

export const LICENSE_SORTS = ['customer', 'expiry', 'leaseLimit', 'leasesUsed', 'createdAt', 'updatedAt'] as const;
export type LicenseSort = (typeof LICENSE_SORTS)[number];

/** Key codes are sealed at rest (only their keyed hash is readable), so a list cannot be sorted on them. */
function licenseSorts(now: number): SortSpec<LicenseSort> {
  return {
    columns: {
      customer: { expression: sql`(select c.name from customer c where c.id = license.customer_id)`, text: true },
      expiry: { expression: sql.ref('license.expiry'), nullable: true },
      leaseLimit: { expression: sql.ref('license.lease_limit'), nullable: true },
      leasesUsed: {
        expression: sql`(select ${countSeats('l')} from lease l where l.license_id = license.id and l.state = 'active' and l.expires_at > ${now})`,
      },
      createdAt: { expression: sql.ref('license.created_at') },
      updatedAt: { expression: sql.ref('license.updated_at') },
    },
    default: { sort: 'createdAt', order: 'desc' },
    id: 'license.id',
  };
}

/** Licenses: a customer's grant of features, a seat limit, an expiry and the key codes that unlock it. */
export class LicenseStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  async list(organizationId: string, now: number, page: PageRequest & LicenseFilter & SortRequest<LicenseSort>): Promise<Page<License>> {
    const keys = page.q ? await this.matchKeys(organizationId, page.q) : undefined;
    const query = filterLicenses(this.db.kysely.selectFrom('license').where('organization_id', '=', organizationId), this.secrets, organizationId, page, now, keys);
    const [rows, count] = await Promise.all([
      sorted(query.selectAll(), this.db.dialect, licenseSorts(now), page).limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: await this.hydrate(this.db.kysely, rows, now), total: Number(count.n) };
  }

  /** How `term` narrows the organization's licenses by their key codes (see store/key-search.ts). */
  matchKeys(organizationId: string, term: string, limit = CANDIDATE_LIMIT): Promise<KeyMatch> {
    return matchKeys(this.db.kysely, this.secrets, organizationId, term, limit);
  }

  async get(organizationId: string, id: string, now: number): Promise<License | undefined> {
    return this.getWith(this.db.kysely, organizationId, id, now);
  }

  /**
   * As `get`, and on PostgreSQL locks the license's row until the transaction ends (SQLite's
   * write lock serialises writers anyway): the copy read is the one a change in the same
   * transaction changes, and lease claims on the license (which lock the same row) wait for it.
   */
  async getForUpdate(organizationId: string, id: string, now: number): Promise<License | undefined> {
    return this.getWith(this.db.kysely, organizationId, id, now, this.db.dialect === 'postgres');
  }

  private async getWith(db: Kysely<Database>, organizationId: string, id: string, now: number, lock = false): Promise<License | undefined> {
    const query = db.selectFrom('license').selectAll().where('organization_id', '=', organizationId).where('id', '=', id);
    const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
    if (!row) return undefined;
    const [license] = await this.hydrate(db, [row], now);
    return license;
  }

  /** Adds features, keys and seat counts to license rows, with one query each for the whole page. */
  private async hydrate(db: Kysely<Database>, rows: LicenseTable[], now: number): Promise<License[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const customerIds = [...new Set(rows.map((r) => r.customer_id))];
    const [features, keys, used, perKey, customers] = await Promise.all([
      db.selectFrom('license_feature').select(['license_id', 'feature_id']).where('license_id', 'in', ids).execute(),
      readKeys(db, this.secrets, ids),
      db
        .selectFrom('lease')
        .select(['license_id', countSeats().as('n')])
        .where('license_id', 'in', ids)
        .where('state', '=', 'active')
        .where('expires_at', '>', now)
        .groupBy('license_id')
        .execute(),
      // By key id: the codes are sealed, and a lease keeps the id of the key it was obtained with.
      db
        .selectFrom('lease')
        .select(['key_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('license_id', 'in', ids)
        .where('state', '=', 'active')
        .where('expires_at', '>', now)
        .groupBy('key_id')
        .execute(),
      db.selectFrom('customer').select(['id', 'name']).where('id', 'in', customerIds).execute(),
    ]);
    const customerNames = new Map(customers.map((c) => [c.id, c.name]));
    return rows.map((row) => ({
      id: row.id,
      customerId: row.customer_id,
      customerName: customerNames.get(row.customer_id) ?? '',
      leaseLimit: row.lease_limit === null ? null : Number(row.lease_limit),
      expiry: row.expiry === null ? null : Number(row.expiry),
      comment: row.comment,
      featureIds: features.filter((f) => f.license_id === row.id).map((f) => f.feature_id),
      keys: keys.filter((k) => k.licenseId === row.id).map((k) => ({ ...k.key, activeLeases: Number(perKey.find((p) => p.key_id === k.key.id)?.n ?? 0) })),
      leasesUsed: Number(used.find((u) => u.license_id === row.id)?.n ?? 0),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    }));
  }

  async create(organizationId: string, license: NewLicense, now: number): Promise<License> {
    return this.db.writeTransaction(async (trx) => {
      await checkReferences(trx, this.db.dialect, organizationId, license.customerId, license.featureIds);
      await trx
        .insertInto('license')
        .values({
          id: license.id,
          organization_id: organizationId,
          customer_id: license.customerId,
          lease_limit: license.leaseLimit,
          expiry: license.expiry,
          comment: license.comment,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.insertFeatures(trx, license.id, license.featureIds);
      await insertKeys(trx, this.secrets, organizationId, license.id, license.keys, now);
      return (await this.getWith(trx, organizationId, license.id, now))!;
    });
  }

  /**
   * Changes a license. `keys` replaces the set of key codes: codes that stay keep their identity,
   * and leases obtained with a removed code are revoked. Returns undefined when there is no such
   * license.
   */
  async update(organizationId: string, id: string, patch: LicensePatch, now: number): Promise<LicenseUpdate | undefined> {
    return this.db.writeTransaction(async (trx) => {
      const query = trx.selectFrom('license').select('id').where('organization_id', '=', organizationId).where('id', '=', id);
      // PostgreSQL: claims lock this row too, so none slips in between counting and revoking below.
      const existing = await (this.db.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
      if (!existing) return undefined;
      await checkReferences(trx, this.db.dialect, organizationId, patch.customerId, patch.featureIds ?? []);
      const columns: Partial<LicenseTable> = { updated_at: now };
      if (patch.customerId !== undefined) columns.customer_id = patch.customerId;
      if (patch.leaseLimit !== undefined) columns.lease_limit = patch.leaseLimit;
      if (patch.expiry !== undefined) columns.expiry = patch.expiry;
      if (patch.comment !== undefined) columns.comment = patch.comment;
      await trx.updateTable('license').set(columns).where('id', '=', id).execute();
      if (patch.featureIds !== undefined) {
        await trx.deleteFrom('license_feature').where('license_id', '=', id).execute();
        await this.insertFeatures(trx, id, patch.featureIds);
      }
      const { addedKeys, removedKeys } = patch.keys !== undefined ? await replaceKeys(trx, this.secrets, organizationId, id, patch.keys, now) : { addedKeys: [], removedKeys: [] };
      const license = await this.getWith(trx, organizationId, id, now);
      return license && { license, addedKeys, removedKeys };
    });
  }

  /**
   * Deletes a license. Its leases stay behind, revoked, so that they answer as invalid rather than
   * unknown. Returns how many of them were active (and unexpired), or undefined when there was no
   * such license.
   */
  async delete(organizationId: string, id: string, now: number): Promise<{ revokedLeases: number } | undefined> {
    return this.db.writeTransaction(async (trx) => {
      const result = await trx.deleteFrom('license').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return undefined;
      // After the delete, which holds the row lock claims take: no claim can add a lease meanwhile.
      const active = await trx
        .selectFrom('lease')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('license_id', '=', id)
        .where('state', '=', 'active')
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      await trx.updateTable('lease').set({ state: 'revoked', revoked_reason: 'license_deleted' }).where('license_id', '=', id).execute();
      return { revokedLeases: Number(active.n) };
    });
  }

  /** The names of the products each license grants (through its features). */
  async productNames(licenseIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    if (licenseIds.length === 0) return result;
    const rows = await this.db.kysely
      .selectFrom('license_feature as lf')
      .innerJoin('feature as f', 'f.id', 'lf.feature_id')
      .innerJoin('product as p', 'p.id', 'f.product_id')
      .select(['lf.license_id', 'p.name'])
      .distinct()
      .where('lf.license_id', 'in', licenseIds)
      .execute();
    for (const row of rows) result.set(row.license_id, [...(result.get(row.license_id) ?? []), row.name]);
    return result;
  }

  /** The products and features that a license grants, grouped by product, both sorted by name. */
  async validFor(licenseId: string): Promise<ValidForProduct[]> {
    const rows = await this.db.kysely
      .selectFrom('license_feature as lf')
      .innerJoin('feature as f', 'f.id', 'lf.feature_id')
      .innerJoin('product as p', 'p.id', 'f.product_id')
      .select(['p.id as productId', 'p.name as product', 'p.description as productDescription', 'f.name as feature', 'f.description as featureDescription'])
      .where('lf.license_id', '=', licenseId)
      .orderBy('p.name')
      .orderBy('f.name')
      .execute();
    return groupValidFor(rows);
  }

  private async insertFeatures(trx: Kysely<Database>, licenseId: string, featureIds: string[]): Promise<void> {
    const unique = [...new Set(featureIds)];
    if (unique.length === 0) return;
    await trx
      .insertInto('license_feature')
      .values(unique.map((feature_id) => ({ license_id: licenseId, feature_id })))
      .execute();
  }
}
