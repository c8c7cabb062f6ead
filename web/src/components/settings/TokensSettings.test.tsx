import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../api/types';
import { mockApi, ok } from '../../test/fetchMock';
import { session } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { TokensSettings } from './TokensSettings';

function token(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: 'tok-1',
    name: 'initial token',
    role: 'owner',
    createdAt: '2030-01-01T12:00:00.000Z',
    lastUsedAt: null,
    expiresAt: null,
    expired: false,
    createdBy: { id: 'user-1', username: 'admin' },
    ...overrides,
  };
}

describe('TokensSettings', () => {
  it('shows who made each token: the user, or the operator for a token made with the CLI', async () => {
    mockApi({
      'GET /tokens': ok({
        items: [
          token(),
          token({ id: 'tok-2', name: 'deploy', role: 'admin', createdBy: { id: 'user-2', username: 'olga' } }),
          token({ id: 'tok-3', name: 'cli token', role: 'admin', createdBy: null }),
        ],
      }),
    });
    renderWithProviders(<TokensSettings />, { route: '/settings', session: session('owner') });
    const table = screen.getByRole('table', { name: 'API tokens' });
    expect(await within(table).findByText('deploy')).toBeInTheDocument();
    expect(within(table).getByRole('columnheader', { name: 'Created by' })).toBeInTheDocument();
    const row = (name: string) => within(table).getByText(name).closest('tr')!;
    expect(row('initial token')).toHaveTextContent('admin');
    expect(row('deploy')).toHaveTextContent('olga');
    expect(row('cli token')).toHaveTextContent('Operator (CLI)');
    expect(row('deploy')).not.toHaveTextContent('Operator');
  });

  it('shows when each token expires, and which have expired', async () => {
    mockApi({
      'GET /tokens': ok({
        items: [
          token({ id: 'tok-2', name: 'forever' }),
          token({ id: 'tok-3', name: 'quarterly', expiresAt: '2030-04-01T12:00:00.000Z' }),
          token({ id: 'tok-4', name: 'stale', expiresAt: '2029-12-01T12:00:00.000Z', expired: true }),
        ],
      }),
    });
    renderWithProviders(<TokensSettings />, { route: '/settings', session: session('owner') });
    const table = screen.getByRole('table', { name: 'API tokens' });
    const row = async (name: string) => (await within(table).findByText(name)).closest('tr')!;
    expect(within(table).getByRole('columnheader', { name: 'Expires' })).toBeInTheDocument();
    expect(await row('forever')).toHaveTextContent('Never');
    expect(await row('quarterly')).toHaveTextContent('2030-04-01');
    expect(await row('quarterly')).not.toHaveTextContent('Expired');
    expect(await row('stale')).toHaveTextContent('Expired');
  });
});
