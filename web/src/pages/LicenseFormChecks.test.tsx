// The license form refuses bad licenses beside the field they concern, changes nothing silently,
// and asks before a save whose consequences are hard to undo.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { LicenseInput } from '../api/types';
import { created, mockApi, ok, type Handler } from '../test/fetchMock';
import { catalog, customer, license, page, session } from '../test/fixtures';
import { manualClock } from '../test/manualClock';
import { currentLocation, renderWithProviders } from '../test/render';
import { LicenseFormPage } from './LicenseFormPage';

function routes(extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /customers/cust-1': ok(customer()),
    'GET /customers': ok(page([customer()], { limit: 20 })),
    'GET /products': ok(page(catalog.products, { limit: 200 })),
    'GET /features': ok(page(catalog.features, { limit: 200 })),
    'GET /licenses/lic-1': ok(license()),
    'POST /licenses': (req) => created(license({ ...(req.body as LicenseInput), id: 'lic-9' })),
    'PATCH /licenses/lic-1': (req) => ok(license(req.body as Partial<LicenseInput>)),
    ...extra,
  };
}

// The tests' "now": 2030-01-01, so that 2029-12-31 is past and 2030-06-30 is not.
const clock = () => manualClock(Date.parse('2030-01-01T12:00:00.000Z'));

function renderNew() {
  return renderWithProviders(<LicenseFormPage />, {
    route: '/licenses/new?customerId=cust-1',
    path: '/licenses/new',
    session: session('admin'),
    clock: clock(),
    routes: [<Route key="l" path="/licenses" element={<p>License list</p>} />, <Route key="d" path="/licenses/:id" element={<p>License details</p>} />],
  });
}

function renderEdit() {
  return renderWithProviders(<LicenseFormPage />, {
    route: '/licenses/lic-1/edit',
    path: '/licenses/:id/edit',
    session: session('admin'),
    clock: clock(),
    routes: <Route path="/licenses/:id" element={<p>License details</p>} />,
  });
}

async function newFormReady() {
  await screen.findByRole('checkbox', { name: 'cad-suite / render' });
  await waitFor(() => expect(screen.getByRole('combobox', { name: /^Customer/ })).toHaveValue('Globex Corporation'));
}

const limitField = () => screen.getByRole('textbox', { name: /^Lease limit/ });
const expiryField = () => screen.getByRole('textbox', { name: /^Expiry/ });

describe('the license form: what it refuses', () => {
  it('requires at least one feature, saying so beside the feature tree', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await newFormReady();
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    expect(await screen.findByText('Choose at least one feature: a license that grants nothing lets no application in')).toBeInTheDocument();
    expect(fake.calls('POST /licenses')).toHaveLength(0);

    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    expect(screen.queryByText(/Choose at least one feature/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await waitFor(() => expect(fake.calls('POST /licenses')).toHaveLength(1));
  });

  it('never submits on Enter in the expiry field', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await newFormReady();
    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.type(expiryField(), '2030-06-30{Enter}');
    expect(fake.calls('POST /licenses')).toHaveLength(0);
    expect(expiryField()).toHaveValue('2030-06-30');
    expect(currentLocation()).toBe('/licenses/new?customerId=cust-1');
  });

  it.each([
    ['-5', 'The limit must be at least 1; leave it empty for unlimited'],
    ['0', 'The limit must be at least 1; leave it empty for unlimited'],
    ['2.5', 'Enter a whole number of leases'],
    ['99999999999999', 'The limit can be at most 1,000,000,000; leave it empty for unlimited'],
    ['ten', 'Enter a number of leases, such as 5, or leave empty for unlimited'],
  ])('shows the lease limit %s as typed, with an error beside it, and sends nothing', async (typed, error) => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await newFormReady();
    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.type(limitField(), typed);
    await user.tab();
    expect(limitField()).toHaveValue(typed);
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await waitFor(() => expect(limitField()).toHaveAccessibleDescription(expect.stringContaining(error)));
    expect(limitField()).toHaveValue(typed);
    expect(fake.calls('POST /licenses')).toHaveLength(0);
  });

  it.each(['2027-06-31', '2027-13-01'])('refuses the date %s beside the field instead of rolling it over', async (typed) => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await newFormReady();
    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.type(expiryField(), typed);
    await user.tab();
    expect(expiryField()).toHaveValue(typed);
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await waitFor(() => expect(expiryField()).toHaveAccessibleDescription(expect.stringContaining(`${typed} is not a date: check the month and the day`)));
    expect(fake.calls('POST /licenses')).toHaveLength(0);
  });
});

