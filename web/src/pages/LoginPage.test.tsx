import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getCsrfToken } from '../api/client';
import { apiError, mockApi, ok } from '../test/fetchMock';
import { session } from '../test/fixtures';
import { manualClock, type ManualClock } from '../test/manualClock';
import { currentLocation, renderWithProviders } from '../test/render';
import { LoginPage } from './LoginPage';

const renderLogin = (route = '/login', clock?: ManualClock) => renderWithProviders(<LoginPage />, { route, path: '/login', session: null, clock });

describe('LoginPage', () => {
  it('has a labelled username and password and a Sign in button', () => {
    mockApi();
    renderLogin();
    expect(screen.getByRole('form', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toHaveAttribute('autocomplete', 'username');
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('asks for both fields before calling the server', async () => {
    const fake = mockApi();
    const { user } = renderLogin();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter your username')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(fake.requests).toHaveLength(0);
  });

  it('signs in, keeps the CSRF token and goes to the page it came from', async () => {
    const fake = mockApi({ 'POST /session': ok(session('admin')) });
    const { user } = renderLogin('/login?next=%2Fcustomers%3Fq%3Dglo');
    await user.type(screen.getByLabelText('Username'), '  adam ');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(currentLocation()).toBe('/customers?q=glo'));
    expect(fake.calls('POST /session')[0]!.body).toEqual({ username: 'adam', password: 'correct horse' });
    expect(getCsrfToken()).toBe('csrf-admin-token');
  });

  it('does not follow a next parameter that leaves the site', async () => {
    mockApi({ 'POST /session': ok(session('admin')) });
    const { user } = renderLogin('/login?next=%2F%2Fevil.example%2F');
    await user.type(screen.getByLabelText('Username'), 'adam');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(currentLocation()).toBe('/'));
  });

  it('says the credentials are wrong on a 401 and clears the password', async () => {
    mockApi({ 'POST /session': apiError(401, 'INVALID_CREDENTIALS', 'the username or password is not right') });
    const { user } = renderLogin();
    await user.type(screen.getByLabelText('Username'), 'adam');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The username or password is not right.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(screen.getByLabelText('Username')).toHaveValue('adam');
    expect(currentLocation()).toBe('/login');
  });

  it('explains throttling on a 429 with the wait from Retry-After and disables the button', async () => {
    mockApi({
      'POST /session': apiError(429, 'TOO_MANY_ATTEMPTS', 'too many failed sign-ins; try again in 120 s', undefined, { 'retry-after': '120' }),
    });
    const { user } = renderLogin('/login', manualClock());
    await user.type(screen.getByLabelText('Username'), 'adam');
    await user.type(screen.getByLabelText('Password'), 'guess');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many failed sign-in attempts. Try again in 2 minutes.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });

  it('counts the wait down from when the 429 arrived, however long the page was open before', async () => {
    const fake = mockApi({
      'POST /session': apiError(429, 'TOO_MANY_ATTEMPTS', 'too many failed sign-ins; try again in 120 s', undefined, { 'retry-after': '120' }),
    });
    const clock = manualClock();
    const { user } = renderLogin('/login', clock);
    // The page was open for a while before the attempt.
    clock.advance(10 * 60_000);
    await user.type(screen.getByLabelText('Username'), 'adam');
    await user.type(screen.getByLabelText('Password'), 'guess');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Try again in 2 minutes.');

    clock.advance(30_000);
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 2 minutes.');
    clock.advance(1_000);
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 89 seconds.');
    clock.advance(88_000);
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 1 second.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();

    clock.advance(1_000);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(fake.calls('POST /session')).toHaveLength(1);
  });

  it('shows the server message for other failures', async () => {
    mockApi({ 'POST /session': apiError(503, 'UNAVAILABLE', 'the server cannot reach its database; retry shortly') });
    const { user } = renderLogin();
    await user.type(screen.getByLabelText('Username'), 'adam');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the server cannot reach its database; retry shortly');
  });
});
