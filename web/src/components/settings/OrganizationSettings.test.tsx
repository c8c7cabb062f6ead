import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Organization } from '../../api/types';
import { mockApi, ok, type MockRequest } from '../../test/fetchMock';
import { session } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { OrganizationSettings } from './OrganizationSettings';

const organization: Organization = {
  id: 'org-1',
  name: 'Acme Software',
  licensingEndpoint: 'https://licenses.acme.example/licensing/v1/org-1',
  signingAlgorithm: 'ES256',
  publicKey: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n',
};

function routes() {
  let current = organization;
  return {
    'GET /organization': () => ok(current),
    'PATCH /organization': (req: MockRequest) => {
      current = { ...current, ...(req.body as Partial<Organization>) };
      return ok(current);
    },
    'POST /organization/signing-keys/rotate': () => ok(current),
  };
}

const renderSettings = () => renderWithProviders(<OrganizationSettings />, { route: '/settings', session: session('owner') });

describe('OrganizationSettings', () => {
  it('renames the organization, and Save name waits for a change', async () => {
    const fake = mockApi(routes());
    const { user } = renderSettings();
    const name = await screen.findByRole('textbox', { name: 'Organization name' });
    expect(screen.getByRole('button', { name: 'Save name' })).toBeDisabled();
    await user.clear(name);
    await user.type(name, 'Acme Labs');
    await user.click(screen.getByRole('button', { name: 'Save name' }));

    expect(await screen.findByText('Organization renamed')).toBeInTheDocument();
    expect(fake.calls('PATCH /organization')[0]!.body).toEqual({ name: 'Acme Labs' });
    expect(name).toHaveValue('Acme Labs');
    expect(screen.getByRole('button', { name: 'Save name' })).toBeDisabled();
  });

  it('asks the browser before closing the tab with an unsaved name, and no longer once it is saved', async () => {
    mockApi(routes());
    const { user } = renderSettings();
    const name = await screen.findByRole('textbox', { name: 'Organization name' });
    const closing = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(closing()).toBe(false);
    await user.type(name, ' Labs');
    expect(closing()).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('Organization renamed')).toBeInTheDocument();
    await waitFor(() => expect(closing()).toBe(false));
  });

  it('asks for a name', async () => {
    const fake = mockApi(routes());
    const { user } = renderSettings();
    const name = await screen.findByRole('textbox', { name: 'Organization name' });
    await user.clear(name);
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('Enter a name')).toBeInTheDocument();
    expect(fake.calls('PATCH /organization')).toHaveLength(0);
  });

  it('switches the signing algorithm after a confirmation', async () => {
    const fake = mockApi(routes());
    const { user } = renderSettings();
    await user.click(await screen.findByRole('combobox', { name: 'Signing algorithm' }));
    await user.click(screen.getByRole('option', { name: 'EdDSA — Ed25519' }));
    await user.click(screen.getByRole('button', { name: 'Switch to EdDSA' }));

    const dialog = screen.getByRole('dialog', { name: 'Switch to EdDSA' });
    expect(dialog).toHaveTextContent('A new EdDSA key replaces the ES256 key');
    await user.click(within(dialog).getByRole('button', { name: 'Switch to EdDSA' }));
    expect(await screen.findByText('New EdDSA signing key in use')).toBeInTheDocument();
    expect(fake.calls('PATCH /organization')[0]!.body).toEqual({ signingAlgorithm: 'EdDSA' });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Switch to EdDSA' })).not.toBeInTheDocument());
  });

  it('rotates the key after a confirmation', async () => {
    const fake = mockApi(routes());
    const { user } = renderSettings();
    await user.click(await screen.findByRole('button', { name: 'Rotate key' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate the signing key' });
    expect(dialog).toHaveTextContent('A new ES256 key signs every lease from now on.');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    expect(await screen.findByText('Signing key rotated')).toBeInTheDocument();
    expect(fake.calls('POST /organization/signing-keys/rotate')).toHaveLength(1);
    await waitFor(() => expect(fake.calls('GET /organization')).toHaveLength(2));
  });
});
