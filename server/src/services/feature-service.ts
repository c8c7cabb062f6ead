import { randomUUID } from 'node:crypto';
import type { Page, PageRequest } from '../store/index.js';
import type { Feature, NamedFields } from '../store/products.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { notFound, ok, type Outcome } from './outcome.js';
import { transact } from './transact.js';

/** A feature as the admin API, the audit log and events show it. */
export interface FeatureView {
  id: string;
  productId: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export function featureView(f: Feature): FeatureView {
  return { id: f.id, productId: f.productId, name: f.name, description: f.description, createdAt: isoTime(f.createdAt), updatedAt: isoTime(f.updatedAt) };
}

export interface NewFeature {
  name: string;
  description?: string | null;
}

export type FeatureQuery = PageRequest & { q?: string; productId?: string };

/** Features: the parts of a product a license can grant, identified to applications by `name`. */
export class FeatureService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(caller: Caller, query: FeatureQuery): Promise<Outcome<Page<FeatureView>>> {
    const result = await this.deps.store.products.listFeatures(caller.organizationId, query);
    return ok({ items: result.items.map(featureView), total: result.total });
  }

  /** The features of one product; a product that does not exist is not found, rather than an empty page. */
  async listOfProduct(caller: Caller, productId: string, query: PageRequest & { q?: string }): Promise<Outcome<Page<FeatureView>>> {
    if (!(await this.deps.store.products.get(caller.organizationId, productId))) return notFound('product');
    return this.list(caller, { ...query, productId });
  }

  async get(caller: Caller, id: string): Promise<Outcome<FeatureView>> {
    const feature = await this.deps.store.products.getFeature(caller.organizationId, id);
    return feature ? ok(featureView(feature)) : notFound('feature');
  }

  /** A product that does not exist is not found; a name taken in the product is a conflict. */
  async create(caller: Caller, productId: string, input: NewFeature): Promise<Outcome<FeatureView>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const now = clock.now();
      const fields: NamedFields = { name: input.name, description: input.description ?? null };
      const feature = featureView(await tx.products.createFeature(caller.organizationId, productId, randomUUID(), fields, now));
      await recordChange(tx, caller, now, { action: 'create', resourceType: 'feature', resourceId: feature.id, after: feature });
      return ok(feature);
    });
  }

  /** Changes the fields given; the feature is locked first, so that the audit log's "before" is what this change changed. */
  async update(caller: Caller, id: string, change: Partial<NamedFields>): Promise<Outcome<FeatureView>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const now = clock.now();
      const before = await tx.products.getFeatureForUpdate(caller.organizationId, id);
      if (!before) return notFound('feature');
      const after = await tx.products.updateFeature(caller.organizationId, id, change, now);
      if (!after) return notFound('feature');
      const [was, is] = [featureView(before), featureView(after)];
      await recordChange(tx, caller, now, { action: 'update', resourceType: 'feature', resourceId: id, before: was, after: is });
      return ok(is);
    });
  }

  /** A conflict while a license grants the feature. */
  async delete(caller: Caller, id: string): Promise<Outcome<void>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const before = await tx.products.getFeatureForUpdate(caller.organizationId, id);
      if (!before || !(await tx.products.deleteFeature(caller.organizationId, id))) return notFound('feature');
      await recordChange(tx, caller, clock.now(), { action: 'delete', resourceType: 'feature', resourceId: id, before: featureView(before) });
      return ok(undefined);
    });
  }
}
