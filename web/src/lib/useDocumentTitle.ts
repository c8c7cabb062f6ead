import { useEffect } from 'react';

const APP = 'Leasehold';

/** The browser tab's title for a set of parts, most specific first: "Hooli · Customers · Leasehold". */
export function documentTitle(parts: readonly (string | null | undefined)[]): string {
  return [...parts.filter((p): p is string => Boolean(p)), APP].join(' · ');
}

/**
 * Names the browser tab after the screen, so that tabs, history and bookmarks can be told apart
 * and a screen reader announces where a navigation went. Nothing is named while `parts` is empty.
 */
export function useDocumentTitle(parts: readonly (string | null | undefined)[]): void {
  const title = parts.length === 0 ? null : documentTitle(parts);
  useEffect(() => {
    if (title !== null) document.title = title;
  }, [title]);
}
