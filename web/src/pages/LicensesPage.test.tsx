import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, mockApi, ok } from '../test/fetchMock';
import { catalog, license, page, session } from '../test/fixtures';
import { currentLocation, renderWithProviders } from '../test/render';
import { LicensesPage } from './LicensesPage';

const first = license();
const second = license({ id: 'lic-2', customerId: 'cust-2', customerName: 'Initech', keys: ['ZZZZZ-YYYYY-XXXXX-WWWWW-VVVVV'], expiry: null });

function renderLicenses(route = '/licenses', role: 'admin' | 'viewer' = 'admin', routes = {}) {
  const fake = mockApi({
    'GET /licenses': ok(page([first, second])),
    'GET /products': ok(page(catalog.products, { limit: 200 })),
    'GET /features': ok(page(catalog.features, { limit: 200 })),
    ...routes,
  });
  return { fake, ...renderWithProviders(<LicensesPage />, { route, session: session(role) }) };
}

const table = () => screen.getByRole('table', { name: 'Licenses' });
const lastListQuery = (fake: ReturnType<typeof mockApi>) => fake.calls('GET /licenses').at(-1)!.query;

describe('LicensesPage', () => {
  it("shows each license's customer from the list reply alone: one request for the page, none per row", async () => {
    const { fake } = renderLicenses();
    expect(await within(table()).findByRole('link', { name: 'Initech' })).toHaveAttribute('href', '/customers/cust-2');
    expect(within(table()).getByRole('link', { name: 'Globex Corporation' })).toHaveAttribute('href', '/customers/cust-1');
    // The page's list, the catalog (products, features) and the customer filter's options: nothing per license shown.
    expect(fake.fetch).toHaveBeenCalledTimes(4);
    expect(fake.requests.map((r) => r.path).sort()).toEqual(['/customers', '/features', '/licenses', '/products']);
  });

  it('shows the feature a link filtered by ("Show them" on a refusal), by name, and drops it on request', async () => {
    const { fake, user } = renderLicenses('/licenses?featureId=feat-render');
    await within(table()).findByRole('link', { name: 'Initech' });
    expect(lastListQuery(fake).get('featureId')).toBe('feat-render');
    await user.click(await screen.findByRole('button', { name: 'Remove filter: Granting the feature cad-suite/render' }));
    await waitFor(() => expect(lastListQuery(fake).get('featureId')).toBeNull());
    expect(screen.queryByRole('button', { name: /^Remove filter: Granting the feature/ })).not.toBeInTheDocument();
  });

  it('sorts on a column from its header button, by mouse or keyboard, and marks the header with aria-sort', async () => {
    const { fake, user } = renderLicenses();
    await within(table()).findByRole('link', { name: 'Initech' });
    const created = screen.getByRole('columnheader', { name: /Created/ });
    expect(created).toHaveAttribute('aria-sort', 'descending');
    expect(lastListQuery(fake).get('sort')).toBeNull();

    await user.click(within(table()).getByRole('button', { name: 'Customer' }));
    await waitFor(() => expect(lastListQuery(fake).get('sort')).toBe('customer'));
    expect(lastListQuery(fake).get('order')).toBe('asc');
    expect(screen.getByRole('columnheader', { name: /Customer/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('columnheader', { name: /Created/ })).toHaveAttribute('aria-sort', 'none');
    expect(currentLocation()).toBe('/licenses?sort=customer&order=asc');

    within(table()).getByRole('button', { name: 'Customer' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(lastListQuery(fake).get('order')).toBe('desc'));
    expect(screen.getByRole('columnheader', { name: /Customer/ })).toHaveAttribute('aria-sort', 'descending');
    // Key codes are sealed at rest: no sort button on them.
    expect(within(screen.getByRole('columnheader', { name: 'Key' })).queryByRole('button')).toBeNull();
  });

  it('offers 10, 25, 50 and 100 a page, kept in the URL with the page and sort', async () => {
    const { fake, user } = renderLicenses('/licenses?sort=expiry&order=desc&page=3');
    await within(table()).findByRole('link', { name: 'Initech' });
    expect(lastListQuery(fake).get('offset')).toBe('50');
    const size = screen.getByRole('combobox', { name: 'Licenses per page' });
    expect(
      within(size)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['10 per page', '25 per page', '50 per page', '100 per page']);
    await user.selectOptions(size, '100');
    await waitFor(() => expect(lastListQuery(fake).get('limit')).toBe('100'));
    expect(lastListQuery(fake).get('offset')).toBe('0');
    expect(currentLocation()).toBe('/licenses?sort=expiry&order=desc&size=100');
  });

  it('links Export CSV to the export of every page with the current filters and sort', async () => {
    renderLicenses('/licenses?q=gold&customerId=cust-1&expired=false&sort=expiry&order=desc&page=2&size=10');
    await within(table()).findByRole('link', { name: 'Initech' });
    const href = screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')!;
    const url = new URL(href, 'http://localhost');
    expect(url.pathname).toBe('/api/v1/licenses/export.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: 'gold', customerId: 'cust-1', expired: 'false', sort: 'expiry', order: 'desc' });
  });

  it('extends the selected licenses by days after a dialog that says how many and what happens to perpetual ones', async () => {
    const { fake, user } = renderLicenses('/licenses', 'admin', { 'POST /licenses/bulk': ok({ action: 'extend', changed: 1, unchanged: ['lic-2'] }) });
    await within(table()).findByRole('link', { name: 'Initech' });
    await user.click(screen.getByRole('checkbox', { name: 'Select all on this page' }));
    expect(screen.getByRole('checkbox', { name: 'Select license ABCDE-FGHJK-MNPQR-STVWX-YZ012' })).toBeChecked();
    expect(screen.getByRole('group', { name: 'Selected licenses' })).toHaveTextContent('2 selected');

    await user.click(screen.getByRole('button', { name: 'Extend expiry' }));
    const dialog = screen.getByRole('dialog', { name: 'Extend expiry' });
    const days = within(dialog).getByRole('textbox', { name: 'Days' });
    await user.clear(days);
    await user.type(days, '90');
    expect(dialog).toHaveTextContent('Extend the expiry of 2 licenses by 90 day(s).');
    expect(dialog).toHaveTextContent('Perpetual licenses stay perpetual.');
    await user.click(within(dialog).getByRole('button', { name: 'Extend 2 licenses' }));

    await waitFor(() => expect(fake.calls('POST /licenses/bulk')).toHaveLength(1));
    expect(fake.calls('POST /licenses/bulk')[0]!.body).toEqual({ action: 'extend', ids: ['lic-1', 'lic-2'], days: 90 });
    expect(await screen.findByText(/Extended 1 license; 1 license left as it was/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('group', { name: 'Selected licenses' })).not.toBeInTheDocument());
    expect(fake.calls('GET /licenses')).toHaveLength(2);
  });

  it('deletes only the licenses chosen, and keeps the dialog with the reason when the server refuses', async () => {
    const { fake, user } = renderLicenses('/licenses', 'admin', { 'POST /licenses/bulk': apiError(404, 'NOT_FOUND', 'license lic-2 not found') });
    await within(table()).findByRole('link', { name: 'Initech' });
    await user.click(screen.getByRole('checkbox', { name: 'Select license ZZZZZ-YYYYY-XXXXX-WWWWW-VVVVV' }));
    expect(screen.getByRole('checkbox', { name: 'Select all on this page' })).toBePartiallyChecked();
    await user.click(within(screen.getByRole('group', { name: 'Selected licenses' })).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete licenses' });
    expect(dialog).toHaveTextContent('Delete 1 license? Their key codes stop working');
    await user.click(within(dialog).getByRole('button', { name: 'Delete 1 license' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('license lic-2 not found');
    expect(fake.calls('POST /licenses/bulk')[0]!.body).toEqual({ action: 'delete', ids: ['lic-2'] });
  });

  it('offers a viewer no selection and no bulk actions, but the export', async () => {
    renderLicenses('/licenses', 'viewer');
    await within(table()).findByRole('link', { name: 'Initech' });
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.getByRole('link', { name: 'Export CSV' })).toBeInTheDocument();
  });
});
