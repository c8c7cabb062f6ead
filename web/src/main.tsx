// The styles of date pickers and charts come with the lazily loaded screens that show them (LicenseForm, UsageChart).
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './accessibility.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider, createBrowserRouter } from 'react-router';
import { App } from './App';
import { AppProviders } from './AppProviders';

// A data router, for useBlocker (a form with unsaved changes asks before leaving); App keeps its
// own <Routes> beneath the one route that matches everything.
const router = createBrowserRouter([
  {
    path: '*',
    element: (
      <AppProviders>
        <App />
      </AppProviders>
    ),
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
