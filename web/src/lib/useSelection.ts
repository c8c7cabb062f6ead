import { useEffect, useState } from 'react';

/**
 * Rows chosen in a list, by key. The choice is of rows seen: it is cleared whenever `scope` (the
 * page, filters and sort, as one string) changes, so an action never reaches rows out of sight.
 */
export function useSelection(scope: string) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setSelected(new Set()), [scope]);
  return { selected, onChange: setSelected, clear: () => setSelected(new Set()) };
}
