import { useTree, type TreeNodeData } from '@mantine/core';
import { useMemo, useState } from 'react';

/**
 * A Mantine tree whose top-level nodes (values starting with `groupPrefix`, such as products)
 * start expanded and stay as the user left them when the data changes (a reload, a filter).
 */
export function useCollapsibleTree(nodes: TreeNodeData[], groupPrefix: string) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const expandedState = useMemo(() => Object.fromEntries(nodes.map((node) => [node.value, !collapsed.has(node.value)])), [nodes, collapsed]);
  return useTree({
    expandedState,
    onExpandedStateChange: (state) => {
      const next = Object.entries(state)
        .filter(([key, open]) => key.startsWith(groupPrefix) && !open)
        .map(([key]) => key);
      setCollapsed((current) => (next.length === current.size && next.every((k) => current.has(k)) ? current : new Set(next)));
    },
  });
}
