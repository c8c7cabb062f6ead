// Every delete asks a question that names what it deletes, not just "Delete customer".
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LicensesPage } from '../pages/LicensesPage';
import { mockApi, noContent, ok } from '../test/fetchMock';
import { catalog, customer, license, page, session, user } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { TokensSettings } from './settings/TokensSettings';
import { UsersSettings } from './settings/UsersSettings';

describe('delete dialogs name what they delete', () => {
  it('names the license by its customer and the start of its key', async () => {
    const hooli = customer({ id: 'cust-h', name: 'Hooli' });
    const fake = mockApi({
      'GET /customers': ok(page([hooli], { limit: 20 })),
      'GET /customers/cust-h': ok(hooli),
      'GET /products': ok(page(catalog.products, { limit: 200 })),
      'GET /features': ok(page(catalog.features, { limit: 200 })),
      'GET /licenses': ok(page([license({ customerId: 'cust-h', customerName: 'Hooli', keys: ['ABCDE-FGHJK-MNPQR-STVWX-YZ012'], leasesUsed: 2 })])),
      'DELETE /licenses/lic-1': noContent(),
    });
    const { user: person } = renderWithProviders(<LicensesPage />, { route: '/licenses', session: session('admin') });
    const table = await screen.findByRole('table', { name: 'Licenses' });
    await person.click(await within(table).findByRole('button', { name: /^Delete license/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete the license for Hooli (key ABCDE…)?' });
    expect(dialog).toHaveTextContent('Its key codes stop working and its 2 seats in use end at once.');
    await person.click(within(dialog).getByRole('button', { name: 'Delete license' }));
    await waitFor(() => expect(fake.calls('DELETE /licenses/lic-1')).toHaveLength(1));
  });

  it('names the user', async () => {
    mockApi({ 'GET /users': ok(page([user('owner'), user('viewer')])) });
    const { user: person } = renderWithProviders(<UsersSettings />, { route: '/settings', session: session('owner') });
    await person.click(await screen.findByRole('button', { name: 'Delete user vera' }));
    expect(screen.getByRole('dialog', { name: 'Delete the user vera?' })).toHaveTextContent('vera can no longer sign in');
  });

  it('names the API token being revoked', async () => {
    mockApi({ 'GET /tokens': ok({ items: [{ id: 'tok-2', name: 'deploy', role: 'admin', createdAt: '2030-01-01T12:00:00.000Z', lastUsedAt: null, createdBy: null }] }) });
    const { user: person } = renderWithProviders(<TokensSettings />, { route: '/settings', session: session('owner') });
    await person.click(await screen.findByRole('button', { name: /^Revoke .*deploy/ }));
    expect(screen.getByRole('dialog', { name: 'Revoke the API token deploy?' })).toHaveTextContent('Whatever uses deploy stops working at once.');
  });
});