describe('the license form: what it asks before saving', () => {
  it('asks before creating a license whose expiry is past, and creates it only when confirmed', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await newFormReady();
    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.type(expiryField(), '2029-12-31');
    await user.click(screen.getByRole('button', { name: 'Create license' }));

    const dialog = await screen.findByRole('dialog', { name: 'Create this license?' });
    expect(dialog).toHaveTextContent('The expiry 2029-12-31 is past: the license is expired as soon as it is saved, and applications are refused.');
    expect(fake.calls('POST /licenses')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls('POST /licenses')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Create this license?' })).getByRole('button', { name: 'Create anyway' }));
    await waitFor(() => expect(fake.calls('POST /licenses')).toHaveLength(1));
    expect((fake.calls('POST /licenses')[0]!.body as LicenseInput).expiry).toMatch(/^2029-12-3[01]T/);
  });

  it('creates a license with a future expiry without asking', async () => {
    const fake = mockApi(routes());
    const { user } = renderNew();
    await newFormReady();
    await user.click(screen.getByRole('checkbox', { name: 'cad-suite / render' }));
    await user.type(expiryField(), '2030-06-30');
    await user.click(screen.getByRole('button', { name: 'Create license' }));
    await waitFor(() => expect(fake.calls('POST /licenses')).toHaveLength(1));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('says that removing a key ends its 2 active leases, beside the keys and before saving', async () => {
    const withLeases = license({
      keys: ['ABCDE-FGHJK-MNPQR-STVWX-YZ012', 'OTHER-KEY-CODE-0002'],
      keyLeases: [
        { key: 'ABCDE-FGHJK-MNPQR-STVWX-YZ012', activeLeases: 2 },
        { key: 'OTHER-KEY-CODE-0002', activeLeases: 0 },
      ],
    });
    const fake = mockApi(routes({ 'GET /licenses/lic-1': ok(withLeases) }));
    const { user } = renderEdit();
    await user.click(await screen.findByRole('button', { name: 'Remove key code 1' }));
    expect(screen.getByText('Removing the key ABCDE… ends its 2 active leases.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Save license' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save these changes?' });
    expect(dialog).toHaveTextContent('Removing the key ABCDE… ends its 2 active leases.');
    expect(fake.calls('PATCH /licenses/lic-1')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Save anyway' }));
    await waitFor(() => expect(fake.calls('PATCH /licenses/lic-1')).toHaveLength(1));
    expect(fake.calls('PATCH /licenses/lic-1')[0]!.body).toEqual({ keys: ['OTHER-KEY-CODE-0002'] });
    await waitFor(() => expect(currentLocation()).toBe('/licenses/lic-1'));
  });

  it('says what a limit below the seats in use does, and saves nothing when cancelled', async () => {
    const fake = mockApi(routes({ 'GET /licenses/lic-1': ok(license({ leaseLimit: 10, leasesUsed: 3 })) }));
    const { user } = renderEdit();
    await waitFor(() => expect(limitField()).toHaveValue('10'));
    await user.clear(limitField());
    await user.type(limitField(), '1');
    await user.click(screen.getByRole('button', { name: 'Save license' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save these changes?' });
    expect(dialog).toHaveTextContent('The limit 1 is below the 3 seats in use; those leases continue until they end, and no new lease is given until use falls below it.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls('PATCH /licenses/lic-1')).toHaveLength(0);
    expect(limitField()).toHaveValue('1');
  });

  it('lowers a limit that stays at or above use without asking', async () => {
    const fake = mockApi(routes({ 'GET /licenses/lic-1': ok(license({ leaseLimit: 10, leasesUsed: 3 })) }));
    const { user } = renderEdit();
    await waitFor(() => expect(limitField()).toHaveValue('10'));
    await user.clear(limitField());
    await user.type(limitField(), '3');
    await user.click(screen.getByRole('button', { name: 'Save license' }));
    await waitFor(() => expect(fake.calls('PATCH /licenses/lic-1')).toHaveLength(1));
    expect(fake.calls('PATCH /licenses/lic-1')[0]!.body).toEqual({ leaseLimit: 3 });
  });
});

describe('the license form: unsaved changes', () => {
  it('asks before leaving with unsaved changes, stays when asked to, and leaves when told', async () => {
    mockApi(routes());
    const { user } = renderEdit();
    const comment = await screen.findByRole('textbox', { name: /^Comment/ });
    await user.type(comment, 'Renewal due');
    await user.click(screen.getByRole('link', { name: 'Cancel' }));
    const dialog = await screen.findByRole('dialog', { name: 'Leave without saving?' });
    await user.click(within(dialog).getByRole('button', { name: 'Stay on the form' }));
    expect(currentLocation()).toBe('/licenses/lic-1/edit');
    expect(comment).toHaveValue('Renewal due');

    await user.click(screen.getByRole('link', { name: 'Cancel' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Leave without saving?' })).getByRole('button', { name: 'Leave and lose changes' }));
    await waitFor(() => expect(currentLocation()).toBe('/licenses/lic-1'));
  });

  it('leaves an unchanged form without asking', async () => {
    mockApi(routes());
    const { user } = renderEdit();
    const comment = await screen.findByRole('textbox', { name: /^Comment/ });
    await user.click(screen.getByRole('link', { name: 'Cancel' }));
    await waitFor(() => expect(currentLocation()).toBe('/licenses/lic-1'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(comment).not.toBeInTheDocument();
  });

  it('asks the browser to confirm closing the tab only while there are unsaved changes', async () => {
    mockApi(routes());
    const { user } = renderEdit();
    const comment = await screen.findByRole('textbox', { name: /^Comment/ });
    const closing = () => {
      const event = new Event('beforeunload', { cancelable: true });
      fireEvent(window, event);
      return event.defaultPrevented;
    };
    expect(closing()).toBe(false);
    await user.type(comment, 'x');
    expect(closing()).toBe(true);
    await user.clear(comment);
    expect(closing()).toBe(false);
  });
});
