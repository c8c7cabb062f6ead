import { expect, saveScreenshot, test } from './fixtures.js';

/**
 * The main journey of the issue, through the web app only (the application's side goes through
 * the licensing API, as a real application would): sign in, build a catalog, license a customer,
 * see a lease taken by an application and release it by hand.
 */
test('an admin licenses a customer, sees the lease an application takes and releases it', async ({ page, server, licensing }) => {
  const clientId = 'ws-globex-design-01';
  let key = '';
  let lease = '';

  await test.step('a wrong password is refused with a clear message', async () => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await saveScreenshot(page, 'login');
    await page.getByLabel('Username', { exact: true }).fill(server.username);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('The username or password is not right.');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  });

  await test.step('the printed credentials sign in', async () => {
    await page.getByLabel('Password', { exact: true }).fill(server.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText('ACME Software');
    await expect(page.getByRole('navigation', { name: 'Main navigation' })).toContainText(server.username);
  });

  await test.step('create a product and add a feature to it', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Products' }).click();
    await expect(page.getByRole('heading', { name: 'Products' })).toBeVisible();
    await page.getByRole('button', { name: 'New product' }).click();
    const productDialog = page.getByRole('dialog', { name: 'New product' });
    await productDialog.getByLabel('Product name').fill('photon');
    await productDialog.getByLabel('Description').fill('Photon image editor');
    await productDialog.getByRole('button', { name: 'Create product' }).click();
    await expect(productDialog).toBeHidden();
    const tree = page.getByRole('tree', { name: 'Products and features' });
    await expect(tree.getByText('photon', { exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Add feature to photon' }).click();
    const featureDialog = page.getByRole('dialog', { name: 'New feature of photon' });
    await featureDialog.getByLabel('Feature name').fill('export');
    await featureDialog.getByLabel('Description').fill('Export to PNG, TIFF and PDF');
    await featureDialog.getByRole('button', { name: 'Create feature' }).click();
    await expect(featureDialog).toBeHidden();
    await expect(tree.getByText('export', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Edit feature photon/export' })).toBeVisible();
  });

  await test.step('create a customer', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Customers' }).click();
    await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();
    await page.getByRole('button', { name: 'New customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'New customer' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Globex Corporation');
    await dialog.getByLabel('Contact name').fill('Hank Scorpio');
    await dialog.getByLabel('Contact email').fill('hank@globex.example');
    await dialog.getByLabel('Phone').fill('+1 555 0100');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole('table', { name: 'Customers' }).getByRole('row', { name: /Globex Corporation/ });
    await expect(row).toContainText('Hank Scorpio');
    await expect(row).toContainText('hank@globex.example');
  });

  await test.step('create a license for the customer with the feature, and see its key', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Licenses' }).click();
    await expect(page.getByRole('heading', { name: 'Licenses' })).toBeVisible();
    await page.getByRole('link', { name: 'New license' }).click();
    const form = page.getByRole('form', { name: 'New license' });
    await expect(form).toBeVisible();
    await form.getByRole('combobox', { name: 'Customer' }).fill('Globex');
    await page.getByRole('option', { name: 'Globex Corporation' }).click();
    await expect(form.getByRole('combobox', { name: 'Customer' })).toHaveValue('Globex Corporation');
    await form.getByRole('checkbox', { name: 'photon / export' }).check();
    await expect(form.getByText('1 selected in 1 product')).toBeVisible();
    await form.getByLabel('Lease limit').fill('2');
    await form.getByLabel('Comment').fill('Seats for the design team');
    await saveScreenshot(page, 'license-form');
    await form.getByRole('button', { name: 'Create license' }).click();

    await expect(page).toHaveURL(/\/licenses\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { name: /License/ })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Globex Corporation' })).toBeVisible();
    const copy = page.getByRole('button', { name: /^Copy key / });
    key = ((await copy.getAttribute('aria-label')) ?? '').replace(/^Copy key /, '');
    expect(key).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    await expect(page.getByText(key, { exact: true })).toBeVisible();
    await expect(page.getByText('0 / 2')).toBeVisible();
  });

  await test.step('an application obtains a lease with the key', async () => {
    const obtained = await licensing.obtain(key, clientId);
    expect(obtained).toMatchObject({ success: true, errorCode: null });
    lease = obtained.lease!;
    expect(lease).toBeTruthy();
  });

  await test.step('the license page shows the lease after a reload', async () => {
    await page.reload();
    const leases = page.getByRole('table', { name: 'Leases' });
    const row = leases.getByRole('row', { name: new RegExp(clientId) });
    await expect(row).toBeVisible();
    await expect(row.getByText('active', { exact: true })).toBeVisible();
    await expect(page.getByText('1 / 2')).toBeVisible();
    await saveScreenshot(page, 'license');
  });

  await test.step('release the lease from the license page', async () => {
    // Releasing takes effect at once (the app asks no confirmation).
    await page.getByRole('button', { name: `Release lease of ${clientId}` }).click();
    // Asked first, naming the client id: a released lease cannot be taken back.
    await page
      .getByRole('dialog', { name: `Release the seat of ${clientId}?` })
      .getByRole('button', { name: 'Release' })
      .click();
    await expect(page.getByText(`Released the seat of ${clientId}`)).toBeVisible();
    const leases = page.getByRole('table', { name: 'Leases' });
    await expect(leases.getByText('No active leases.')).toBeVisible();
    await expect(page.getByText('0 / 2')).toBeVisible();
    await page.getByRole('radiogroup', { name: 'Lease state' }).getByText('All', { exact: true }).click();
    const row = leases.getByRole('row', { name: new RegExp(clientId) });
    await expect(row.getByText('released', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: `Release lease of ${clientId}` })).toHaveCount(0);
  });

  await test.step('the licensing API answers LEASE_RELEASED for the released lease', async () => {
    const validated = await licensing.validate(lease);
    expect(validated).toMatchObject({ isValid: false, errorCode: 'LEASE_RELEASED' });
  });
});
