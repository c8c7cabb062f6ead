import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import type { Session } from './api/types';
import { AuthProvider } from './auth/AuthContext';
import { theme } from './theme';

/** Theme, notifications, dates and the session: everything a screen needs around it. */
export function AppProviders({ children, initialSession }: { children: ReactNode; initialSession?: Session | null }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <DatesProvider settings={{ firstDayOfWeek: 1 }}>
        {/* Bottom right: at the top right a toast covers the page header's action buttons for seconds. */}
        <Notifications position="bottom-right" limit={4} />
        <AuthProvider initialSession={initialSession}>{children}</AuthProvider>
      </DatesProvider>
    </MantineProvider>
  );
}
