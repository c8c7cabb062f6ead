import { useState } from 'react';

/**
 * Rows chosen in a list, by key. The choice is of rows seen: it belongs to `scope` (the page,
 * filters and sort, as one string) and is empty under any other, so an action never reaches rows
 * out of sight.
 */
export function useSelection(scope: string) {
  const [state, setState] = useState<{ scope: string; selected: ReadonlySet<string> }>({ scope, selected: new Set() });
  const selected = state.scope === scope ? state.selected : new Set<string>();
  return { selected, onChange: (next: ReadonlySet<string>) => setState({ scope, selected: next }), clear: () => setState({ scope, selected: new Set() }) };
}
