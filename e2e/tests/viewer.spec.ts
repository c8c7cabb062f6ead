import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures.js';

/** Names of whatever changes something: none of these may be offered to a viewer. */
const WRITE_ACTION = /^(New|Add|Edit|Delete|Release|Rotate|Revoke|Reset|Save|Switch|Create|Change)\b/;

/** Nothing in the page's main area offers a change (call it once the page shows its data). */
async function expectReadOnly(page: Page): Promise<void> {
  const main = page.getByRole('main');
  await expect(main.getByRole('button', { name: WRITE_ACTION })).toHaveCount(0);
  await expect(main.getByRole('link', { name: WRITE_ACTION })).toHaveCount(0);
}

test('a viewer sees the data on every screen but no way to change it', async ({ page, browser, ownerSession, server, admin, licensing }) => {
  const username = 'vera.viewer';
  const password = 'viewer-password-2024';

  // Data for the viewer to look at, arranged through the admin API.
  const product = await admin.product('orbit', 'Orbit sync client', ['sync', 'offline']);
  const customer = await admin.customer({ name: 'Initech', contactName: 'Bill Lumbergh', contactEmail: 'bill@initech.example', phone: '+1 555 0199' });
  const license = await admin.license({ customerId: customer.id, featureIds: product.features.map((f) => f.id), leaseLimit: 5, comment: 'Initech site license' });
  const key = license.keys[0];
  expect(await licensing.obtain(key, 'initech-laptop-07')).toMatchObject({ success: true });

  await test.step('the owner creates a viewer in Settings → Users', async () => {
    // In a browser of their own, already signed in.
    const owner = await browser.newContext({ storageState: ownerSession, baseURL: server.url, viewport: { width: 1400, height: 900 } });
    const ownerPage = await owner.newPage();
    await ownerPage.goto('/settings');
    await ownerPage.getByRole('tab', { name: 'Users' }).click();
    await ownerPage.getByRole('button', { name: 'New user' }).click();
    const dialog = ownerPage.getByRole('dialog', { name: 'New user' });
    await dialog.getByRole('textbox', { name: 'Username' }).fill(username);
    await dialog.getByRole('textbox', { name: 'Display name' }).fill('Vera Viewer');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('vera@acme.example');
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await ownerPage.getByRole('option', { name: /^Viewer/ }).click();
    await expect(dialog.getByRole('combobox', { name: 'Role' })).toHaveValue(/^Viewer/);
    await dialog.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await expect(dialog).toBeHidden();
    const row = ownerPage.getByRole('table', { name: 'Users' }).getByRole('row', { name: new RegExp(username.replace('.', '\\.')) });
    await expect(row).toContainText('Vera Viewer');
    await expect(row).toContainText('viewer');
    await owner.close();
  });

  await test.step('the viewer signs in', async () => {
    await signIn(page, username, password);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav).toContainText('Vera Viewer');
    await expect(nav).toContainText('viewer');
  });

  await test.step('Customers: the list, and a customer page, without changes', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Customers' }).click();
    const row = page.getByRole('table', { name: 'Customers' }).getByRole('row', { name: /Initech/ });
    await expect(row).toContainText('Bill Lumbergh');
    await expectReadOnly(page);

    await row.getByRole('link', { name: 'Initech' }).click();
    await expect(page.getByRole('heading', { name: 'Initech' })).toBeVisible();
    await expect(page.getByRole('main')).toContainText('bill@initech.example');
    await expect(page.getByRole('table', { name: 'Licenses of Initech' })).toContainText('orbit');
    await expectReadOnly(page);
  });

  await test.step('Products: the catalog without changes', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Products' }).click();
    const tree = page.getByRole('tree', { name: 'Products and features' });
    await expect(tree.getByText('orbit', { exact: true })).toBeVisible();
    await expect(tree.getByText('offline', { exact: true })).toBeVisible();
    await expect(tree.getByText('sync', { exact: true })).toBeVisible();
    await expectReadOnly(page);
  });

  await test.step('Licenses: the list without changes', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Licenses' }).click();
    const row = page.getByRole('table', { name: 'Licenses' }).getByRole('row', { name: new RegExp(key) });
    await expect(row).toContainText('Initech');
    await expect(row).toContainText('1 / 5');
    await expectReadOnly(page);
  });

  await test.step('a license page: key and lease, without edit, delete or release', async () => {
    await page.getByRole('link', { name: `Open license ${key}` }).click();
    await expect(page.getByRole('heading', { name: /License/ })).toBeVisible();
    await expect(page.getByText(key, { exact: true })).toBeVisible();
    await expect(page.getByText('Initech site license')).toBeVisible();
    const lease = page.getByRole('table', { name: 'Leases' }).getByRole('row', { name: /initech-laptop-07/ });
    await expect(lease.getByText('active', { exact: true })).toBeVisible();
    await expectReadOnly(page);
    await expect(page.getByRole('button', { name: /Release/ })).toHaveCount(0);
  });

  await test.step('the license form is not reachable', async () => {
    await page.goto(`/licenses/${license.id}/edit`);
    await expect(page).toHaveURL(new RegExp(`/licenses/${license.id}$`));
    await page.goto('/licenses/new');
    await expect(page).toHaveURL(/\/licenses$/);
    await expect(page.getByRole('heading', { name: 'Licenses' })).toBeVisible();
  });

  await test.step('Settings: the organization, endpoint and key, without changes; no users or tokens', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    const main = page.getByRole('main');
    await expect(main.getByText('ACME Software', { exact: true })).toBeVisible();
    await expect(main.getByLabel('Licensing endpoint', { exact: true })).toHaveText(server.endpoint);
    await expect(main.getByLabel('Public key', { exact: true })).toContainText('BEGIN PUBLIC KEY');
    await expect(main.getByRole('textbox', { name: 'Organization name' })).toHaveCount(0);
    await expect(page.getByRole('tab', { name: 'Users' })).toHaveCount(0);
    await expect(page.getByRole('tab', { name: 'API tokens' })).toHaveCount(0);
    await expectReadOnly(page);
    // A viewer may still change their own password.
    await page.getByRole('tab', { name: 'Password' }).click();
    await expect(page.getByRole('button', { name: 'Change password' })).toBeVisible();
  });

  await test.step('the viewer signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await page.goto('/customers');
    await expect(page).toHaveURL(/\/login\?next=%2Fcustomers$/);
  });
});
