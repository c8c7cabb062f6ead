import { useState } from 'react';
import type { AuditFilters } from '../../api/endpoints';
import { useListParams } from '../../lib/useListParams';

export const PAGE_SIZE = 50;

/**
 * The audit log's filters and page, kept in the URL. The resource type and action are typed
 * freely (or picked) and apply when picked, on Enter or on leaving the box.
 */
export function useAuditFilters() {
  const list = useListParams(PAGE_SIZE);
  const resourceType = list.get('resourceType');
  const action = list.get('action');
  const actor = list.get('actor');
  const [typeText, setTypeText] = useState(resourceType);
  const [actionText, setActionText] = useState(action);

  const query: AuditFilters = { resourceType: resourceType || undefined, action: action || undefined, actor: actor || undefined, limit: list.limit, offset: list.offset };

  return {
    list,
    actor,
    typeText,
    setTypeText,
    actionText,
    setActionText,
    query,
    deps: [resourceType, action, actor, list.offset] as const,
    filtered: Boolean(resourceType || action || actor),
    clear: () => {
      setTypeText('');
      setActionText('');
      list.set({ resourceType: null, action: null, actor: null });
    },
  };
}

export type AuditFilterState = ReturnType<typeof useAuditFilters>;
