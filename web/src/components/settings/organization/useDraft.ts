import { useState } from 'react';

/**
 * An edit of a value loaded from the server (`source`), forgotten whenever the server's data
 * changes (saved, reloaded): until the user edits, it is the loaded value.
 */
export function useDraft<T>(source: unknown, loaded: T): [T, (value: T) => void] {
  const [draft, setDraft] = useState<{ of: unknown; value: T } | null>(null);
  const value = draft !== null && draft.of === source ? draft.value : loaded;
  return [value, (next: T) => setDraft({ of: source, value: next })];
}
