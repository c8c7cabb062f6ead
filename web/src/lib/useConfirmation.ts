import { useCallback, useState } from 'react';

export interface Confirmation<T> {
  /** What is being confirmed; kept after closing, so the dialog does not go blank as it fades out. */
  target: T | null;
  opened: boolean;
  ask: (target: T) => void;
  close: () => void;
}

/** Which row a confirmation dialog is asking about ("Delete Globex?"), and whether it is open. */
export function useConfirmation<T>(): Confirmation<T> {
  const [state, setState] = useState<{ target: T | null; opened: boolean }>({ target: null, opened: false });
  const ask = useCallback((target: T) => setState({ target, opened: true }), []);
  const close = useCallback(() => setState((current) => ({ ...current, opened: false })), []);
  return { ...state, ask, close };
}
