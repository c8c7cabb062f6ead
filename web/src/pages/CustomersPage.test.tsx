import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, created, mockApi, noContent, ok } from '../test/fetchMock';
import { customer, page, session } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { CustomersPage } from './CustomersPage';

const globex = customer();
const initech = customer({ id: 'cust-2', name: 'Initech', contactName: null, contactEmail: null, phone: null });

function renderCustomers(role: 'admin' | 'viewer' | 'owner' = 'admin') {
  return renderWithProviders(<CustomersPage />, { route: '/customers', session: session(role) });
}

describe('CustomersPage', () => {
  it('lists the customers of the first page', async () => {
    const fake = mockApi({ 'GET /customers': ok(page([globex, initech], { total: 2 })) });
    renderCustomers();
    const table = screen.getByRole('table', { name: 'Customers' });
    expect(await within(table).findByRole('link', { name: 'Globex Corporation' })).toHaveAttribute('href', '/customers/cust-1');
    expect(within(table).getByText('hank@globex.example')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'Initech' })).toBeInTheDocument();
    expect(screen.getByText('Showing 1–2 of 2 customers')).toBeInTheDocument();
    expect(fake.calls('GET /customers')[0]!.url).toBe('/api/v1/customers?limit=25&offset=0');
  });

  it.each(['admin', 'owner'] as const)('shows New, Edit and Delete to an %s', async (role) => {
    mockApi({ 'GET /customers': ok(page([globex])) });
    renderCustomers(role);
    expect(await screen.findByRole('button', { name: 'Edit Globex Corporation' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete Globex Corporation' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New customer' })).toBeInTheDocument();
  });

  it('shows no write buttons to a viewer', async () => {
    mockApi({ 'GET /customers': ok(page([globex])) });
    renderCustomers('viewer');
    expect(await screen.findByRole('link', { name: 'Globex Corporation' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New customer' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Edit / })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Delete / })).not.toBeInTheDocument();
  });

  it('shows the server’s reason when a delete is refused, with a link to the licenses in the way, and keeps the customer', async () => {
    const fake = mockApi({
      'GET /customers': ok(page([globex, initech])),
      'DELETE /customers/cust-1': {
        status: 409,
        body: { error: { code: 'CONFLICT', message: 'the customer has 2 licenses; delete or move them first', related: { licenses: 2, filter: { customerId: 'cust-1' } } } },
      },
    });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'Delete Globex Corporation' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the customer Globex Corporation?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete customer' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Refused');
    expect(alert).toHaveTextContent('the customer has 2 licenses; delete or move them first');
    expect(within(alert).getByRole('link', { name: 'Show them' })).toHaveAttribute('href', '/licenses?customerId=cust-1');
    expect(screen.getByRole('dialog', { name: 'Delete the customer Globex Corporation?' })).toBeInTheDocument();
    expect(fake.calls('DELETE /customers/cust-1')[0]!.headers['x-csrf-token']).toBe('csrf-admin-token');
    // The list was not reloaded.
    expect(fake.calls('GET /customers')).toHaveLength(1);
  });

  it('deletes a customer, closes the dialog and reloads the list', async () => {
    let deleted = false;
    const fake = mockApi({
      'GET /customers': () => ok(page(deleted ? [initech] : [globex, initech])),
      'DELETE /customers/cust-1': () => {
        deleted = true;
        return noContent();
      },
    });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'Delete Globex Corporation' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete customer' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('Deleted Globex Corporation')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Globex Corporation' })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'Initech' })).toBeInTheDocument();
    expect(fake.calls('GET /customers')).toHaveLength(2);
  });

  it('creates a customer and shows the server’s field errors next to their fields', async () => {
    const fake = mockApi({
      'GET /customers': ok(page([])),
      'POST /customers': (req) =>
        (req.body as { phone?: string }).phone === 'call me'
          ? apiError(400, 'VALIDATION_FAILED', 'body.phone is not a phone number: use digits, spaces and + ( ) . / -', [
              { field: 'body.phone', message: 'is not a phone number: use digits, spaces and + ( ) . / -' },
            ])
          : created(customer({ id: 'cust-3', name: 'Umbrella', phone: '+44 20 7946 0000' })),
    });
    const { user } = renderCustomers();
    expect(await screen.findByText('No customers yet.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'New customer' }));
    const dialog = screen.getByRole('dialog', { name: 'New customer' });

    await user.type(within(dialog).getByLabelText(/^Name/), 'Umbrella');
    await user.type(within(dialog).getByLabelText('Phone'), 'call me');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));

    const phone = within(dialog).getByLabelText('Phone');
    await waitFor(() => expect(phone).toHaveAttribute('aria-invalid', 'true'));
    expect(phone).toHaveAccessibleDescription('This is not a phone number: use digits, spaces and + ( ) . / -');
    expect(within(dialog).getByLabelText(/^Name/)).not.toHaveAttribute('aria-invalid', 'true');
    // Every message found its field: no form-level alert.
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    expect(fake.calls('POST /customers')[0]!.body).toEqual({ name: 'Umbrella', contactName: null, contactEmail: null, phone: 'call me', comment: null });

    await user.clear(phone);
    await user.type(phone, '+44 20 7946 0000');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('Created Umbrella')).toBeInTheDocument();
    // The list was loaded twice; the other call looked for customers already named Umbrella, once.
    expect(fake.calls('GET /customers').filter((c) => !c.url.includes('name='))).toHaveLength(2);
    expect(fake.calls('GET /customers').filter((c) => c.url.includes('name=Umbrella'))).toHaveLength(1);
  });

  it('checks the name and email before sending', async () => {
    const fake = mockApi({ 'GET /customers': ok(page([])) });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'New customer' }));
    const dialog = screen.getByRole('dialog', { name: 'New customer' });
    await user.type(within(dialog).getByLabelText('Contact email'), 'not-an-email');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));

    expect(await within(dialog).findByText('Enter a name')).toBeInTheDocument();
    expect(within(dialog).getByText('Enter an email address such as name@example.com')).toBeInTheDocument();
    expect(fake.calls('POST /customers')).toHaveLength(0);
  });

  it('takes name@example.com as an email address and refuses a@b, as the server does', async () => {
    const fake = mockApi({ 'GET /customers': ok(page([])), 'POST /customers': created(customer({ id: 'cust-3', name: 'Mail' })) });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'New customer' }));
    const dialog = screen.getByRole('dialog', { name: 'New customer' });
    await user.type(within(dialog).getByLabelText(/^Name/), 'Mail');
    const email = within(dialog).getByLabelText('Contact email');
    await user.type(email, 'a@b');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));
    expect(await within(dialog).findByText('Enter an email address such as name@example.com')).toBeInTheDocument();
    expect(fake.calls('POST /customers')).toHaveLength(0);
    await user.type(email, '.example');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));
    await waitFor(() => expect(fake.calls('POST /customers')).toHaveLength(1));
    expect((fake.calls('POST /customers')[0]!.body as { contactEmail: string }).contactEmail).toBe('a@b.example');
  });

  it('asks before the page is left with unsaved changes in the customer dialog', async () => {
    mockApi({ 'GET /customers': ok(page([globex])) });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'New customer' }));
    const dialog = screen.getByRole('dialog', { name: 'New customer' });
    const closing = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(closing()).toBe(false);
    await user.type(within(dialog).getByLabelText(/^Name/), 'Half typed');
    expect(closing()).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(closing()).toBe(false);
  });

  it('asks before Esc or × drops the changes in a dialog, and closes an unchanged one at once', async () => {
    mockApi({ 'GET /customers': ok(page([globex])) });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'New customer' }));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New customer' })).not.toBeInTheDocument());

    await user.click(screen.getByRole('button', { name: 'New customer' }));
    const dialog = screen.getByRole('dialog', { name: 'New customer' });
    await user.type(within(dialog).getByLabelText(/^Name/), 'Half typed');
    await user.keyboard('{Escape}');
    const ask = await screen.findByRole('dialog', { name: 'Discard your changes?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('dialog', { name: 'Discard your changes?' })).not.toBeInTheDocument();
    expect(within(screen.getByRole('dialog', { name: 'New customer' })).getByLabelText(/^Name/)).toHaveValue('Half typed');

    await user.click(within(screen.getByRole('dialog', { name: 'New customer' })).getByRole('button', { name: 'Close dialog' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New customer' })).not.toBeInTheDocument());
  });

  it('edits a customer with its current values filled in', async () => {
    const fake = mockApi({
      'GET /customers': ok(page([globex])),
      'PATCH /customers/cust-1': (req) => ok({ ...globex, ...(req.body as object) }),
    });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'Edit Globex Corporation' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Globex Corporation' });
    const contact = within(dialog).getByLabelText('Contact name');
    expect(contact).toHaveValue('Hank Scorpio');
    await user.clear(contact);
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(fake.calls('PATCH /customers/cust-1')).toHaveLength(1));
    expect(fake.calls('PATCH /customers/cust-1')[0]!.body).toMatchObject({ name: 'Globex Corporation', contactName: null, contactEmail: 'hank@globex.example' });
    expect(await screen.findByText('Saved Globex Corporation')).toBeInTheDocument();
  });

  it('starts the customer dialog over each time it opens', async () => {
    mockApi({ 'GET /customers': ok(page([globex])) });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'New customer' }));
    let dialog = screen.getByRole('dialog', { name: 'New customer' });
    await user.type(within(dialog).getByLabelText('Contact email'), 'not-an-email');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));
    expect(await within(dialog).findByText('Enter an email address such as name@example.com')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Edit Globex Corporation' }));
    dialog = screen.getByRole('dialog', { name: 'Edit Globex Corporation' });
    expect(within(dialog).getByLabelText('Contact email')).toHaveValue('hank@globex.example');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'New customer' }));
    dialog = screen.getByRole('dialog', { name: 'New customer' });
    expect(within(dialog).getByLabelText('Contact email')).toHaveValue('');
    expect(within(dialog).queryByText('Enter an email address such as name@example.com')).not.toBeInTheDocument();
  });

  it('forgets a refused delete when the dialog opens again', async () => {
    mockApi({
      'GET /customers': ok(page([globex, initech])),
      'DELETE /customers/cust-1': apiError(409, 'CONFLICT', 'the customer has 2 license(s); delete or move them first'),
    });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'Delete Globex Corporation' }));
    let dialog = screen.getByRole('dialog', { name: 'Delete the customer Globex Corporation?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete customer' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('the customer has 2 license(s)');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Delete Initech' }));
    dialog = screen.getByRole('dialog', { name: 'Delete the customer Initech?' });
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a load failure with a retry', async () => {
    let fail = true;
    mockApi({ 'GET /customers': () => (fail ? apiError(503, 'UNAVAILABLE', 'the server cannot reach its database; retry shortly') : ok(page([globex]))) });
    const { user } = renderCustomers();
    expect(await screen.findByRole('alert')).toHaveTextContent('the server cannot reach its database; retry shortly');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'Globex Corporation' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('sorts on a header button, keeps the sort in the URL and exports with the search and sort', async () => {
    const fake = mockApi({ 'GET /customers': ok(page([globex, initech], { total: 2 })) });
    const { user } = renderWithProviders(<CustomersPage />, { route: '/customers?q=glo', session: session('viewer') });
    const table = screen.getByRole('table', { name: 'Customers' });
    await within(table).findByRole('link', { name: 'Globex Corporation' });
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(within(screen.getByRole('columnheader', { name: 'Phone' })).queryByRole('button')).toBeNull();

    await user.click(within(table).getByRole('button', { name: 'Email' }));
    await waitFor(() => expect(fake.calls('GET /customers').at(-1)!.url).toBe('/api/v1/customers?q=glo&sort=contactEmail&order=asc&limit=25&offset=0'));
    expect(screen.getByRole('columnheader', { name: /Email/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'none');
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/v1/customers/export.csv?q=glo&sort=contactEmail&order=asc');
  });

  it('warns before creating a customer whose name another has in any case, naming it, and lets the user go on', async () => {
    const fake = mockApi({
      'GET /customers': (req) => ok(page(req.url.includes('name=') ? [initech] : [globex, initech])),
      'POST /customers': (req) => created(customer({ id: 'cust-9', name: (req.body as { name: string }).name })),
    });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'New customer' }));
    const dialog = screen.getByRole('dialog', { name: 'New customer' });
    await user.type(within(dialog).getByLabelText(/^Name/), '  INITECH ');
    await user.click(within(dialog).getByRole('button', { name: 'Create customer' }));

    const warning = await within(dialog).findByRole('status');
    expect(warning).toHaveTextContent('A customer named “Initech” already exists');
    expect(warning).toHaveTextContent('Customers may share a name. Press Create anyway to go on');
    expect(fake.calls('GET /customers').find((c) => c.url.includes('name='))!.url).toBe('/api/v1/customers?name=INITECH&limit=10');
    expect(fake.calls('POST /customers')).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Create anyway' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(fake.calls('POST /customers')[0]!.body).toMatchObject({ name: 'INITECH' });
  });

  it('warns again when the name changes to another that is taken, and not at all when renaming to a free name or keeping its own', async () => {
    const fake = mockApi({
      'GET /customers': (req) => ok(page(/name=Initech(&|$)/.test(req.url) ? [initech] : req.url.includes('name=') ? [] : [globex, initech])),
      'PATCH /customers/cust-1': (req) => ok({ ...globex, ...(req.body as object) }),
    });
    const { user } = renderCustomers();
    await user.click(await screen.findByRole('button', { name: 'Edit Globex Corporation' }));
    let dialog = screen.getByRole('dialog', { name: 'Edit Globex Corporation' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.calls('PATCH /customers/cust-1')).toHaveLength(1));
    expect(fake.calls('GET /customers').filter((c) => c.url.includes('name='))).toHaveLength(0);

    await user.click(await screen.findByRole('button', { name: 'Edit Globex Corporation' }));
    dialog = screen.getByRole('dialog', { name: 'Edit Globex Corporation' });
    const name = within(dialog).getByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, 'Initech');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('A customer named “Initech” already exists');
    await user.type(name, ' Labs');
    expect(within(dialog).queryByRole('status')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.calls('PATCH /customers/cust-1')).toHaveLength(2));
    expect(fake.calls('PATCH /customers/cust-1')[1]!.body).toMatchObject({ name: 'Initech Labs' });
  });

  it('says what the search looks at', async () => {
    mockApi({ 'GET /customers': ok(page([globex])) });
    renderCustomers();
    expect(await screen.findByRole('textbox', { name: 'Search customers' })).toHaveAttribute('placeholder', 'Any part of the name');
  });
});
