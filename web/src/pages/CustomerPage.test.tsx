import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockApi, ok } from '../test/fetchMock';
import { catalog, customer, license, page, session } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { CustomerPage } from './CustomerPage';

describe('CustomerPage', () => {
  it('lists the customer’s licenses with one request for the list, whatever the number of rows', async () => {
    const licenses = Array.from({ length: 12 }, (_, i) => license({ id: `lic-${i}`, keys: [`KEY${i}-AAAAA-BBBBB-CCCCC-DDDDD`] }));
    const fake = mockApi({
      'GET /customers/cust-1': ok(customer()),
      'GET /licenses': ok(page(licenses, { total: 12 })),
      'GET /products': ok(page(catalog.products, { limit: 200 })),
      'GET /features': ok(page(catalog.features, { limit: 200 })),
    });
    renderWithProviders(<CustomerPage />, { route: '/customers/cust-1', path: '/customers/:id', session: session('viewer') });
    const table = await screen.findByRole('table', { name: 'Licenses of Globex Corporation' });
    expect(within(table).getAllByRole('row')).toHaveLength(13);
    expect(fake.calls('GET /licenses')).toHaveLength(1);
    expect(fake.calls('GET /licenses')[0]!.query.get('customerId')).toBe('cust-1');
    expect(fake.calls('GET /customers/cust-1')).toHaveLength(1);
    expect(fake.fetch).toHaveBeenCalledTimes(4);
  });
});
