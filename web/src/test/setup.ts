/**
 * Vitest setup for the web app's component tests (jsdom): jest-dom matchers, cleanup after each
 * test, the browser APIs Mantine uses that jsdom lacks, and a reset of the API client's
 * module-level state (CSRF token, handlers, customer cache) so that tests do not leak into each other.
 */
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { notifications } from '@mantine/notifications';
import { afterEach, beforeEach, vi } from 'vitest';
import { setCsrfRefresher, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { forgetCustomer } from '../api/endpoints';

// Role queries over a whole Mantine page are slow in jsdom: give findBy*/waitFor room on slow or
// busy machines. Only a bound on a wait that fails: a passing wait ends as soon as its element is there.
configure({ asyncUtilTimeout: 15_000 });

// Mantine's color scheme and media queries.
if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    configurable: true,
    value: (query: string): MediaQueryList => ({
      matches: false,
      media: query,
      onchange: null,
      // The stub is a whole MediaQueryList, so it has the deprecated listener methods that older
      // libraries still fall back to.
      /* eslint-disable @typescript-eslint/no-deprecated */
      addListener: () => undefined,
      removeListener: () => undefined,
      /* eslint-enable @typescript-eslint/no-deprecated */
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
}

// ScrollArea, Tree, charts, floating elements.
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
if (!('ResizeObserver' in window)) {
  Object.defineProperty(window, 'ResizeObserver', { writable: true, configurable: true, value: ResizeObserverStub });
  Object.defineProperty(globalThis, 'ResizeObserver', { writable: true, configurable: true, value: ResizeObserverStub });
}

// Combobox (Select) scrolls its options into view.
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => undefined;
if (!Element.prototype.scrollTo) Element.prototype.scrollTo = () => undefined;

// jsdom does not implement pseudo-element styles and warns when asked for them.
const getComputedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element) => getComputedStyle(element);

// Textarea autosize re-measures when web fonts load.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    configurable: true,
    value: { ready: Promise.resolve(), status: 'loaded', addEventListener: () => undefined, removeEventListener: () => undefined },
  });
}

// Pointer capture, used by some inputs (sliders, date pickers).
if (!Element.prototype.hasPointerCapture) Element.prototype.hasPointerCapture = () => false;
if (!Element.prototype.releasePointerCapture) Element.prototype.releasePointerCapture = () => undefined;

// A toast closes after 3 s (8 s for an error) of wall-clock time, and tests look for it after
// queries that a busy machine makes slow: in tests a toast stays until the test ends.
beforeEach(() => {
  const show = notifications.show;
  vi.spyOn(notifications, 'show').mockImplementation((notification) => show({ ...notification, autoClose: false }));
});

afterEach(() => {
  cleanup();
  setCsrfToken(null);
  setUnauthorizedHandler(null);
  setCsrfRefresher(null);
  forgetCustomer();
  notifications.clean();
  vi.unstubAllGlobals();
});
