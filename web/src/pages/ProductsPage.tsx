import { Button, Group, Loader, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Feature, Product } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ListPage } from '../components/list/ListPage';
import { PagedList } from '../components/list/PagedList';
import { SearchInput } from '../components/SearchInput';
import { notifySuccess } from '../lib/notify';
import { useConfirmation } from '../lib/useConfirmation';
import { ProductDialogs, type Editing } from './products/ProductDialogs';
import { ProductTree, type ProductTreeActions } from './products/ProductTree';
import { useProductCatalog } from './products/useProductCatalog';

export function ProductsPage() {
  const { canWrite } = usePermissions();
  const products = useProductCatalog();
  const { list, q, catalog } = products;
  const [editing, setEditing] = useState<Editing | null>(null);
  const productDeletion = useConfirmation<Product>();
  const featureDeletion = useConfirmation<{ product: Product; feature: Feature }>();

  const actions: ProductTreeActions = {
    addFeature: (product) => setEditing({ kind: 'feature', product }),
    editProduct: (product) => setEditing({ kind: 'product', product }),
    deleteProduct: productDeletion.ask,
    editFeature: (product, feature) => setEditing({ kind: 'feature', product, feature }),
    deleteFeature: (product, feature) => featureDeletion.ask({ product, feature }),
  };

  return (
    <ListPage
      title="Products"
      description="Products and their features: what licenses grant and applications check, by name."
      actions={
        canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ kind: 'product' })}>
            New product
          </Button>
        )
      }
      toolbar={
        <Group mb="md" gap="sm">
          <SearchInput label="Search products" placeholder="Any part of the product name" value={q} onChange={(value) => list.set({ q: value })} />
          {catalog.loading && <Loader size="sm" aria-label="Loading products" />}
        </Group>
      }
    >
      <PagedList error={catalog.error} onRetry={catalog.reload} paging={list} total={catalog.data?.page.total} noun="products">
        {products.products?.length === 0 && (
          <Text c="dimmed" size="sm" ta="center" py="lg">
            {q ? `No product matches “${q}”.` : 'No products yet. Create one, then add its features.'}
          </Text>
        )}
        {products.products && products.products.length > 0 && <ProductTree catalog={products} actions={canWrite ? actions : undefined} />}
      </PagedList>

      {canWrite && (
        <ProductDialogs
          editing={editing}
          onCloseEditing={() => setEditing(null)}
          productDeletion={productDeletion}
          featureDeletion={featureDeletion}
          onSaved={(message) => {
            notifySuccess(message);
            catalog.reload();
          }}
        />
      )}
    </ListPage>
  );
}
