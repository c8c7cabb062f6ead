import { sql, type Kysely } from 'kysely';
import { nameKey } from '../names.js';
import type { Db } from './db.js';
import { ConflictError, NotFoundError } from './errors.js';
import { isUniqueViolation } from './db-errors.js';
import { containsKey, type Page, type PageRequest } from './page.js';
import type { Database, FeatureTable, ProductTable } from './schema.js';
import { sorted, type SortRequest, type SortSpec } from './sort.js';

export interface Product {
  id: string;
  name: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Feature {
  id: string;
  productId: string;
  name: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NamedFields {
  name: string;
  description: string | null;
}

function toProduct(row: ProductTable): Product {
  return { id: row.id, name: row.name, description: row.description, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) };
}

function toFeature(row: FeatureTable): Feature {
  return {
    id: row.id,
    productId: row.product_id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The refusal of a name that `existing` already holds, in this spelling or another case. */
function nameTaken(what: string, name: string, existing: string | undefined): ConflictError {
  if (existing === undefined || existing === name) return new ConflictError(`${what} named "${name}" already exists`);
  return new ConflictError(`${what} named "${existing}" already exists, and "${name}" differs from it only in case`);
}

/**
 * Refuses a name another row of the scope holds in any case: a read that names the existing row
 * in the message. The unique index on name_key decides when two changes race past this read.
 */
async function refuseTaken(
  db: Kysely<Database>,
  table: 'product' | 'feature',
  scope: { column: 'organization_id' | 'product_id'; value: string },
  name: string,
  exceptId: string | undefined,
  what: string,
): Promise<void> {
  let query = db
    .selectFrom(table)
    .select('name')
    .where(scope.column as 'organization_id', '=', scope.value)
    .where((eb) => eb.or([eb('name_key', '=', nameKey(name)), eb('name', '=', name)]));
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  const existing = await query.executeTakeFirst();
  if (existing) throw nameTaken(what, name, existing.name);
}

async function uniquely<T>(what: string, name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(what, name, undefined);
    throw err;
  }
}

export const PRODUCT_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

const productSorts: SortSpec<ProductSort> = {
  columns: { name: { expression: sql.ref('name'), text: true }, createdAt: { expression: sql.ref('created_at') }, updatedAt: { expression: sql.ref('updated_at') } },
  default: { sort: 'name', order: 'asc' },
  id: 'id',
};

/** The columns a change of `fields` writes: a new name brings its key. */
function namedColumns(fields: Partial<NamedFields>): Partial<NamedFields> & { name_key?: string } {
  return fields.name === undefined ? fields : { ...fields, name_key: nameKey(fields.name) };
}

/** Products and their features: what a license grants. */
export class ProductStore {
  constructor(private readonly db: Db) {}

  async list(organizationId: string, page: PageRequest & SortRequest<ProductSort> & { q?: string }): Promise<Page<Product>> {
    let query = this.db.kysely.selectFrom('product').where('organization_id', '=', organizationId);
    if (page.q) query = query.where(containsKey('name_key', page.q));
    const [rows, count] = await Promise.all([
      sorted(query.selectAll(), this.db.dialect, productSorts, page).limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toProduct), total: Number(count.n) };
  }

  async get(organizationId: string, id: string): Promise<Product | undefined> {
    const row = await this.db.kysely.selectFrom('product').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    return row && toProduct(row);
  }

  /**
   * As `get`, and on PostgreSQL locks the row until the transaction ends (SQLite's write lock
   * serialises writers anyway): the copy read is the one a change in the same transaction changes.
   */
  async getForUpdate(organizationId: string, id: string): Promise<Product | undefined> {
    const query = this.db.kysely.selectFrom('product').selectAll().where('organization_id', '=', organizationId).where('id', '=', id);
    const row = await (this.db.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
    return row && toProduct(row);
  }

  async create(organizationId: string, id: string, fields: NamedFields, now: number): Promise<Product> {
    const row: ProductTable = { id, organization_id: organizationId, ...fields, name_key: nameKey(fields.name), created_at: now, updated_at: now };
    await refuseTaken(this.db.kysely, 'product', { column: 'organization_id', value: organizationId }, fields.name, undefined, 'a product');
    await uniquely('a product', fields.name, () => this.db.kysely.insertInto('product').values(row).execute());
    return toProduct(row);
  }

  async update(organizationId: string, id: string, fields: Partial<NamedFields>, now: number): Promise<Product | undefined> {
    if (fields.name !== undefined) await refuseTaken(this.db.kysely, 'product', { column: 'organization_id', value: organizationId }, fields.name, id, 'a product');
    await uniquely('a product', fields.name ?? '', () =>
      this.db.kysely
        .updateTable('product')
        .set({ ...namedColumns(fields), updated_at: now })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .execute(),
    );
    return this.get(organizationId, id);
  }

  /**
   * Deletes a product and its features; refused while a license grants one of them. Returns the
   * features deleted with it, or undefined when there was no such product.
   */
  async delete(organizationId: string, id: string): Promise<{ features: Feature[] } | undefined> {
    return this.db.writeTransaction(async (trx) => {
      // PostgreSQL: lock the product and its features before counting their uses, so that a
      // feature or license being created meanwhile either commits first and is counted, or waits
      // and finds them gone (see LicenseStore.checkReferences and createFeature).
      const productQuery = trx.selectFrom('product').select('id').where('organization_id', '=', organizationId).where('id', '=', id);
      const featureQuery = trx.selectFrom('feature').selectAll().where('organization_id', '=', organizationId).where('product_id', '=', id).orderBy('id');
      const locking = this.db.dialect === 'postgres';
      if (!(await (locking ? productQuery.forUpdate() : productQuery).executeTakeFirst())) return undefined;
      const features = await (locking ? featureQuery.forUpdate() : featureQuery).execute();
      const used = await trx
        .selectFrom('license_feature as lf')
        .innerJoin('feature as f', 'f.id', 'lf.feature_id')
        .select((eb) => eb.fn.count<number>('lf.license_id').distinct().as('n'))
        .where('f.product_id', '=', id)
        .where('f.organization_id', '=', organizationId)
        .executeTakeFirstOrThrow();
      if (Number(used.n) > 0) {
        const n = Number(used.n);
        throw new ConflictError(`${n === 1 ? '1 license grants' : `${n} licenses grant`} features of this product; remove them from those licenses first`, { licenses: n, filter: { productId: id } });
      }
      await trx.deleteFrom('feature').where('product_id', '=', id).where('organization_id', '=', organizationId).execute();
      const result = await trx.deleteFrom('product').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0 ? { features: features.map(toFeature) } : undefined;
    });
  }

  async listFeatures(organizationId: string, page: PageRequest & { productId?: string; q?: string }): Promise<Page<Feature>> {
    let query = this.db.kysely.selectFrom('feature').where('organization_id', '=', organizationId);
    if (page.productId) query = query.where('product_id', '=', page.productId);
    if (page.q) query = query.where(containsKey('name_key', page.q));
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('product_id').orderBy('name').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toFeature), total: Number(count.n) };
  }

  async getFeature(organizationId: string, id: string): Promise<Feature | undefined> {
    const row = await this.db.kysely.selectFrom('feature').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    return row && toFeature(row);
  }

  /** As `getFeature`, locking the row on PostgreSQL until the transaction ends (see `getForUpdate`). */
  async getFeatureForUpdate(organizationId: string, id: string): Promise<Feature | undefined> {
    const query = this.db.kysely.selectFrom('feature').selectAll().where('organization_id', '=', organizationId).where('id', '=', id);
    const row = await (this.db.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
    return row && toFeature(row);
  }

  async createFeature(organizationId: string, productId: string, id: string, fields: NamedFields, now: number): Promise<Feature> {
    const row: FeatureTable = { id, organization_id: organizationId, product_id: productId, ...fields, name_key: nameKey(fields.name), created_at: now, updated_at: now };
    await this.db.writeTransaction(async (trx) => {
      const query = trx.selectFrom('product').select('id').where('organization_id', '=', organizationId).where('id', '=', productId);
      // PostgreSQL: held until commit, so that the product cannot be deleted under the new feature.
      const product = await (this.db.dialect === 'postgres' ? query.forShare() : query).executeTakeFirst();
      if (!product) throw new NotFoundError('product not found');
      await refuseTaken(trx, 'feature', { column: 'product_id', value: productId }, fields.name, undefined, 'a feature of this product');
      await uniquely('a feature of this product', fields.name, () => trx.insertInto('feature').values(row).execute());
    });
    return toFeature(row);
  }

  async updateFeature(organizationId: string, id: string, fields: Partial<NamedFields>, now: number): Promise<Feature | undefined> {
    if (fields.name !== undefined) {
      const feature = await this.getFeature(organizationId, id);
      if (feature) await refuseTaken(this.db.kysely, 'feature', { column: 'product_id', value: feature.productId }, fields.name, id, 'a feature of this product');
    }
    await uniquely('a feature of this product', fields.name ?? '', () =>
      this.db.kysely
        .updateTable('feature')
        .set({ ...namedColumns(fields), updated_at: now })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .execute(),
    );
    return this.getFeature(organizationId, id);
  }

  /** Deletes a feature; refused while a license grants it. */
  async deleteFeature(organizationId: string, id: string): Promise<boolean> {
    return this.db.writeTransaction(async (trx) => {
      if (this.db.dialect === 'postgres') {
        await trx.selectFrom('feature').select('id').where('organization_id', '=', organizationId).where('id', '=', id).forUpdate().execute();
      }
      // Only the caller's own feature counts: another organization's id is not found, not "in use".
      const used = await trx
        .selectFrom('license_feature as lf')
        .innerJoin('feature as f', 'f.id', 'lf.feature_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('f.id', '=', id)
        .where('f.organization_id', '=', organizationId)
        .executeTakeFirstOrThrow();
      const n = Number(used.n);
      if (n > 0) throw new ConflictError(`${n === 1 ? '1 license grants' : `${n} licenses grant`} this feature; remove it from those licenses first`, { licenses: n, filter: { featureId: id } });
      const result = await trx.deleteFrom('feature').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }
}
