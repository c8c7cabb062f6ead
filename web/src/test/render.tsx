/**
 * Renders a screen the way the app does (see AppProviders.tsx): Mantine theme, dates,
 * notifications and the session, inside a memory router. Mantine runs with env="test" (no
 * transitions, no portals) so that modals and menus appear at once.
 */
import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { render, screen, type RenderResult } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement, ReactNode } from 'react';
import { Route, RouterProvider, Routes, createMemoryRouter, useLocation } from 'react-router';
import type { Session } from '../api/types';
import { AuthProvider } from '../auth/AuthContext';
import { ClockProvider, systemClock, type Clock } from '../lib/clock';
import { theme } from '../theme';
import { session as sessionFor } from './fixtures';

export interface RenderOptions {
  /** The URL the router starts at. */
  route?: string;
  /** The route pattern the element is mounted at (for useParams); defaults to the route's path. */
  path?: string;
  /** The signed-in session; null for signed out; 'fetch' to read it from GET /session. Defaults to an admin. */
  session?: Session | null | 'fetch';
  /** Other routes to mount beside the element (e.g. where a page navigates to). */
  routes?: ReactNode;
  /** The time source of countdowns; a manual clock (test/manualClock.ts) makes them deterministic. */
  clock?: Clock;
}

/** Shows the router's current location, for assertions on navigation. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

export function TestProviders({ children, session, clock = systemClock }: { children: ReactNode; session?: Session | null; clock?: Clock }) {
  return (
    <MantineProvider theme={theme} env="test">
      <DatesProvider settings={{ firstDayOfWeek: 1 }}>
        <Notifications />
        <ClockProvider clock={clock}>
          <AuthProvider initialSession={session}>{children}</AuthProvider>
        </ClockProvider>
      </DatesProvider>
    </MantineProvider>
  );
}

export function renderWithProviders(ui: ReactElement, options: RenderOptions = {}): RenderResult & { user: ReturnType<typeof userEvent.setup> } {
  const route = options.route ?? '/';
  const path = options.path ?? route.split('?')[0]!;
  const session = options.session === undefined ? sessionFor('admin') : options.session === 'fetch' ? undefined : options.session;
  const user = userEvent.setup({ delay: null });
  // A data router, as the app has (main.tsx), so that useBlocker works.
  const router = createMemoryRouter(
    [
      {
        path: '*',
        element: (
          <TestProviders session={session} clock={options.clock}>
            <Routes>
              <Route path={path} element={ui} />
              {options.routes}
              <Route path="*" element={<p>Elsewhere</p>} />
            </Routes>
            <LocationProbe />
          </TestProviders>
        ),
      },
    ],
    { initialEntries: [route] },
  );
  const result = render(<RouterProvider router={router} />);
  return { ...result, user };
}

/** The router's current path and query string. */
export function currentLocation(): string {
  return screen.getByTestId('location').textContent ?? '';
}
