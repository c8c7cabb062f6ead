import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
// Loaded up front so that the lazy routes resolve at once.
import './pages/CustomerPage';
import './pages/CustomersPage';
import './pages/SettingsPage';
import { mockApi, ok } from './test/fetchMock';
import { customer, page, session } from './test/fixtures';
import { renderWithProviders } from './test/render';

/** What keyboard and screen-reader users rely on across the app: tab titles, headings, focus, names. */

const renderApp = (route: string, signedIn: ReturnType<typeof session> | null = session('owner')) => renderWithProviders(<App />, { route, path: '/*', session: signedIn });

const catalogRoutes = { 'GET /products': ok(page([])), 'GET /features': ok(page([])) };

describe('the browser tab names the screen', () => {
  it('names a list after itself', async () => {
    mockApi({ 'GET /customers': ok(page([customer()])) });
    renderApp('/customers');
    await screen.findByRole('link', { name: 'Globex Corporation' });
    expect(document.title).toBe('Customers · Leasehold');
  });

  it('names a customer page after the customer and its section', async () => {
    mockApi({ 'GET /customers/cust-1': ok(customer()), 'GET /licenses': ok(page([])), ...catalogRoutes });
    renderApp('/customers/cust-1');
    await screen.findByRole('heading', { level: 1, name: 'Globex Corporation' });
    await waitFor(() => expect(document.title).toBe('Globex Corporation · Customers · Leasehold'));
  });

  it('names a settings tab, and the sign-in page', async () => {
    mockApi({ 'GET /users': ok(page([])) });
    const { unmount } = renderApp('/settings?tab=users');
    await screen.findByRole('heading', { level: 1, name: 'Settings' });
    expect(document.title).toBe('Users · Settings · Leasehold');
    unmount();

    renderApp('/login', null);
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(document.title).toBe('Sign in · Leasehold');
  });
});

describe('headings and focus', () => {
  it('gives a page exactly one h1, and leaves focus alone on the first page loaded', async () => {
    mockApi({ 'GET /customers': ok(page([customer()])) });
    renderApp('/customers');
    await screen.findByRole('link', { name: 'Globex Corporation' });
    expect(screen.getAllByRole('heading', { level: 1 }).map((h) => h.textContent)).toEqual(['Customers']);
    expect(document.body).toHaveFocus();
  });

  it('moves focus to the new page’s h1 after a navigation', async () => {
    mockApi({ 'GET /customers': ok(page([customer()])), 'GET /customers/cust-1': ok(customer()), 'GET /licenses': ok(page([])), ...catalogRoutes });
    const { user } = renderApp('/customers');
    await user.click(await screen.findByRole('link', { name: 'Globex Corporation' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Globex Corporation' });
    await waitFor(() => expect(heading).toHaveFocus());
  });

  it('offers a skip link first, which moves focus to the main content', async () => {
    mockApi({ 'GET /customers': ok(page([customer()])) });
    const { user } = renderApp('/customers');
    await screen.findByRole('link', { name: 'Globex Corporation' });
    await user.tab();
    const skip = screen.getByRole('link', { name: 'Skip to main content' });
    expect(skip).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('main')).toHaveFocus();
  });

  it('has one banner, one main and a labelled navigation', async () => {
    mockApi({ 'GET /customers': ok(page([customer()])) });
    renderApp('/customers');
    await screen.findByRole('link', { name: 'Globex Corporation' });
    expect(screen.getAllByRole('banner')).toHaveLength(1);
    expect(screen.getAllByRole('main')).toHaveLength(1);
    expect(screen.getAllByRole('navigation').map((n) => n.getAttribute('aria-label'))).toEqual(['Main navigation']);
  });
});

describe('controls a keyboard reaches and a screen reader names', () => {
  it('puts the show-password toggle in the tab order, after the password, and it shows the password', async () => {
    const { user } = renderApp('/login', null);
    const password = await screen.findByLabelText('Password');
    await user.click(password);
    await user.tab();
    const toggle = screen.getByRole('button', { name: 'Toggle password visibility' });
    expect(toggle).toHaveFocus();
    await user.keyboard(' ');
    expect(password).toHaveAttribute('type', 'text');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
  });

  it('names the close button of a dialog', async () => {
    mockApi({ 'GET /customers': ok(page([customer()])) });
    const { user } = renderApp('/customers');
    await user.click(await screen.findByRole('button', { name: 'New customer' }));
    const dialog = await screen.findByRole('dialog', { name: 'New customer' });
    expect(within(dialog).getByRole('button', { name: 'Close dialog' })).toBeInTheDocument();
  });
});
