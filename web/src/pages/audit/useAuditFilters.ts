import { useState } from 'react';
import type { AuditFilters } from '../../api/endpoints';
import { startOfLocalDay } from '../../lib/format';
import { useListParams } from '../../lib/useListParams';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

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
  // Days in the viewer's zone, kept in the URL as dates; the API gets the moments they begin and end.
  const from = LOCAL_DATE.test(list.get('from')) ? list.get('from') : '';
  const to = LOCAL_DATE.test(list.get('to')) ? list.get('to') : '';
  const [typeText, setTypeText] = useState(resourceType);
  const [actionText, setActionText] = useState(action);

  const filters: AuditFilters = {
    resourceType: resourceType || undefined,
    action: action || undefined,
    actor: actor || undefined,
    from: from ? startOfLocalDay(from) : undefined,
    // Through the last day picked: up to the start of the day after it.
    to: to ? startOfLocalDay(to, true) : undefined,
    ...list.sorting.query,
  };
  const query: AuditFilters = { ...filters, limit: list.limit, offset: list.offset };

  return {
    list,
    actor,
    from,
    to,
    typeText,
    setTypeText,
    actionText,
    setActionText,
    query,
    /** The export's query: the same filters and sort, every page. */
    exportQuery: filters,
    deps: [resourceType, action, actor, from, to, list.offset, list.limit, list.sorting.sort, list.sorting.order] as const,
    filtered: Boolean(resourceType || action || actor || from || to),
    clear: () => {
      setTypeText('');
      setActionText('');
      list.set({ resourceType: null, action: null, actor: null, from: null, to: null });
    },
  };
}

export type AuditFilterState = ReturnType<typeof useAuditFilters>;
