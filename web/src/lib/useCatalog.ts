import { api } from '../api/endpoints';
import type { Feature, Product } from '../api/types';
import { useApi } from './useApi';

export interface Catalog {
  products: Product[];
  features: Feature[];
  productById: Map<string, Product>;
  featureById: Map<string, Feature>;
}

export function catalogOf(products: Product[], features: Feature[]): Catalog {
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  return {
    products: [...products].sort(byName),
    features: [...features].sort(byName),
    productById: new Map(products.map((p) => [p.id, p])),
    featureById: new Map(features.map((f) => [f.id, f])),
  };
}

/** Every product and feature of the organization (read page by page), for pickers and labels. */
export function useCatalog() {
  return useApi(async () => {
    const [products, features] = await Promise.all([api.products.all(), api.features.all()]);
    return catalogOf(products, features);
  }, []);
}

/** A license's features grouped by product name, for display. */
export function grantsOf(featureIds: string[], catalog: Catalog | undefined): { product: string; productId: string; features: string[] }[] {
  if (!catalog) return [];
  const groups = new Map<string, { product: string; productId: string; features: string[] }>();
  for (const id of featureIds) {
    const feature = catalog.featureById.get(id);
    if (!feature) continue;
    const product = catalog.productById.get(feature.productId);
    const key = feature.productId;
    const group = groups.get(key) ?? { product: product?.name ?? 'unknown product', productId: key, features: [] };
    group.features.push(feature.name);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.product.localeCompare(b.product)).map((g) => ({ ...g, features: g.features.sort() }));
}
