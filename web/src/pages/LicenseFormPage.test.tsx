import { screen, waitFor } from '@testing-library/react';
import { Route } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { LicenseInput } from '../api/types';
import { apiError, created, mockApi, ok, type Handler } from '../test/fetchMock';
import { catalog, customer, license, page, session } from '../test/fixtures';
import { currentLocation, renderWithProviders } from '../test/render';
import { LicenseFormPage } from './LicenseFormPage';

const KEY_CODE = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/;

function routes(extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /customers/cust-1': ok(customer()),
    'GET /customers': ok(page([customer(), customer({ id: 'cust-2', name: 'Initech' })], { limit: 20 })),
    'GET /products': ok(page(catalog.products, { limit: 200 })),
    'GET /features': ok(page(catalog.features, { limit: 200 })),
    'GET /licenses/lic-1': ok(license()),
    'POST /licenses': (req) => created(license({ ...(req.body as LicenseInput), id: 'lic-9', keys: (req.body as LicenseInput).keys ?? ['GENER-ATEDK-EYCOD-E0000-00000'] })),
    'PATCH /licenses/lic-1': (req) => ok(license(req.body as Partial<LicenseInput>)),
    ...extra,
  };
}

function renderNew(route = '/licenses/new?customerId=cust-1', role: 'admin' | 'viewer' = 'admin') {
  return renderWithProviders(<LicenseFormPage />, {
    route,
    path: '/licenses/new',
    session: session(role),
    routes: [<Route key="l" path="/licenses" element={<p>License list</p>} />, <Route key="d" path="/licenses/:id" element={<p>License details</p>} />],
  });
}

function renderEdit(role: 'admin' | 'viewer' = 'admin') {
  return renderWithProviders(<LicenseFormPage />, {
    route: '/licenses/lic-1/edit',
    path: '/licenses/:id/edit',
    session: session(role),
    routes: <Route path="/licenses/:id" element={<p>License details</p>} />,
  });
}

/** Waits for the catalog and the preselected customer. */
async function formReady() {
  await screen.findByRole('checkbox', { name: 'cad-suite / render' });
  await waitFor(() => expect(screen.getByRole('combobox', { name: /^Customer/ })).toHaveValue('Globex Corporation'));
}

