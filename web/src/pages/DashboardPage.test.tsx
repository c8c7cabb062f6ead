import { act, screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockApi, ok } from '../test/fetchMock';
import { catalog, customer, license, page } from '../test/fixtures';
import { manualClock } from '../test/manualClock';
import { renderWithProviders } from '../test/render';
import { DashboardPage } from './DashboardPage';

const full = license({ id: 'lic-2', keys: ['FULLX-SEATS-00000-00000-00000'], leaseLimit: 2, leasesUsed: 2 });

function routes(activeLeases = 3) {
  return {
    'GET /dashboard': ok({ activeLeases, refusedLast24h: 4, expiringSoon: [], atLimit: [full] }),
    'GET /usage': ok({ products: ['cad-suite'], points: [] }),
    'GET /products': ok(page(catalog.products, { limit: 200 })),
    'GET /features': ok(page(catalog.features, { limit: 200 })),
    'GET /customers/cust-1': ok(customer()),
  };
}

const card = (label: string) => screen.getByRole('link', { name: new RegExp(`^${label}:`) });

function setVisibility(state: 'visible' | 'hidden') {
  act(() => {
    Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

describe('DashboardPage', () => {
  afterEach(() => setVisibility('visible'));
  beforeEach(() => {
    // jsdom has no layout: the usage chart's container measures 0×0, which recharts warns about.
    const warn = console.warn.bind(console);
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('of chart should be greater than 0')) return;
      warn(...args);
    });
  });

  it('shows the figures and the licenses that need attention', async () => {
    mockApi(routes());
    renderWithProviders(<DashboardPage />);
    expect(await within(card('Active leases')).findByText('3')).toBeInTheDocument();
    expect(within(card('Refused obtains')).getByText('4')).toBeInTheDocument();
    expect(within(card('At their limit')).getByText('1')).toBeInTheDocument();
    expect(screen.getByText('No license expires in the next 30 days.')).toBeInTheDocument();
    const atLimit = screen.getByRole('table', { name: 'Licenses at their limit' });
    expect(within(atLimit).getByRole('link', { name: 'Open license FULLX-SEATS-00000-00000-00000' })).toHaveAttribute('href', '/licenses/lic-2');
    expect(await within(atLimit).findByText('2 / 2')).toBeInTheDocument();
  });

  it('links every figure to the list it counts', async () => {
    mockApi(routes());
    renderWithProviders(<DashboardPage />);
    await within(card('Active leases')).findByText('3');
    expect(card('Active leases')).toHaveAttribute('href', '/licenses?inUse=true');
    expect(card('Refused obtains')).toHaveAttribute('href', '/licenses?refusedLast24h=true');
    expect(card('Expiring soon')).toHaveAttribute('href', '/licenses?expiringWithinDays=30');
    expect(card('At their limit')).toHaveAttribute('href', '/licenses?atLimit=true');
    expect(screen.getByRole('link', { name: 'Active leases: 3, held right now' })).toBeInTheDocument();
  });

  it('reads its figures again every 20 seconds and says when they were read', async () => {
    const fake = mockApi(routes(3));
    const clock = manualClock(Date.parse('2030-01-01T12:00:00.000Z'));
    renderWithProviders(<DashboardPage />, { clock });
    await within(card('Active leases')).findByText('3');
    const read = dayjs(clock.now()).format('HH:mm:ss');
    expect(await screen.findByText(`Updated ${read}`)).toBeInTheDocument();

    fake.on('GET /dashboard', ok({ activeLeases: 5, refusedLast24h: 4, expiringSoon: [], atLimit: [] }));
    clock.advance(19_000);
    expect(fake.calls('GET /dashboard')).toHaveLength(1);
    clock.advance(1_000);
    expect(await within(card('Active leases')).findByText('5')).toBeInTheDocument();
    await waitFor(() => expect(fake.calls('GET /usage')).toHaveLength(2));
    expect(fake.calls('GET /dashboard')).toHaveLength(2);
    expect(await screen.findByText(`Updated ${dayjs(clock.now()).format('HH:mm:ss')}`)).toBeInTheDocument();
  });

  it('skips a refresh while the previous read is still under way', async () => {
    const fake = mockApi(routes(3));
    const clock = manualClock();
    renderWithProviders(<DashboardPage />, { clock });
    await within(card('Active leases')).findByText('3');
    let answer: (() => void) | undefined;
    fake.on('GET /dashboard', () => new Promise((resolve) => (answer = () => resolve(ok({ activeLeases: 6, refusedLast24h: 0, expiringSoon: [], atLimit: [] })))));
    clock.advance(20_000);
    await waitFor(() => expect(fake.calls('GET /dashboard')).toHaveLength(2));
    clock.advance(20_000);
    clock.advance(20_000);
    expect(fake.calls('GET /dashboard')).toHaveLength(2);
    answer!();
    expect(await within(card('Active leases')).findByText('6')).toBeInTheDocument();
    clock.advance(20_000);
    await waitFor(() => expect(fake.calls('GET /dashboard')).toHaveLength(3));
  });

  it('stops refreshing while the tab is hidden and reads at once when it is shown again', async () => {
    const fake = mockApi(routes(3));
    const clock = manualClock();
    renderWithProviders(<DashboardPage />, { clock });
    await within(card('Active leases')).findByText('3');
    setVisibility('hidden');
    clock.advance(120_000);
    expect(fake.calls('GET /dashboard')).toHaveLength(1);
    fake.on('GET /dashboard', ok({ activeLeases: 7, refusedLast24h: 2, expiringSoon: [], atLimit: [] }));
    setVisibility('visible');
    expect(await within(card('Active leases')).findByText('7')).toBeInTheDocument();
    expect(fake.calls('GET /dashboard')).toHaveLength(2);
  });
});
