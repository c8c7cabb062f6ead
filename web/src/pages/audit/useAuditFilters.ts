import { useState } from 'react';
import type { AuditFilters } from '../../api/endpoints';
import { useListParams } from '../../lib/useListParams';

export const PAGE_SIZE = 50;

/**
 * The audit log's filters and page, kept in the URL. The resource type and action are typed
 * freely (or picked) and apply when picked, on Enter or on leaving the box.
 */
export function useAuditFilters() {
  const list = useListParams(PAGE_SIZE, { sort: 'at', order: 'desc' });
  const resourceType = list.get('resourceType');
  const action = list.get('action');
  const actor = list.get('actor');
  const [typeText, setTypeText] = useState(resourceType);
  const [actionText, setActionText] = useState(action);

  const filters: AuditFilters = { resourceType: resourceType || undefined, action: action || undefined, actor: actor || undefined, ...list.sorting.query };
  const query: AuditFilters = { ...filters, limit: list.limit, offset: list.offset };

  return {
    list,
    actor,
    typeText,
    setTypeText,
    actionText,
    setActionText,
    query,
    /** The export's query: the same filters and sort, every page. */
    exportQuery: filters,
    deps: [resourceType, action, actor, list.offset, list.limit, list.sorting.sort, list.sorting.order] as const,
    filtered: Boolean(resourceType || action || actor),
    clear: () => {
      setTypeText('');
      setActionText('');
      list.set({ resourceType: null, action: null, actor: null });
    },
  };
}

export type AuditFilterState = ReturnType<typeof useAuditFilters>;
