import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../api/types';
import { CustomerPage } from '../pages/CustomerPage';
import { LicensesPage } from '../pages/LicensesPage';
import { SettingsPage } from '../pages/SettingsPage';
import { mockApi, ok } from '../test/fetchMock';
import { catalog, customer, license, page, session } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { permissionsOf } from './AuthContext';

const organization = {
  id: 'org-1',
  name: 'Acme Software',
  licensingEndpoint: 'https://licenses.acme.example/licensing/v1/org-1',
  signingAlgorithm: 'ES256',
  publicKey: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n',
};

const apiRoutes = {
  'GET /customers': ok(page([customer()], { limit: 20 })),
  'GET /customers/cust-1': ok(customer()),
  'GET /products': ok(page(catalog.products, { limit: 200 })),
  'GET /features': ok(page(catalog.features, { limit: 200 })),
  'GET /licenses': ok(page([license()])),
  'GET /organization': ok(organization),
};

describe('permissionsOf', () => {
  it('lets owners and admins write, and only owners manage access', () => {
    expect(permissionsOf('owner')).toEqual({ role: 'owner', canWrite: true, isOwner: true });
    expect(permissionsOf('admin')).toEqual({ role: 'admin', canWrite: true, isOwner: false });
    expect(permissionsOf('viewer')).toEqual({ role: 'viewer', canWrite: false, isOwner: false });
  });
});

describe('LicensesPage by role', () => {
  const renderAs = (role: Role) => {
    mockApi(apiRoutes);
    return renderWithProviders(<LicensesPage />, { route: '/licenses', session: session(role) });
  };

  it('offers New, Edit and Delete to an admin', async () => {
    renderAs('admin');
    const table = await screen.findByRole('table', { name: 'Licenses' });
    expect(await within(table).findByRole('link', { name: /^Edit license/ })).toHaveAttribute('href', '/licenses/lic-1/edit');
    expect(within(table).getByRole('button', { name: /^Delete license/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New license' })).toHaveAttribute('href', '/licenses/new');
  });

  it('only lists licenses for a viewer', async () => {
    renderAs('viewer');
    const table = await screen.findByRole('table', { name: 'Licenses' });
    expect(await within(table).findByRole('link', { name: /^Open license/ })).toBeInTheDocument();
    expect(within(table).queryByRole('link', { name: /^Edit license/ })).not.toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: /^Delete license/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New license' })).not.toBeInTheDocument();
  });
});

describe('CustomerPage by role', () => {
  const renderAs = (role: Role) => {
    mockApi(apiRoutes);
    return renderWithProviders(<CustomerPage />, { route: '/customers/cust-1', path: '/customers/:id', session: session(role) });
  };

  it('offers New license, Edit and Delete to an admin', async () => {
    renderAs('admin');
    expect(await screen.findByRole('heading', { name: 'Globex Corporation' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New license' })).toHaveAttribute('href', '/licenses/new?customerId=cust-1');
    expect(screen.getByRole('button', { name: 'Edit' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeInTheDocument();
  });

  it('is read-only for a viewer', async () => {
    renderAs('viewer');
    expect(await screen.findByRole('heading', { name: 'Globex Corporation' })).toBeInTheDocument();
    expect(await screen.findByRole('table', { name: 'Licenses of Globex Corporation' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New license' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });
});

describe('SettingsPage by role', () => {
  const renderAs = (role: Role) => {
    mockApi(apiRoutes);
    return renderWithProviders(<SettingsPage />, { route: '/settings', session: session(role) });
  };

  it('shows users and API tokens to an owner only', async () => {
    renderAs('owner');
    expect(await screen.findByRole('tab', { name: 'Users' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'API tokens' })).toBeInTheDocument();
  });

  it('lets an admin rename the organization and rotate the key, but not manage users', async () => {
    renderAs('admin');
    expect(await screen.findByRole('textbox', { name: 'Organization name' })).toHaveValue('Acme Software');
    expect(screen.getByRole('button', { name: 'Rotate key' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Users' })).not.toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'API tokens' })).not.toBeInTheDocument();
  });

  it('shows a viewer the organization without anything to change', async () => {
    renderAs('viewer');
    expect(await screen.findByText('https://licenses.acme.example/licensing/v1/org-1')).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Organization name' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Rotate key' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save name' })).not.toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Password' })).toBeInTheDocument();
  });
});
