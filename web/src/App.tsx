import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { RequireAuth } from './auth/RequireAuth';
import { LoginPage } from './pages/LoginPage';

// The signed-in shell too: the sign-in page loads none of it (navigation, tooltips and their positioning).
const AppLayout = lazy(() => import('./components/AppLayout').then((m) => ({ default: m.AppLayout })));
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const CustomersPage = lazy(() => import('./pages/CustomersPage').then((m) => ({ default: m.CustomersPage })));
const CustomerPage = lazy(() => import('./pages/CustomerPage').then((m) => ({ default: m.CustomerPage })));
const ProductsPage = lazy(() => import('./pages/ProductsPage').then((m) => ({ default: m.ProductsPage })));
const LicensesPage = lazy(() => import('./pages/LicensesPage').then((m) => ({ default: m.LicensesPage })));
const LicenseFormPage = lazy(() => import('./pages/LicenseFormPage').then((m) => ({ default: m.LicenseFormPage })));
const LicensePage = lazy(() => import('./pages/LicensePage').then((m) => ({ default: m.LicensePage })));
const SettingsPage = lazy(() => import('./pages/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage').then((m) => ({ default: m.NotFoundPage })));

function Page({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <Center h={300}>
          <Loader aria-label="Loading page" />
        </Center>
      }
    >
      {children}
    </Suspense>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <Page>
              <AppLayout />
            </Page>
          </RequireAuth>
        }
      >
        <Route
          index
          element={
            <Page>
              <DashboardPage />
            </Page>
          }
        />
        <Route
          path="customers"
          element={
            <Page>
              <CustomersPage />
            </Page>
          }
        />
        <Route
          path="customers/:id"
          element={
            <Page>
              <CustomerPage />
            </Page>
          }
        />
        <Route
          path="products"
          element={
            <Page>
              <ProductsPage />
            </Page>
          }
        />
        <Route
          path="licenses"
          element={
            <Page>
              <LicensesPage />
            </Page>
          }
        />
        <Route
          path="licenses/new"
          element={
            <Page>
              <LicenseFormPage />
            </Page>
          }
        />
        <Route
          path="licenses/:id"
          element={
            <Page>
              <LicensePage />
            </Page>
          }
        />
        <Route
          path="licenses/:id/edit"
          element={
            <Page>
              <LicenseFormPage />
            </Page>
          }
        />
        <Route
          path="settings"
          element={
            <Page>
              <SettingsPage />
            </Page>
          }
        />
        <Route
          path="audit"
          element={
            <Page>
              <AuditPage />
            </Page>
          }
        />
        <Route
          path="*"
          element={
            <Page>
              <NotFoundPage />
            </Page>
          }
        />
      </Route>
    </Routes>
  );
}
