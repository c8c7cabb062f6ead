import { screen, waitFor, within } from '@testing-library/react';
import { Route } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Lease } from '../api/types';
import { apiError, mockApi, noContent, ok, type Handler, type MockRequest } from '../test/fetchMock';
import { catalog, customer, lease, license, page, session } from '../test/fixtures';
import { currentLocation, renderWithProviders } from '../test/render';
import { LicensePage } from './LicensePage';

const active = lease();
const anonymous = lease({ id: 'lease-2', clientId: null });
const released = lease({ id: 'lease-3', clientId: 'laptop-3', state: 'released', endedAt: new Date(Date.now() - 60_000).toISOString() });
const superseded = lease({ id: 'lease-4', clientId: 'laptop-4', state: 'superseded', endedAt: new Date(Date.now() - 120_000).toISOString() });

function routes(extra: Record<string, Handler> = {}, leases: Lease[] = [active, anonymous, released, superseded]): Record<string, Handler> {
  return {
    'GET /licenses/lic-1': ok(license()),
    'GET /products': ok(page(catalog.products, { limit: 200 })),
    'GET /features': ok(page(catalog.features, { limit: 200 })),
    'GET /customers/cust-1': ok(customer()),
    'GET /licenses/lic-1/usage': ok({ points: [] }),
    'GET /licenses/lic-1/leases': (req: MockRequest) => {
      const state = req.query.get('state');
      return ok(
        page(
          leases.filter((l) => !state || l.state === state),
          { limit: 20 },
        ),
      );
    },
    ...extra,
  };
}

function renderLicense(role: 'admin' | 'viewer' = 'admin') {
  return renderWithProviders(<LicensePage />, {
    route: '/licenses/lic-1',
    path: '/licenses/:id',
    session: session(role),
    routes: <Route path="/licenses" element={<p>License list</p>} />,
  });
}

const leaseTable = () => screen.getByRole('table', { name: 'Leases' });
const findLeaseTable = () => screen.findByRole('table', { name: 'Leases' });

