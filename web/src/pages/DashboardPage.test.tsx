import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
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

describe('DashboardPage', () => {
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
    expect(await within(screen.getByRole('group', { name: 'Active leases' })).findByText('3')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Refused obtains' })).getByText('4')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'At their limit' })).getByText('1')).toBeInTheDocument();
    expect(screen.getByText('No license expires in the next 30 days.')).toBeInTheDocument();
    const atLimit = screen.getByRole('table', { name: 'Licenses at their limit' });
    expect(within(atLimit).getByRole('link', { name: 'Open license FULLX-SEATS-00000-00000-00000' })).toHaveAttribute('href', '/licenses/lic-2');
    expect(await within(atLimit).findByText('2 / 2')).toBeInTheDocument();
  });

  it('reloads its figures every minute', async () => {
    const fake = mockApi(routes(3));
    const clock = manualClock();
    renderWithProviders(<DashboardPage />, { clock });
    await within(screen.getByRole('group', { name: 'Active leases' })).findByText('3');

    fake.on('GET /dashboard', ok({ activeLeases: 5, refusedLast24h: 4, expiringSoon: [], atLimit: [] }));
    clock.advance(59_000);
    expect(fake.calls('GET /dashboard')).toHaveLength(1);
    clock.advance(1_000);
    expect(await within(screen.getByRole('group', { name: 'Active leases' })).findByText('5')).toBeInTheDocument();
    await waitFor(() => expect(fake.calls('GET /usage')).toHaveLength(2));
    expect(fake.calls('GET /dashboard')).toHaveLength(2);
  });
});
