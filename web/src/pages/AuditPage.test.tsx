import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditReference } from '../api/types';
import { mockApi, ok } from '../test/fetchMock';
import { session } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { AuditPage } from './AuditPage';
import { zoneOf } from '../lib/format';

const token = { type: 'token' as const, id: 'tok-1', name: 'deploy script' };

function entry(overrides: Partial<AuditEvent>): AuditEvent {
  return { id: 'e1', at: '2030-12-04T17:05:00.000Z', actor: token, action: 'update', resourceType: 'license', resourceId: 'lic-1', before: null, after: null, ...overrides };
}

const references: AuditReference[] = [
  { type: 'token', id: 'tok-1', name: 'deploy script', exists: true },
  { type: 'license', id: 'lic-1', name: 'Acme Corp', exists: true },
  { type: 'customer', id: 'cust-1', name: 'Acme Corp', exists: true },
  { type: 'customer', id: 'cust-gone', name: 'Short-lived Ltd', exists: false },
  { type: 'feature', id: 'feat-1', name: 'spellcheck', exists: true },
  { type: 'feature', id: 'feat-2', name: 'export', exists: true },
];

const licenseChange = entry({
  before: { id: 'lic-1', customerId: 'cust-1', featureIds: ['feat-1'], leaseLimit: 2, expiry: null, comment: 'same' },
  after: { id: 'lic-1', customerId: 'cust-1', featureIds: ['feat-1', 'feat-2'], leaseLimit: 5, expiry: '2031-01-31T23:59:59.999Z', comment: 'same' },
});
const deletion = entry({ id: 'e2', action: 'delete', resourceType: 'customer', resourceId: 'cust-gone', before: { id: 'cust-gone', name: 'Short-lived Ltd' } });

function routes() {
  return { 'GET /audit': ok({ items: [licenseChange, deletion], total: 2, limit: 50, offset: 0, references }) };
}

describe('AuditPage', () => {
  it('names the actor and the target, linked while they exist, and marks a deleted one', async () => {
    mockApi(routes());
    renderWithProviders(<AuditPage />, { route: '/audit', session: session('owner') });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    const [, change, removal] = await within(table).findAllByRole('row');
    expect(within(change!).getByRole('link', { name: 'Acme Corp' })).toHaveAttribute('href', '/licenses/lic-1');
    expect(within(change!).getByRole('link', { name: 'deploy script' })).toHaveAttribute('href', '/settings');
    const resource = within(removal!).getAllByRole('cell')[3]!;
    expect(within(resource).getByText('Short-lived Ltd')).toBeInTheDocument();
    expect(within(resource).queryByRole('link')).not.toBeInTheDocument();
    expect(within(resource).getByText('deleted')).toBeInTheDocument();
    expect(within(within(change!).getAllByRole('cell')[3]!).queryByText('deleted')).not.toBeInTheDocument();
    expect(table).not.toHaveTextContent('cust-gone');
  });

  it('shows times in the local zone with the ISO time on hover', async () => {
    mockApi(routes());
    renderWithProviders(<AuditPage />, { route: '/audit', session: session('owner') });
    const time = (await screen.findAllByText('4 Dec 2030, 17:05 UTC'))[0]!;
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute('dateTime', '2030-12-04T17:05:00.000Z');
    expect(time).toHaveAttribute('title', '2030-12-04T17:05:00.000Z');
    expect([zoneOf(60), zoneOf(-210), zoneOf(0)]).toEqual(['UTC+1', 'UTC-3:30', 'UTC']);
  });

  it('shows a change as a table of the fields it changed, with names and dates, not JSON', async () => {
    mockApi(routes());
    const { user } = renderWithProviders(<AuditPage />, { route: '/audit', session: session('owner') });
    await user.click((await screen.findAllByRole('button', { name: /^Show changes of updated license/ }))[0]!);
    const changes = await screen.findByRole('table', { name: 'Changed fields' });
    const rows = within(changes)
      .getAllByRole('row')
      .map((r) => [...r.querySelectorAll('td, th')].map((c) => c.textContent));
    expect(rows).toEqual([
      ['Field', 'Before', 'After'],
      ['Features', 'spellcheck', 'spellcheck, export'],
      ['Lease limit', '2', '5'],
      ['Expiry', '—', '31 Jan 2031, 23:59 UTC'],
    ]);
    expect(changes).not.toHaveTextContent('{');
  });

  it('asks for the days picked in the date filter, through the end of the last day', async () => {
    const fake = mockApi(routes());
    renderWithProviders(<AuditPage />, { route: '/audit?from=2030-12-01&to=2030-12-04', session: session('owner') });
    await screen.findByRole('table', { name: 'Audit log' });
    await waitFor(() => expect(fake.calls('GET /audit').length).toBeGreaterThan(0));
    const query = fake.calls('GET /audit').at(-1)!.query;
    expect(query.get('from')).toBe('2030-12-01T00:00:00.000Z');
    expect(query.get('to')).toBe('2030-12-05T00:00:00.000Z');
    expect(screen.getByRole('textbox', { name: 'From' })).toHaveValue('2030-12-01');
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeInTheDocument();
  });
});
