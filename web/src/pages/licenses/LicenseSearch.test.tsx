import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockApi, ok } from '../../test/fetchMock';
import { license, page, session } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { LicensesPage } from '../LicensesPage';

describe('license search', () => {
  it('says it searches keys, customers and comments, and sends what is typed as q', async () => {
    const fake = mockApi({
      'GET /licenses': ok(page([license()])),
      'GET /products': ok(page([])),
      'GET /features': ok(page([])),
      'GET /customers': ok(page([])),
    });
    const { user } = renderWithProviders(<LicensesPage />, { route: '/licenses', session: session('admin') });
    const search = await screen.findByRole('textbox', { name: 'Search licenses' });
    expect(search).toHaveAttribute('placeholder', 'Key, customer or comment');
    await user.type(search, 'ab12-c');
    await waitFor(() => expect(fake.calls('GET /licenses').some((c) => c.url.includes('q=ab12-c'))).toBe(true));
  });
});
