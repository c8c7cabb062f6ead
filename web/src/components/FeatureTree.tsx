import { Badge, Checkbox, Group, Input, Paper, ScrollArea, Stack, Text, TextInput, Tree, type TreeNodeData } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Feature, Product } from '../api/types';
import { useCollapsibleTree } from '../lib/useCollapsibleTree';
import { ExpandToggle } from './ExpandToggle';

export interface FeatureTreeProps {
  products: Product[];
  features: Feature[];
  /** Selected feature ids. */
  value: string[];
  onChange: (featureIds: string[]) => void;
  label?: string;
  description?: ReactNode;
  error?: ReactNode;
  disabled?: boolean;
}

const PRODUCT = 'product:';

/**
 * Picks features across products: a tree of products (a checkbox each that selects all of its
 * features) with their features (a checkbox each). The value is the list of feature ids.
 */
export function FeatureTree({ products, features, value, onChange, label = 'Features', description, error, disabled }: FeatureTreeProps) {
  const [filter, setFilter] = useState('');
  const selected = useMemo(() => new Set(value), [value]);

  const featuresByProduct = useMemo(() => {
    const map = new Map<string, Feature[]>();
    for (const f of features) map.set(f.productId, [...(map.get(f.productId) ?? []), f]);
    for (const list of map.values()) list.sort((a, b) => a.name.localeCompare(b.name));
    return map;
  }, [features]);
  const productById = useMemo(() => new Map(products.map((p) => [p.id, p])), [products]);
  const featureById = useMemo(() => new Map(features.map((f) => [f.id, f])), [features]);

  const data: TreeNodeData[] = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return [...products]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((product) => {
        const all = featuresByProduct.get(product.id) ?? [];
        const productMatches = !needle || product.name.toLowerCase().includes(needle);
        const shown = productMatches ? all : all.filter((f) => f.name.toLowerCase().includes(needle) || (f.description ?? '').toLowerCase().includes(needle));
        return { product, shown, keep: productMatches || shown.length > 0 };
      })
      .filter((p) => p.keep)
      .map(({ product, shown }) => ({
        value: PRODUCT + product.id,
        label: product.name,
        children: shown.map((f) => ({ value: f.id, label: f.name })),
      }));
  }, [products, featuresByProduct, filter]);

  // Products start expanded; the user may collapse some.
  const tree = useCollapsibleTree(data, PRODUCT);

  const set = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    // keep the order stable: catalog order
    onChange(
      features
        .filter((f) => next.has(f.id))
        .map((f) => f.id)
        .concat(value.filter((id) => !featureById.has(id) && next.has(id))),
    );
  };

  /** Checks or clears a node: a feature, or every feature of a product (all of them unless all are checked). */
  const toggleNode = (nodeValue: string) => {
    if (disabled) return;
    if (nodeValue.startsWith(PRODUCT)) {
      const ids = (featuresByProduct.get(nodeValue.slice(PRODUCT.length)) ?? []).map((f) => f.id);
      if (ids.length > 0)
        set(
          ids,
          ids.some((id) => !selected.has(id)),
        );
    } else if (featureById.has(nodeValue)) set([nodeValue], !selected.has(nodeValue));
  };

  // Space and Enter on a focused row, or on its checkbox, check it. Mantine's tree would take Space
  // to expand the row and swallow it before the checkbox saw it; Enter would submit the form.
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    const target = event.target as HTMLElement;
    if (target.tagName === 'BUTTON') return;
    const item = target.closest<HTMLElement>('[role=treeitem]');
    const nodeValue = item?.dataset.value;
    if (!nodeValue) return;
    event.preventDefault();
    event.stopPropagation();
    toggleNode(nodeValue);
  };

  const stateOf = (nodeValue: string): 'true' | 'false' | 'mixed' => {
    if (!nodeValue.startsWith(PRODUCT)) return selected.has(nodeValue) ? 'true' : 'false';
    const ids = (featuresByProduct.get(nodeValue.slice(PRODUCT.length)) ?? []).map((f) => f.id);
    const count = ids.filter((id) => selected.has(id)).length;
    return count === 0 ? 'false' : count === ids.length ? 'true' : 'mixed';
  };

  const nameOf = (nodeValue: string) => (nodeValue.startsWith(PRODUCT) ? productById.get(nodeValue.slice(PRODUCT.length))?.name : featureById.get(nodeValue)?.name) ?? '';

  // Mantine renders the treeitem elements and gives no way to set their attributes: name each row
  // (its content would name it after every row below it) and say whether it is checked, so that a
  // screen reader on the row, not only on its checkbox, hears it.
  const treeRef = useRef<HTMLUListElement>(null);
  useLayoutEffect(() => {
    for (const item of treeRef.current?.querySelectorAll<HTMLElement>('[role=treeitem][data-value]') ?? []) {
      item.setAttribute('aria-label', nameOf(item.dataset.value!));
      item.setAttribute('aria-checked', stateOf(item.dataset.value!));
      if (disabled) item.setAttribute('aria-disabled', 'true');
      else item.removeAttribute('aria-disabled');
    }
  });

  const productCount = new Set(value.map((id) => featureById.get(id)?.productId).filter(Boolean)).size;

  return (
    <Input.Wrapper label={label} description={description} error={error}>
      <Paper withBorder p="xs" mt={4} style={error ? { borderColor: 'var(--mantine-color-error)' } : undefined}>
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <TextInput
              size="xs"
              aria-label="Filter features"
              placeholder="Filter products and features"
              leftSection={<IconSearch size={14} />}
              value={filter}
              onChange={(e) => setFilter(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Badge variant="light" color={value.length ? 'blue' : 'gray'}>
              {value.length} selected{productCount > 0 ? ` in ${productCount} product${productCount > 1 ? 's' : ''}` : ''}
            </Badge>
          </Group>
          {products.length === 0 ? (
            <Text size="sm" c="dimmed">
              No products yet: create products and features first.
            </Text>
          ) : data.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing matches “{filter}”.
            </Text>
          ) : (
            <ScrollArea.Autosize mah={360} type="auto">
              <Tree
                ref={treeRef}
                data={data}
                expandOnSpace={false}
                aria-multiselectable
                onKeyDown={onKeyDown}
                tree={tree}
                expandOnClick={false}
                levelOffset="xl"
                aria-label={label}
                renderNode={({ node, expanded, hasChildren, elementProps }) => {
                  if (node.value.startsWith(PRODUCT)) {
                    const product = productById.get(node.value.slice(PRODUCT.length))!;
                    const ids = (featuresByProduct.get(product.id) ?? []).map((f) => f.id);
                    const count = ids.filter((id) => selected.has(id)).length;
                    return (
                      <Group gap={6} wrap="nowrap" {...elementProps} py={4}>
                        <ExpandToggle name={product.name} expanded={expanded} disabled={!hasChildren} onToggle={() => tree.toggleExpanded(node.value)} iconSize={14} />
                        <Checkbox
                          size="sm"
                          aria-label={`All features of ${product.name}`}
                          checked={ids.length > 0 && count === ids.length}
                          indeterminate={count > 0 && count < ids.length}
                          disabled={disabled || ids.length === 0}
                          tabIndex={-1}
                          onClick={(e) => e.stopPropagation()}
                          onChange={() => set(ids, count < ids.length)}
                        />
                        <Text size="sm" fw={600}>
                          {product.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {ids.length === 0 ? 'no features' : `${count}/${ids.length}`}
                        </Text>
                      </Group>
                    );
                  }
                  const feature = featureById.get(node.value)!;
                  const product = productById.get(feature.productId);
                  return (
                    <Group gap={6} wrap="nowrap" {...elementProps} py={4} pl={30}>
                      <Checkbox
                        size="sm"
                        label={feature.name}
                        aria-label={`${product?.name ?? ''} / ${feature.name}`}
                        checked={selected.has(feature.id)}
                        disabled={disabled}
                        tabIndex={-1}
                        onClick={(e) => e.stopPropagation()}
                        onChange={(e) => set([feature.id], e.currentTarget.checked)}
                      />
                      {feature.description && (
                        <Text size="xs" c="dimmed" truncate>
                          {feature.description}
                        </Text>
                      )}
                    </Group>
                  );
                }}
              />
            </ScrollArea.Autosize>
          )}
        </Stack>
      </Paper>
    </Input.Wrapper>
  );
}
