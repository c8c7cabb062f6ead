import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
// Loaded up front so that the lazy route resolves at once (no transform delay inside findBy*).
import './pages/CustomersPage';
import { apiError, mockApi, noContent, ok } from './test/fetchMock';
import { customer, page, session } from './test/fixtures';
import { currentLocation, renderWithProviders } from './test/render';

const renderApp = (route: string, signedIn: 'fetch' | ReturnType<typeof session> = 'fetch') => renderWithProviders(<App />, { route, path: '/*', session: signedIn });

describe('App: session and routing', () => {
  it('reads the session on start and shows the page with the user and role', async () => {
    const fake = mockApi({ 'GET /session': ok(session('viewer')), 'GET /customers': ok(page([customer()])) });
    renderApp('/customers');
    expect(screen.getByLabelText('Loading session')).toBeInTheDocument();

    expect(await screen.findByRole('link', { name: 'Globex Corporation' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getByText('Vera Viewer')).toBeInTheDocument();
    expect(within(nav).getByText('viewer')).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Customers' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByText('Acme Software')).toBeInTheDocument();
    // A viewer cannot create customers.
    expect(screen.queryByRole('button', { name: 'New customer' })).not.toBeInTheDocument();
    expect(fake.calls('GET /session')).toHaveLength(1);
  });

  it('sends a visitor without a session to sign in, and back afterwards', async () => {
    let signedIn = false;
    const fake = mockApi({
      'GET /session': () => (signedIn ? ok(session('admin')) : apiError(401, 'UNAUTHORIZED', 'no session: sign in first')),
      'POST /session': () => {
        signedIn = true;
        return ok(session('admin'));
      },
      'GET /customers': ok(page([customer()])),
    });
    const { user } = renderApp('/customers?q=glo');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(currentLocation()).toBe('/login?next=%2Fcustomers%3Fq%3Dglo');
    expect(screen.queryByText(/Your session has ended/)).not.toBeInTheDocument();

    await user.type(screen.getByLabelText('Username'), 'adam');
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('link', { name: 'Globex Corporation' })).toBeInTheDocument();
    expect(currentLocation()).toBe('/customers?q=glo');
    expect(fake.calls('GET /customers')[0]!.query.get('q')).toBe('glo');
    expect(screen.getByRole('button', { name: 'New customer' })).toBeInTheDocument();
  });

  it('signs out when the API answers 401 and says the session ended', async () => {
    mockApi({ 'GET /customers': apiError(401, 'UNAUTHORIZED', 'no session: sign in first') });
    renderApp('/customers', session('admin'));
    expect(await screen.findByText('Your session has ended. Sign in again to continue.')).toBeInTheDocument();
    expect(currentLocation()).toBe('/login?next=%2Fcustomers');
  });

  it('signs out with DELETE /session and the CSRF token', async () => {
    const fake = mockApi({ 'GET /customers': ok(page([])), 'DELETE /session': noContent() });
    const { user } = renderApp('/customers', session('admin'));
    await screen.findByText('No customers yet.');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(currentLocation()).toBe('/login');
    expect(fake.calls('DELETE /session')[0]!.headers['x-csrf-token']).toBe('csrf-admin-token');
    expect(screen.queryByText(/Your session has ended/)).not.toBeInTheDocument();
  });

  it('sends a signed-in user away from the sign-in page', async () => {
    mockApi({ 'GET /customers': ok(page([])) });
    renderApp('/login?next=%2Fcustomers', session('admin'));
    expect(await screen.findByText('No customers yet.')).toBeInTheDocument();
    expect(currentLocation()).toBe('/customers');
  });

  it('shows the sign-in page when the server cannot be reached', async () => {
    mockApi({ 'GET /session': apiError(503, 'UNAVAILABLE', 'the server cannot reach its database; retry shortly') });
    renderApp('/');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    await waitFor(() => expect(currentLocation()).toBe('/login'));
  });
});
