import type { TreeNodeData } from '@mantine/core';
import { useMemo } from 'react';
import { api } from '../../api/endpoints';
import { useApi } from '../../lib/useApi';
import { useListParams } from '../../lib/useListParams';

export const PAGE_SIZE = 25;
/** Tree values of products carry this prefix; features are their bare ids. */
export const PRODUCT = 'product:';

/** One page of products (searched by name, the page in the URL) with every feature of each. */
export function useProductCatalog() {
  const list = useListParams(PAGE_SIZE);
  const q = list.get('q');
  const catalog = useApi(
    async (signal) => {
      const page = await api.products.list({ q: q || undefined, limit: list.limit, offset: list.offset }, signal);
      const features = await Promise.all(page.items.map((p) => api.features.ofProduct(p.id)));
      return { page, features: new Map(page.items.map((p, i) => [p.id, features[i]!])) };
    },
    [q, list.offset],
  );

  const products = catalog.data?.page.items;
  const nodes: TreeNodeData[] = useMemo(
    () =>
      (products ?? []).map((product) => ({
        value: PRODUCT + product.id,
        label: product.name,
        children: (catalog.data?.features.get(product.id) ?? []).map((f) => ({ value: f.id, label: f.name })),
      })),
    [products, catalog.data],
  );
  const productById = useMemo(() => new Map((products ?? []).map((p) => [p.id, p])), [products]);
  const featureById = useMemo(() => new Map([...(catalog.data?.features.values() ?? [])].flat().map((f) => [f.id, f])), [catalog.data]);
  const featuresOf = (productId: string) => catalog.data?.features.get(productId) ?? [];

  return { list, q, catalog, products, nodes, productById, featureById, featuresOf };
}

export type ProductCatalog = ReturnType<typeof useProductCatalog>;