describe('LicenseFormPage', () => {
  it('creates a license whose key code the server generates', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await formReady();
    expect(screen.getByText(/The server generates a strong key code/)).toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.click(screen.getByRole('checkbox', { name: 'viewer / view' }));
    await user.type(screen.getByRole('textbox', { name: /^Lease limit/ }), '5');
    await user.click(screen.getByRole('button', { name: 'Create license' }));

    await waitFor(() => expect(currentLocation()).toBe('/licenses/lic-9'));
    const [post] = fake.calls('POST /licenses');
    expect(post!.body).toEqual({ customerId: 'cust-1', featureIds: ['feat-render', 'feat-view'], leaseLimit: 5, expiry: null });
    expect(post!.headers['x-csrf-token']).toBe('csrf-admin-token');
    expect(await screen.findByText('License created')).toBeInTheDocument();
  });

  it('generates a key code in the browser, copies it and sends it', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await formReady();
    await user.click(screen.getByRole('radio', { name: 'Enter my own' }));
    expect(await screen.findByRole('textbox', { name: 'Key code 1' })).toHaveValue('');

    await user.click(screen.getByRole('button', { name: 'Generate key code' }));
    const generated = screen.getByRole('textbox', { name: 'Key code 2' });
    const code = (generated as HTMLInputElement).value;
    expect(code).toMatch(KEY_CODE);

    await user.click(screen.getByRole('button', { name: 'Copy key code 2' }));
    await expect(navigator.clipboard.readText()).resolves.toBe(code);

    // A second generated code differs.
    await user.click(screen.getByRole('button', { name: 'Generate key code' }));
    expect(screen.getByRole('textbox', { name: 'Key code 3' })).not.toHaveValue(code);

    await user.click(screen.getByRole('button', { name: 'Remove key code 3' }));
    await user.click(screen.getByRole('button', { name: 'Remove key code 1' }));
    expect(screen.getByRole('textbox', { name: 'Key code 1' })).toHaveValue(code);
    expect(screen.queryByRole('textbox', { name: 'Key code 2' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'All features of cad-suite' }));
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await waitFor(() => expect(fake.calls('POST /licenses')).toHaveLength(1));
    expect(fake.calls('POST /licenses')[0]!.body).toEqual({
      customerId: 'cust-1',
      featureIds: ['feat-export', 'feat-render'],
      leaseLimit: null,
      expiry: null,
      keys: [code],
    });
  });

  it('asks for a customer before sending', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew('/licenses/new');
    await screen.findByRole('checkbox', { name: 'cad-suite / render' });
    await user.click(screen.getByRole('radio', { name: 'Enter my own' }));
    await user.click(await screen.findByRole('button', { name: 'Add key code' }));
    await user.type(screen.getByRole('textbox', { name: 'Key code 2' }), '-bad');
    await user.click(screen.getByRole('button', { name: 'Create license' }));

    expect(await screen.findByText('Choose a customer')).toBeInTheDocument();
    expect(fake.calls('POST /licenses')).toHaveLength(0);
  });

  it('flags each bad key code row', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await formReady();
    await user.click(screen.getByRole('radio', { name: 'Enter my own' }));
    await user.click(await screen.findByRole('button', { name: 'Add key code' }));
    await user.type(screen.getByRole('textbox', { name: 'Key code 2' }), '-bad');
    await user.click(screen.getByRole('button', { name: 'Create license' }));

    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Key code 1' })).toHaveAccessibleDescription('Enter a key code or remove this row'));
    expect(screen.getByRole('textbox', { name: 'Key code 2' })).toHaveAccessibleDescription('Use letters, digits, _ . and -, starting with a letter or digit');
    expect(fake.calls('POST /licenses')).toHaveLength(0);
  });

  it('asks for at least 12 characters in a new key code, and lets an older shorter one stay', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await formReady();
    await user.click(screen.getByRole('radio', { name: 'Enter my own' }));
    await user.type(await screen.findByRole('textbox', { name: 'Key code 1' }), 'ACME-2025');
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Key code 1' })).toHaveAccessibleDescription('Use at least 12 characters'));
    expect(fake.calls('POST /licenses')).toHaveLength(0);
    expect(screen.getByText('What customers enter in the application: 12 to 128 letters, digits, _ . -')).toBeInTheDocument();
  });

  it('keeps an older short key code of the license while a new short one is flagged', async () => {
    const fake = mockApi(routes({ 'GET /licenses/lic-1': ok(license({ keys: ['4711'] })) }));
    const { user } = renderEdit();
    expect(await screen.findByRole('textbox', { name: 'Key code 1' })).toHaveValue('4711');
    await user.click(screen.getByRole('button', { name: 'Add key code' }));
    await user.type(screen.getByRole('textbox', { name: 'Key code 2' }), '4712');
    await user.click(screen.getByRole('button', { name: 'Save license' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Key code 2' })).toHaveAccessibleDescription('Use at least 12 characters'));
    expect(screen.getByRole('textbox', { name: 'Key code 1' })).not.toHaveAccessibleDescription('Use at least 12 characters');
    await user.clear(screen.getByRole('textbox', { name: 'Key code 2' }));
    await user.type(screen.getByRole('textbox', { name: 'Key code 2' }), 'A-STRONGER-KEY-2');
    await user.click(screen.getByRole('button', { name: 'Save license' }));
    await waitFor(() => expect(currentLocation()).toBe('/licenses/lic-1'));
    expect(fake.calls('PATCH /licenses/lic-1')[0]!.body).toEqual({ keys: ['4711', 'A-STRONGER-KEY-2'] });
  });

  it('shows a key code refused by the server next to its row', async () => {
    mockApi(
      routes({
        'POST /licenses': apiError(400, 'VALIDATION_FAILED', 'body.keys.0 may contain only letters, digits and _ . -, and must start with a letter or digit', [
          { field: 'body.keys.0', message: 'may contain only letters, digits and _ . -, and must start with a letter or digit' },
        ]),
      }),
    );
    const { user } = renderNew();
    await formReady();
    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.click(screen.getByRole('radio', { name: 'Enter my own' }));
    await user.type(await screen.findByRole('textbox', { name: 'Key code 1' }), 'ACME-2025-GOLD');
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Key code 1' })).toHaveAccessibleDescription('This may contain only letters, digits and _ . -, and must start with a letter or digit'),
    );
    expect(currentLocation()).toBe('/licenses/new?customerId=cust-1');
  });

  it('shows a key code conflict above the form', async () => {
    mockApi(routes({ 'POST /licenses': apiError(409, 'CONFLICT', 'key code(s) already in use: ACME-2025-GOLD') }));
    const { user } = renderNew();
    await formReady();
    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.click(screen.getByRole('radio', { name: 'Enter my own' }));
    await user.type(await screen.findByRole('textbox', { name: 'Key code 1' }), 'ACME-2025-GOLD');
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('key code(s) already in use: ACME-2025-GOLD');
  });

  it('edits a license, sending only what changed', async () => {
    const fake = mockApi(routes());
    const { user } = renderEdit();
    const limit = await screen.findByRole('textbox', { name: /^Lease limit/ });
    expect(limit).toHaveValue('10');
    expect(screen.getByRole('textbox', { name: 'Key code 1' })).toHaveValue('ABCDE-FGHJK-MNPQR-STVWX-YZ012');
    expect(screen.queryByRole('radio', { name: 'Enter my own' })).not.toBeInTheDocument();
    expect(await screen.findByRole('checkbox', { name: 'cad-suite / render' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'viewer / view' })).toBeChecked();

    await user.clear(limit);
    await user.type(limit, '20');
    await user.click(screen.getByRole('button', { name: 'Save license' }));

    await waitFor(() => expect(currentLocation()).toBe('/licenses/lic-1'));
    expect(fake.calls('PATCH /licenses/lic-1')[0]!.body).toEqual({ leaseLimit: 20 });
  });

  it('says that a removed key code without active leases only stops working', async () => {
    mockApi(routes());
    const { user } = renderEdit();
    await user.click(await screen.findByRole('button', { name: 'Add key code' }));
    await user.type(screen.getByRole('textbox', { name: 'Key code 2' }), 'NEW-KEY-CODE-2');
    await user.click(screen.getByRole('button', { name: 'Remove key code 1' }));
    expect(screen.getByText('The removed key code stops working when you save; no active lease was obtained with it.')).toBeInTheDocument();
  });

  it('sends a viewer back to the license', async () => {
    mockApi(routes());
    renderEdit('viewer');
    await waitFor(() => expect(currentLocation()).toBe('/licenses/lic-1'));
    expect(screen.queryByRole('button', { name: 'Save license' })).not.toBeInTheDocument();
  });

  it('sends a viewer from the new-license form to the list', async () => {
    const fake = mockApi(routes());
    renderNew('/licenses/new', 'viewer');
    await waitFor(() => expect(currentLocation()).toBe('/licenses'));
    expect(fake.calls('POST /licenses')).toHaveLength(0);
  });
});
