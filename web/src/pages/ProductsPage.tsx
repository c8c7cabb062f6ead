import { ActionIcon, Badge, Button, Card, Group, Loader, Text, Tooltip, Tree, useTree, type TreeNodeData } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconPackage, IconPencil, IconPlus, IconPuzzle, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { api } from '../api/endpoints';
import type { Feature, Product } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmModal } from '../components/ConfirmModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { ListFooter } from '../components/ListFooter';
import { NameDescriptionModal } from '../components/NameDescriptionModal';
import { PageHeader } from '../components/PageHeader';
import { SearchInput } from '../components/SearchInput';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { useListParams } from '../lib/useListParams';

const PAGE_SIZE = 25;
const PRODUCT = 'product:';

type Editing =
  | { kind: 'product'; product?: Product }
  | { kind: 'feature'; product: Product; feature?: Feature };

type Deleting = { kind: 'product'; product: Product } | { kind: 'feature'; product: Product; feature: Feature };

export function ProductsPage() {
  const { canWrite } = usePermissions();
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
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<Deleting | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());

  const products = catalog.data?.page.items;
  const data: TreeNodeData[] = useMemo(
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
  const expandedState = useMemo(() => Object.fromEntries(data.map((n) => [n.value, !collapsed.has(n.value)])), [data, collapsed]);
  const tree = useTree({
    expandedState,
    onExpandedStateChange: (state) => {
      const next = Object.entries(state)
        .filter(([k, open]) => k.startsWith(PRODUCT) && !open)
        .map(([k]) => k);
      setCollapsed((current) => (next.length === current.size && next.every((k) => current.has(k)) ? current : new Set(next)));
    },
  });

  const saved = (message: string) => {
    notifySuccess(message);
    catalog.reload();
  };

  return (
    <>
      <PageHeader
        title="Products"
        description="Products and their features: what licenses grant and applications check, by name."
        actions={
          canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ kind: 'product' })}>
              New product
            </Button>
          )
        }
      />
      <Card withBorder padding="md" radius="md">
        <Group mb="md" gap="sm">
          <SearchInput label="Search products" placeholder="Search products by name" value={q} onChange={(value) => list.set({ q: value })} />
          {catalog.loading && <Loader size="sm" aria-label="Loading products" />}
        </Group>
        {catalog.error && <ErrorAlert error={catalog.error} onRetry={catalog.reload} />}
        {products && products.length === 0 && (
          <Text c="dimmed" size="sm" ta="center" py="lg">
            {q ? `No product matches “${q}”.` : 'No products yet. Create one, then add its features.'}
          </Text>
        )}
        {products && products.length > 0 && (
          <Tree
            data={data}
            tree={tree}
            expandOnClick={false}
            levelOffset={36}
            aria-label="Products and features"
            renderNode={({ node, expanded, elementProps }) => {
              if (node.value.startsWith(PRODUCT)) {
                const product = productById.get(node.value.slice(PRODUCT.length))!;
                const features = catalog.data?.features.get(product.id) ?? [];
                return (
                  <Group justify="space-between" wrap="nowrap" {...elementProps} py={6} px={4} style={{ ...elementProps.style, borderBottom: '1px solid var(--mantine-color-default-border)' }}>
                    <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        size="sm"
                        aria-label={`${expanded ? 'Collapse' : 'Expand'} ${product.name}`}
                        disabled={features.length === 0}
                        onClick={(e) => {
                          e.stopPropagation();
                          tree.toggleExpanded(node.value);
                        }}
                      >
                        {expanded && features.length > 0 ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                      </ActionIcon>
                      <IconPackage size={18} color="var(--mantine-color-blue-6)" />
                      <Text fw={600} ff="monospace">
                        {product.name}
                      </Text>
                      <Badge size="sm" variant="light" color="gray">
                        {features.length} {features.length === 1 ? 'feature' : 'features'}
                      </Badge>
                      {product.description && (
                        <Text size="sm" c="dimmed" truncate>
                          {product.description}
                        </Text>
                      )}
                    </Group>
                    {canWrite && (
                      <Group gap={4} wrap="nowrap" onClick={(e) => e.stopPropagation()}>
                        <Tooltip label="Add feature">
                          <ActionIcon variant="subtle" aria-label={`Add feature to ${product.name}`} onClick={() => setEditing({ kind: 'feature', product })}>
                            <IconPlus size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Edit product">
                          <ActionIcon variant="subtle" aria-label={`Edit product ${product.name}`} onClick={() => setEditing({ kind: 'product', product })}>
                            <IconPencil size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Delete product">
                          <ActionIcon variant="subtle" color="red" aria-label={`Delete product ${product.name}`} onClick={() => setDeleting({ kind: 'product', product })}>
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    )}
                  </Group>
                );
              }
              const feature = featureById.get(node.value)!;
              const product = productById.get(feature.productId)!;
              return (
                <Group justify="space-between" wrap="nowrap" {...elementProps} py={4} px={4}>
                  <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                    <IconPuzzle size={16} color="var(--mantine-color-teal-6)" />
                    <Text size="sm" ff="monospace">
                      {feature.name}
                    </Text>
                    {feature.description && (
                      <Text size="sm" c="dimmed" truncate>
                        {feature.description}
                      </Text>
                    )}
                  </Group>
                  {canWrite && (
                    <Group gap={4} wrap="nowrap" onClick={(e) => e.stopPropagation()}>
                      <Tooltip label="Edit feature">
                        <ActionIcon variant="subtle" size="sm" aria-label={`Edit feature ${product.name}/${feature.name}`} onClick={() => setEditing({ kind: 'feature', product, feature })}>
                          <IconPencil size={14} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Delete feature">
                        <ActionIcon variant="subtle" size="sm" color="red" aria-label={`Delete feature ${product.name}/${feature.name}`} onClick={() => setDeleting({ kind: 'feature', product, feature })}>
                          <IconTrash size={14} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  )}
                </Group>
              );
            }}
          />
        )}
        {catalog.data && <ListFooter total={catalog.data.page.total} page={list.page} pageSize={PAGE_SIZE} onPage={list.setPage} label="products" />}
      </Card>

      {canWrite && (
        <>
          <NameDescriptionModal
            opened={editing?.kind === 'product'}
            onClose={() => setEditing(null)}
            title={editing?.kind === 'product' && editing.product ? `Edit product ${editing.product.name}` : 'New product'}
            submitLabel={editing?.kind === 'product' && editing.product ? 'Save' : 'Create product'}
            nameLabel="Product name"
            nameDescription="What applications see: letters, digits, _ . - ; unique in your organization."
            initial={editing?.kind === 'product' ? editing.product : undefined}
            onSubmit={async (values) => {
              if (editing?.kind !== 'product') return;
              if (editing.product) {
                const p = await api.products.update(editing.product.id, values);
                saved(`Saved product ${p.name}`);
              } else {
                const p = await api.products.create(values);
                saved(`Created product ${p.name}`);
              }
            }}
          />
          <NameDescriptionModal
            opened={editing?.kind === 'feature'}
            onClose={() => setEditing(null)}
            title={editing?.kind === 'feature' ? (editing.feature ? `Edit feature ${editing.product.name}/${editing.feature.name}` : `New feature of ${editing.product.name}`) : ''}
            submitLabel={editing?.kind === 'feature' && editing.feature ? 'Save' : 'Create feature'}
            nameLabel="Feature name"
            nameDescription="Letters, digits, _ . - ; unique within the product."
            initial={editing?.kind === 'feature' ? editing.feature : undefined}
            onSubmit={async (values) => {
              if (editing?.kind !== 'feature') return;
              if (editing.feature) {
                const f = await api.features.update(editing.feature.id, values);
                saved(`Saved feature ${f.name}`);
              } else {
                const f = await api.features.create(editing.product.id, values);
                saved(`Created feature ${f.name}`);
              }
            }}
          />
          <ConfirmModal
            opened={deleting !== null}
            onClose={() => setDeleting(null)}
            title={deleting?.kind === 'feature' ? 'Delete feature' : 'Delete product'}
            confirmLabel={deleting?.kind === 'feature' ? 'Delete feature' : 'Delete product'}
            onConfirm={async () => {
              if (!deleting) return;
              if (deleting.kind === 'product') {
                await api.products.remove(deleting.product.id);
                saved(`Deleted product ${deleting.product.name}`);
              } else {
                await api.features.remove(deleting.feature.id);
                saved(`Deleted feature ${deleting.feature.name}`);
              }
            }}
          >
            {deleting?.kind === 'product' ? (
              <>
                Delete the product <b>{deleting.product.name}</b> and all of its features? This is refused while a license grants one of them.
              </>
            ) : deleting?.kind === 'feature' ? (
              <>
                Delete the feature <b>{deleting.product.name}/{deleting.feature.name}</b>? This is refused while a license grants it.
              </>
            ) : null}
          </ConfirmModal>
        </>
      )}
    </>
  );
}
