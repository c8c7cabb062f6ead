import { useCallback, useEffect, useRef } from 'react';
import { useBlocker, type Blocker } from 'react-router';

export interface UnsavedChanges {
  /** A navigation held back while it waits for the person's answer (see UnsavedChangesPrompt). */
  blocker: Blocker;
  /** Lets the next navigation through: call it before navigating away after a save. */
  release: () => void;
}

/**
 * Keeps a form's unsaved changes from being lost by leaving: an in-app navigation is held until
 * the person confirms it, and closing or reloading the tab asks the browser's own question.
 */
export function useUnsavedChanges(dirty: boolean): UnsavedChanges {
  const dirtyRef = useRef(dirty);
  const released = useRef(false);
  useEffect(() => {
    dirtyRef.current = dirty;
    if (dirty) released.current = false;
  }, [dirty]);

  // Read at the moment of navigating, so that a save that navigates at once is let through.
  const shouldBlock = useCallback(({ currentLocation, nextLocation }: { currentLocation: { pathname: string; search: string }; nextLocation: { pathname: string; search: string } }) => {
    const elsewhere = currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search;
    return dirtyRef.current && !released.current && elsewhere;
  }, []);
  const blocker = useBlocker(shouldBlock);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      if (released.current) return;
      // The browser asks its own question; preventDefault is how a page says there is one to ask.
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const release = useCallback(() => {
    released.current = true;
  }, []);
  return { blocker, release };
}
