import { Badge, Group, Text, Tree, type RenderTreeNodePayload } from '@mantine/core';
import { IconPackage, IconPencil, IconPlus, IconPuzzle, IconTrash } from '@tabler/icons-react';
import type { Feature, Product } from '../../api/types';
import { ExpandToggle } from '../../components/ExpandToggle';
import { RowAction, RowActions } from '../../components/RowActions';
import { useCollapsibleTree } from '../../lib/useCollapsibleTree';
import { PRODUCT, type ProductCatalog } from './useProductCatalog';

/** What an admin may do from the tree; none for a viewer. */
export interface ProductTreeActions {
  addFeature: (product: Product) => void;
  editProduct: (product: Product) => void;
  deleteProduct: (product: Product) => void;
  editFeature: (product: Product, feature: Feature) => void;
  deleteFeature: (product: Product, feature: Feature) => void;
}

const stop = (e: { stopPropagation: () => void }) => e.stopPropagation();

function ProductNode({ product, features, payload, onToggle, actions }: { product: Product; features: Feature[]; payload: RenderTreeNodePayload; onToggle: () => void; actions?: ProductTreeActions }) {
  const { expanded, elementProps } = payload;
  return (
    <Group justify="space-between" wrap="nowrap" {...elementProps} py={6} px={4} style={{ ...elementProps.style, borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
        <ExpandToggle name={product.name} expanded={expanded} pointsDown={expanded && features.length > 0} disabled={features.length === 0} onToggle={onToggle} iconSize={16} />
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
      {actions && (
        <RowActions onClick={stop}>
          <RowAction tooltip="Add feature" label={`Add feature to ${product.name}`} icon={<IconPlus size={16} />} onClick={() => actions.addFeature(product)} />
          <RowAction tooltip="Edit product" label={`Edit product ${product.name}`} icon={<IconPencil size={16} />} onClick={() => actions.editProduct(product)} />
          <RowAction tooltip="Delete product" label={`Delete product ${product.name}`} icon={<IconTrash size={16} />} color="red" onClick={() => actions.deleteProduct(product)} />
        </RowActions>
      )}
    </Group>
  );
}

function FeatureNode({ product, feature, payload, actions }: { product: Product; feature: Feature; payload: RenderTreeNodePayload; actions?: ProductTreeActions }) {
  const name = `${product.name}/${feature.name}`;
  return (
    <Group justify="space-between" wrap="nowrap" {...payload.elementProps} py={4} px={4}>
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
      {actions && (
        <RowActions onClick={stop}>
          <RowAction tooltip="Edit feature" label={`Edit feature ${name}`} icon={<IconPencil size={14} />} size="sm" onClick={() => actions.editFeature(product, feature)} />
          <RowAction tooltip="Delete feature" label={`Delete feature ${name}`} icon={<IconTrash size={14} />} size="sm" color="red" onClick={() => actions.deleteFeature(product, feature)} />
        </RowActions>
      )}
    </Group>
  );
}

/** Products of the page with their features, each product collapsible. */
export function ProductTree({ catalog, actions }: { catalog: ProductCatalog; actions?: ProductTreeActions }) {
  const { nodes, productById, featureById, featuresOf } = catalog;
  const tree = useCollapsibleTree(nodes, PRODUCT);
  return (
    <Tree
      data={nodes}
      tree={tree}
      expandOnClick={false}
      levelOffset={36}
      aria-label="Products and features"
      renderNode={(payload) => {
        const { value } = payload.node;
        if (value.startsWith(PRODUCT)) {
          const product = productById.get(value.slice(PRODUCT.length))!;
          return <ProductNode product={product} features={featuresOf(product.id)} payload={payload} onToggle={() => tree.toggleExpanded(value)} actions={actions} />;
        }
        const feature = featureById.get(value)!;
        return <FeatureNode product={productById.get(feature.productId)!} feature={feature} payload={payload} actions={actions} />;
      }}
    />
  );
}
