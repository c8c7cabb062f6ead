import type { MouseEvent } from 'react';

/** The id of the element holding each page's content, which the skip link moves focus to. */
export const MAIN_CONTENT_ID = 'main-content';

/**
 * The first thing Tab reaches: "Skip to main content", hidden until focused, so that a keyboard
 * user need not tab through the header and the navigation on every page.
 */
export function SkipLink() {
  // Focus is moved by hand: following the fragment would add a history entry the router sees.
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    const main = document.getElementById(MAIN_CONTENT_ID);
    main?.focus();
    main?.scrollIntoView();
  };
  return (
    <a href={`#${MAIN_CONTENT_ID}`} className="skip-link" onClick={skip}>
      Skip to main content
    </a>
  );
}
