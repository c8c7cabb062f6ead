import { screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { created, mockApi } from '../../test/fetchMock';
import { session } from '../../test/fixtures';
import { manualClock } from '../../test/manualClock';
import { renderWithProviders } from '../../test/render';
import { NewTokenModal } from './NewTokenModal';

const SECRET = `lh_${'a'.repeat(32)}_${'S'.repeat(43)}`;
const NOW = Date.parse('2030-01-01T12:00:00.000Z');

function madeToken(expiresAt: string | null = null) {
  return { id: 'tok-9', name: 'ci', role: 'admin', createdAt: '2030-01-01T12:00:00.000Z', lastUsedAt: null, expiresAt, expired: false, createdBy: null, token: SECRET };
}

/** The settings screen's use of the dialog: open until it asks to close. */
function Harness({ onClosed }: { onClosed: () => void }) {
  const [opened, setOpened] = useState(true);
  return (
    <NewTokenModal
      opened={opened}
      onClose={() => {
        setOpened(false);
        onClosed();
      }}
      onCreated={() => undefined}
    />
  );
}

async function createToken(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.type(screen.getByLabelText(/Name/), 'ci');
  await user.click(screen.getByRole('button', { name: 'Create token' }));
  expect(await screen.findByLabelText('New API token')).toHaveTextContent(SECRET);
}

describe('NewTokenModal', () => {
  it('asks before closing on Esc, ×, a click outside or Done while the token has not been copied', async () => {
    mockApi({ 'POST /tokens': created(madeToken()) });
    const onClosed = vi.fn();
    const { user } = renderWithProviders(<Harness onClosed={onClosed} />, { session: session('owner'), clock: manualClock(NOW) });
    await createToken(user);

    const ways: [string, () => Promise<void>][] = [
      ['Esc', () => user.keyboard('{Escape}')],
      ['×', () => user.click(screen.getByRole('button', { name: 'Close' }))],
      ['a click outside', () => user.click(document.querySelector('.mantine-Modal-overlay')!)],
      ['Done', () => user.click(screen.getByRole('button', { name: 'Done' }))],
    ];
    for (const [way, close] of ways) {
      await close();
      expect(await screen.findByRole('alertdialog', { name: 'Close without copying the token?' }), way).toBeInTheDocument();
      expect(onClosed, way).not.toHaveBeenCalled();
      expect(screen.getByLabelText('New API token'), way).toHaveTextContent(SECRET);
      await user.click(screen.getByRole('button', { name: 'Keep it open' }));
      expect(screen.queryByRole('alertdialog'), way).not.toBeInTheDocument();
    }

    await user.click(screen.getByRole('button', { name: 'Done' }));
    await user.click(await screen.findByRole('button', { name: 'Close without copying' }));
    expect(onClosed).toHaveBeenCalledTimes(1);
  });

  it('closes at once once the token has been copied', async () => {
    mockApi({ 'POST /tokens': created(madeToken()) });
    const onClosed = vi.fn();
    const { user } = renderWithProviders(<Harness onClosed={onClosed} />, { session: session('owner'), clock: manualClock(NOW) });
    await createToken(user);
    await user.click(screen.getByRole('button', { name: 'Copy API token' }));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(onClosed).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('sends an expiry 90 days from now by default, and shows it with the token', async () => {
    const fake = mockApi({ 'POST /tokens': created(madeToken('2030-04-01T12:00:00.000Z')) });
    const { user } = renderWithProviders(<Harness onClosed={() => undefined} />, { session: session('owner'), clock: manualClock(NOW) });
    await createToken(user);
    expect(fake.calls('POST /tokens')[0]!.body).toEqual({ name: 'ci', role: 'admin', expiresAt: new Date(NOW + 90 * 86_400_000).toISOString() });
    expect(screen.getByText(/expires 2030-04-01/)).toBeInTheDocument();
  });

  it('sends null for a token that never expires', async () => {
    const fake = mockApi({ 'POST /tokens': created(madeToken()) });
    const { user } = renderWithProviders(<Harness onClosed={() => undefined} />, { session: session('owner'), clock: manualClock(NOW) });
    await user.click(screen.getByRole('combobox', { name: /^Expires/ }));
    await user.click(await screen.findByRole('option', { name: 'Never', hidden: true }));
    await createToken(user);
    expect(fake.calls('POST /tokens')[0]!.body).toEqual({ name: 'ci', role: 'admin', expiresAt: null });
    expect(screen.getByText(/never expires/)).toBeInTheDocument();
  });
});
