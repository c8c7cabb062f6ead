import { randomUUID } from 'node:crypto';
import type { Page, PageRequest } from '../store/index.js';
import type { NamedFields, Product, ProductSort } from '../store/products.js';
import type { SortRequest } from '../store/sort.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { featureView, type FeatureView } from './feature-service.js';
import { isoTime } from './iso-time.js';
import { notFound, ok, type Outcome } from './outcome.js';
import { transact } from './transact.js';

/** A product as the admin API, the audit log and events show it. */
export interface ProductView {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export function productView(p: Product): ProductView {
  return { id: p.id, name: p.name, description: p.description, createdAt: isoTime(p.createdAt), updatedAt: isoTime(p.updatedAt) };
}

export interface NewProduct {
  name: string;
  description?: string | null;
}

/** Products: the things a vendor licenses, identified to applications by `name`. */
export class ProductService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(caller: Caller, page: PageRequest & SortRequest<ProductSort> & { q?: string }): Promise<Outcome<Page<ProductView>>> {
    const result = await this.deps.store.products.list(caller.organizationId, page);
    return ok({ items: result.items.map(productView), total: result.total });
  }

  async get(caller: Caller, id: string): Promise<Outcome<ProductView>> {
    const product = await this.deps.store.products.get(caller.organizationId, id);
    return product ? ok(productView(product)) : notFound('product');
  }

  /** A name taken in the organization is a conflict. */
  async create(caller: Caller, input: NewProduct): Promise<Outcome<ProductView>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const now = clock.now();
      const fields: NamedFields = { name: input.name, description: input.description ?? null };
      const product = productView(await tx.products.create(caller.organizationId, randomUUID(), fields, now));
      await recordChange(tx, caller, now, { action: 'create', resourceType: 'product', resourceId: product.id, after: product });
      return ok(product);
    });
  }

  /** Changes the fields given; the product is locked first, so that the audit log's "before" is what this change changed. */
  async update(caller: Caller, id: string, change: Partial<NamedFields>): Promise<Outcome<ProductView>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const now = clock.now();
      const before = await tx.products.getForUpdate(caller.organizationId, id);
      if (!before) return notFound('product');
      const after = await tx.products.update(caller.organizationId, id, change, now);
      if (!after) return notFound('product');
      const [was, is] = [productView(before), productView(after)];
      await recordChange(tx, caller, now, { action: 'update', resourceType: 'product', resourceId: id, before: was, after: is });
      return ok(is);
    });
  }

  /**
   * Deletes a product and its features; a conflict while a license grants one of them. The event
   * names the features deleted with it, which get no events of their own.
   */
  async delete(caller: Caller, id: string): Promise<Outcome<void>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const now = clock.now();
      const before = await tx.products.getForUpdate(caller.organizationId, id);
      if (!before) return notFound('product');
      const deleted = await tx.products.delete(caller.organizationId, id);
      if (!deleted) return notFound('product');
      const was = productView(before);
      const features: FeatureView[] = deleted.features.map(featureView);
      await recordChange(tx, caller, now, { action: 'delete', resourceType: 'product', resourceId: id, before: was, data: { before: was, after: null, features } });
      return ok(undefined);
    });
  }
}