describe('LicensePage', () => {
  beforeEach(() => {
    // jsdom has no layout: the usage chart's container measures 0×0, which recharts warns about.
    const warn = console.warn.bind(console);
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('of chart should be greater than 0')) return;
      warn(...args);
    });
  });

  it('shows the license, its customer, key codes and grants', async () => {
    mockApi(routes());
    renderLicense();
    expect(await screen.findByRole('link', { name: 'Globex Corporation' })).toHaveAttribute('href', '/customers/cust-1');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('LicenseActive');
    expect(screen.getByText('2 / 10')).toBeInTheDocument();
    expect(screen.getByText('ABCDE-FGHJK-MNPQR-STVWX-YZ012')).toBeInTheDocument();
    // Grants grouped by product.
    expect(await screen.findByText('cad-suite')).toBeInTheDocument();
    expect(screen.getByText('render')).toBeInTheDocument();
    expect(screen.getByText('viewer')).toBeInTheDocument();
    expect(screen.getByText('view')).toBeInTheDocument();
    expect(screen.queryByText('export')).not.toBeInTheDocument();
  });

  it('copies a key code', async () => {
    mockApi(routes());
    const { user } = renderLicense();
    await user.click(await screen.findByRole('button', { name: 'Copy key ABCDE-FGHJK-MNPQR-STVWX-YZ012' }));
    await expect(navigator.clipboard.readText()).resolves.toBe('ABCDE-FGHJK-MNPQR-STVWX-YZ012');
  });

  it('lists the active leases with their state first', async () => {
    const fake = mockApi(routes());
    renderLicense();
    expect(await within(await findLeaseTable()).findByText('workstation-17')).toBeInTheDocument();
    const rows = within(leaseTable()).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('active')).toBeInTheDocument();
    // An anonymous client: no client id.
    expect(within(rows[1]!).getAllByRole('cell')[1]).toHaveTextContent('—');
    expect(fake.calls('GET /licenses/lic-1/leases')[0]!.url).toBe('/api/v1/licenses/lic-1/leases?state=active&limit=25&offset=0');
  });

  it('shows every state under All, with Release only for active leases', async () => {
    const fake = mockApi(routes());
    const { user } = renderLicense();
    await within(await findLeaseTable()).findByText('workstation-17');
    await user.click(screen.getByRole('radio', { name: 'All' }));
    expect(await within(await findLeaseTable()).findByText('laptop-3')).toBeInTheDocument();
    expect(fake.calls('GET /licenses/lic-1/leases').at(-1)!.url).toBe('/api/v1/licenses/lic-1/leases?limit=25&offset=0');

    const rowOf = (client: string) => within(leaseTable()).getByText(client).closest('tr')!;
    expect(within(rowOf('laptop-3')).getByText('released')).toBeInTheDocument();
    expect(within(rowOf('laptop-4')).getByText('superseded')).toBeInTheDocument();
    expect(within(rowOf('laptop-3')).queryByRole('button', { name: /Release/ })).not.toBeInTheDocument();
    expect(within(rowOf('workstation-17')).getByRole('button', { name: 'Release lease of workstation-17' })).toBeInTheDocument();
  });

  it('marks an active lease past its expiry as expired, without Release', async () => {
    const lapsed = lease({ id: 'lease-9', clientId: 'old-pc', expiry: new Date(Date.now() - 5 * 60_000).toISOString() });
    mockApi(routes({}, [lapsed]));
    renderLicense();
    const row = (await within(await findLeaseTable()).findByText('old-pc')).closest('tr')!;
    expect(within(row).getByText('expired')).toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: /Release/ })).not.toBeInTheDocument();
  });

  it('lists the leases housekeeping marked expired under Expired, without Release', async () => {
    const marked = lease({ id: 'lease-10', clientId: 'gone-pc', state: 'expired', expiry: new Date(Date.now() - 3_600_000).toISOString(), endedAt: new Date(Date.now() - 3_600_000).toISOString() });
    const fake = mockApi(routes({}, [active, marked]));
    const { user } = renderLicense();
    await within(await findLeaseTable()).findByText('workstation-17');
    await user.click(screen.getByRole('radio', { name: 'Expired' }));
    const row = (await within(await findLeaseTable()).findByText('gone-pc')).closest('tr')!;
    expect(fake.calls('GET /licenses/lic-1/leases').at(-1)!.url).toBe('/api/v1/licenses/lic-1/leases?state=expired&limit=25&offset=0');
    expect(within(leaseTable()).queryByText('workstation-17')).not.toBeInTheDocument();
    expect(within(row).getByText('expired')).toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: /Release/ })).not.toBeInTheDocument();
  });

  it('asks before releasing, naming the client id, and sends nothing when cancelled', async () => {
    const fake = mockApi(routes());
    const { user } = renderLicense();
    await user.click(await screen.findByRole('button', { name: 'Release lease of workstation-17' }));
    const dialog = screen.getByRole('dialog', { name: 'Release the seat of workstation-17?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.calls('POST /leases/lease-1/release')).toHaveLength(0);
  });

  it('releases the seat of a lease with POST /leases/{id}/release once confirmed, and reloads', async () => {
    let releasedNow = false;
    const fake = mockApi(
      routes({
        'POST /leases/lease-1/release': () => {
          releasedNow = true;
          return ok({ ...active, state: 'released', endedAt: new Date().toISOString(), leasesEnded: 1 });
        },
        'GET /licenses/lic-1/leases': (req) => ok(page(releasedNow && req.query.get('state') === 'active' ? [anonymous] : [active, anonymous])),
      }),
    );
    const { user } = renderLicense();
    await user.click(await screen.findByRole('button', { name: 'Release lease of workstation-17' }));
    const dialog = screen.getByRole('dialog', { name: 'Release the seat of workstation-17?' });
    expect(dialog).toHaveTextContent('Every active lease of this license with the client id workstation-17 ends at once');
    expect(fake.calls('POST /leases/lease-1/release')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Release' }));

    expect(await screen.findByText('Released the seat of workstation-17')).toBeInTheDocument();
    const [post] = fake.calls('POST /leases/lease-1/release');
    expect(post!.url).toBe('/api/v1/leases/lease-1/release');
    expect(post!.headers['x-csrf-token']).toBe('csrf-admin-token');
    await waitFor(() => expect(within(leaseTable()).queryByText('workstation-17')).not.toBeInTheDocument());
    expect(fake.calls('GET /licenses/lic-1')).toHaveLength(2);
    // The anonymous lease is named by its id.
    expect(screen.getByRole('button', { name: 'Release lease of lease-2' })).toBeInTheDocument();
  });

  it('says how many leases ended when the seat held several (one client id obtained more than once)', async () => {
    mockApi(routes({ 'POST /leases/lease-1/release': () => ok({ ...active, state: 'released', endedAt: new Date().toISOString(), leasesEnded: 3 }) }));
    const { user } = renderLicense();
    await user.click(await screen.findByRole('button', { name: 'Release lease of workstation-17' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Release the seat of workstation-17?' })).getByRole('button', { name: 'Release' }));
    expect(await screen.findByText('Released the seat of workstation-17 (3 leases ended)')).toBeInTheDocument();
  });

  it('names an anonymous lease as a lease when releasing it', async () => {
    mockApi(routes({ 'POST /leases/lease-2/release': () => ok({ ...anonymous, state: 'released', endedAt: new Date().toISOString(), leasesEnded: 1 }) }));
    const { user } = renderLicense();
    await user.click(await screen.findByRole('button', { name: 'Release lease of lease-2' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Release this lease?' })).getByRole('button', { name: 'Release' }));
    expect(await screen.findByText('Released the lease of an anonymous client')).toBeInTheDocument();
  });

  it('tells when a release fails', async () => {
    mockApi(routes({ 'POST /leases/lease-1/release': apiError(404, 'NOT_FOUND', 'lease not found') }));
    const { user } = renderLicense();
    await user.click(await screen.findByRole('button', { name: 'Release lease of workstation-17' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Release the seat of workstation-17?' })).getByRole('button', { name: 'Release' }));
    expect(await screen.findByText('Could not release the seat')).toBeInTheDocument();
    expect(screen.getByText('lease not found')).toBeInTheDocument();
  });

  it('offers Edit, Delete and Release to an admin', async () => {
    mockApi(routes());
    renderLicense('admin');
    await within(await findLeaseTable()).findByText('workstation-17');
    expect(screen.getByRole('link', { name: 'Edit' })).toHaveAttribute('href', '/licenses/lic-1/edit');
    expect(screen.getByRole('button', { name: 'Delete' })).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /^Release lease of/ })).toHaveLength(2);
  });

  it('is read-only for a viewer', async () => {
    mockApi(routes());
    renderLicense('viewer');
    await within(await findLeaseTable()).findByText('workstation-17');
    expect(screen.queryByRole('link', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Release/ })).not.toBeInTheDocument();
    expect(within(leaseTable()).getAllByRole('columnheader')).toHaveLength(5);
  });

  it('deletes the license and goes back to the list', async () => {
    const fake = mockApi(routes({ 'DELETE /licenses/lic-1': noContent() }));
    const { user } = renderLicense();
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete the license for Globex Corporation (key ABCDE…)?' });
    expect(dialog).toHaveTextContent('its 2 seats in use end at once');
    await user.click(within(dialog).getByRole('button', { name: 'Delete license' }));
    await waitFor(() => expect(currentLocation()).toBe('/licenses'));
    expect(fake.calls('DELETE /licenses/lic-1')).toHaveLength(1);
  });

  it('marks an expired license', async () => {
    mockApi(routes({ 'GET /licenses/lic-1': ok(license({ expiry: '2024-06-30T12:00:00.000Z' })) }));
    renderLicense();
    expect(await screen.findByRole('heading', { level: 1 })).toHaveTextContent('LicenseExpired');
    expect(screen.getByText('Expired 2024-06-30')).toBeInTheDocument();
  });

  it('says when the license does not exist', async () => {
    mockApi(routes({ 'GET /licenses/lic-1': apiError(404, 'NOT_FOUND', 'license not found') }));
    renderLicense();
    expect(await screen.findByText('License not found')).toBeInTheDocument();
    expect(screen.getByText('This license does not exist or was deleted.')).toBeInTheDocument();
  });

  it('sorts the leases on a header and exports them with the state and sort shown', async () => {
    const fake = mockApi(routes());
    const { user } = renderLicense();
    const leases = await findLeaseTable();
    await within(leases).findByText('workstation-17');
    expect(within(leases).getByRole('columnheader', { name: /Issued/ })).toHaveAttribute('aria-sort', 'descending');
    await user.click(within(leases).getByRole('button', { name: 'Client id' }));
    await waitFor(() => expect(fake.calls('GET /licenses/lic-1/leases').at(-1)!.url).toBe('/api/v1/licenses/lic-1/leases?state=active&sort=clientId&order=asc&limit=25&offset=0'));
    expect(within(leases).getByRole('columnheader', { name: /Client id/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/v1/licenses/lic-1/leases/export.csv?state=active&sort=clientId&order=asc');
  });
});
