import { expect, test } from './fixtures.js';

/** Checks of single screens, each on data of its own arranged through the admin API. */

// Signed in as the first owner from the start (the journey signs in through the form).
test.use({ storageState: async ({ ownerSession }, use) => use(ownerSession) });

test('client-side routes survive a reload, and a signed-out deep link comes back after signing in', async ({ page, server, admin }) => {
  const product = await admin.product('atlas', 'Atlas mapping toolkit', ['tiles', 'geocoding']);
  const customer = await admin.customer({ name: 'Umbrella Labs', contactName: 'Alice Abernathy' });
  const license = await admin.license({ customerId: customer.id, featureIds: product.features.map((f) => f.id), leaseLimit: 10 });
  const key = license.keys[0];

  // Reached through the app, then reloaded: the server hands out the app for the deep path.
  await page.goto('/licenses');
  await page.getByRole('link', { name: `Open license ${key}` }).click();
  await expect(page).toHaveURL(new RegExp(`/licenses/${license.id}$`));
  await page.reload();
  await expect(page.getByRole('heading', { name: /License/ })).toBeVisible();
  await expect(page.getByText(key, { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Umbrella Labs' })).toBeVisible();

  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page).toHaveURL(new RegExp(`/licenses/${license.id}/edit$`));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Edit license' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Key code 1' })).toHaveValue(key);

  await page.goto(`/customers/${customer.id}`);
  await expect(page.getByRole('heading', { name: 'Umbrella Labs' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Umbrella Labs' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Licenses of Umbrella Labs' })).toContainText('atlas');

  // Query strings too: a settings tab, a list's search.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('tab', { name: 'API tokens' }).click();
  await expect(page).toHaveURL(/\/settings\?tab=tokens$/);
  await page.reload();
  await expect(page.getByRole('tab', { name: 'API tokens' })).toHaveAttribute('aria-selected', 'true');

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Licenses' }).click();
  await page.getByRole('textbox', { name: 'Search licenses' }).fill('no-such-license');
  await page.getByRole('textbox', { name: 'Search licenses' }).press('Enter');
  await expect(page).toHaveURL(/\/licenses\?q=no-such-license$/);
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Search licenses' })).toHaveValue('no-such-license');
  await expect(page.getByText('No license matches these filters.')).toBeVisible();

  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();

  // When the session ends under a loaded app, the next request sends it to the sign-in page, saying why.
  await page.goto(`/licenses/${license.id}`);
  await expect(page.getByText(key, { exact: true })).toBeVisible();
  await page.context().clearCookies();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Customers' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fcustomers$/);
  await expect(page.getByText('Your session has ended. Sign in again to continue.')).toBeVisible();

  // Signed out, a deep link goes to the sign-in page and, once signed in, back to where it pointed.
  await page.goto(`/licenses/${license.id}`);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Username', { exact: true }).fill(server.username);
  await page.getByLabel('Password', { exact: true }).fill(server.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/licenses/${license.id}$`));
  await expect(page.getByText(key, { exact: true })).toBeVisible();
});

test('editing a license changes its limit and key codes', async ({ page, admin, licensing }) => {
  const product = await admin.product('atlas', 'Atlas mapping toolkit', ['tiles', 'geocoding']);
  const customer = await admin.customer({ name: 'Oscorp' });
  const license = await admin.license({ customerId: customer.id, featureIds: [product.features[0].id], leaseLimit: 1 });
  const key = license.keys[0];

  await page.goto(`/licenses/${license.id}`);
  await page.getByRole('link', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Edit license' });
  await expect(form.getByRole('textbox', { name: 'Key code 1' })).toHaveValue(key);
  await form.getByLabel('Lease limit').fill('4');
  await form.getByRole('checkbox', { name: 'atlas / geocoding' }).check();
  await form.getByRole('button', { name: 'Add key code' }).click();
  await form.getByRole('textbox', { name: 'Key code 2' }).fill('OSCORP-LAB-2024');
  await form.getByRole('button', { name: 'Save license' }).click();

  await expect(page).toHaveURL(new RegExp(`/licenses/${license.id}$`));
  await expect(page.getByText('0 / 4')).toBeVisible();
  await expect(page.getByText('OSCORP-LAB-2024', { exact: true })).toBeVisible();
  await expect(page.getByText(key, { exact: true })).toBeVisible();
  await expect(page.getByText('geocoding', { exact: true })).toBeVisible();
  // The new key code works at once.
  expect(await licensing.obtain('OSCORP-LAB-2024', 'oscorp-lab-pc')).toMatchObject({ success: true });
});

test('deleting a customer who still has licenses is refused with the reason', async ({ page, admin }) => {
  const product = await admin.product('atlas', 'Atlas mapping toolkit', ['tiles']);
  const customer = await admin.customer({ name: 'Stark Industries', contactName: 'Pepper Potts' });
  const license = await admin.license({ customerId: customer.id, featureIds: product.features.map((f) => f.id), leaseLimit: 3 });

  await page.goto('/customers?q=Stark');
  await page.getByRole('button', { name: 'Delete Stark Industries' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the customer Stark Industries?' });
  await dialog.getByRole('button', { name: 'Delete customer' }).click();
  await expect(dialog.getByRole('alert')).toContainText('the customer has 1 license; delete or move them first');
  await expect(dialog.getByRole('alert').getByRole('link', { name: 'Show them' })).toHaveAttribute('href', `/licenses?customerId=${customer.id}`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Customers' }).getByRole('link', { name: 'Stark Industries' })).toBeVisible();

  // Once its license is gone, the customer can go.
  await page.goto(`/licenses/${license.id}`);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page
    .getByRole('dialog', { name: /^Delete the license for Stark Industries \(key / })
    .getByRole('button', { name: 'Delete license' })
    .click();
  await expect(page).toHaveURL(/\/licenses$/);
  await page.goto(`/customers/${customer.id}`);
  await expect(page.getByText('This customer has no licenses yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete the customer Stark Industries?' }).getByRole('button', { name: 'Delete customer' }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Stark Industries' })).toHaveCount(0);
});

test('forms show what the server refused, in plain words: a duplicate product name, an invalid phone number', async ({ page, admin }) => {
  await admin.product('nimbus', 'Nimbus cloud backup', ['restore']);

  await page.goto('/products');
  await page.getByRole('button', { name: 'New product' }).click();
  const dialog = page.getByRole('dialog', { name: 'New product' });
  const name = dialog.getByRole('textbox', { name: 'Product name' });
  // Checked in the browser first: the name pattern.
  await name.fill('nimbus backup');
  await dialog.getByRole('button', { name: 'Create product' }).click();
  await expect(name).toHaveAccessibleDescription(/Use only letters, digits, _ \. and -/);
  // Then by the server: 409, the name is taken.
  await name.fill('nimbus');
  await dialog.getByRole('button', { name: 'Create product' }).click();
  await expect(dialog.getByRole('alert')).toContainText('a product named "nimbus" already exists');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // A field the browser does not check: the server's 400 lands on the field.
  await page.goto('/customers');
  await page.getByRole('button', { name: 'New customer' }).click();
  const customer = page.getByRole('dialog', { name: 'New customer' });
  await customer.getByRole('textbox', { name: 'Name', exact: true }).fill('Wayne Enterprises');
  const phone = customer.getByRole('textbox', { name: 'Phone' });
  await phone.fill('call reception');
  await customer.getByRole('button', { name: 'Create customer' }).click();
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAccessibleDescription('This is not a phone number: use digits, spaces and + ( ) . / -');
  await expect(customer).toBeVisible();
  await phone.fill('+1 555 0142');
  await customer.getByRole('button', { name: 'Create customer' }).click();
  await expect(customer).toBeHidden();
  await expect(page.getByRole('table', { name: 'Customers' }).getByRole('row', { name: /Wayne Enterprises/ })).toContainText('+1 555 0142');
});

test('the dashboard shows the active leases and the licenses that need attention', async ({ page, admin, licensing }) => {
  const product = await admin.product('atlas', 'Atlas mapping toolkit', ['tiles']);
  const customer = await admin.customer({ name: 'Cyberdyne Systems' });
  const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
  const license = await admin.license({ customerId: customer.id, featureIds: product.features.map((f) => f.id), leaseLimit: 1, expiry: soon });
  expect(await licensing.obtain(license.keys[0], 'cyberdyne-t800')).toMatchObject({ success: true });
  const { activeLeases } = await admin.get<{ activeLeases: number }>('/dashboard');
  expect(activeLeases).toBeGreaterThanOrEqual(1);

  await page.goto('/');
  const active = page.getByRole('link', { name: /^Active leases:/ });
  await expect(active).toHaveText(new RegExp(`^Active leases\\s*${activeLeases}\\s*held right now$`));
  await expect(page.getByRole('table', { name: 'Licenses at their limit' }).getByRole('row', { name: /Cyberdyne Systems/ })).toContainText('1 / 1');
  await expect(page.getByRole('table', { name: 'Licenses expiring in the next 30 days' })).toContainText('Cyberdyne Systems');

  // Another lease elsewhere shows once the dashboard is loaded again.
  const other = await admin.license({ customerId: customer.id, featureIds: product.features.map((f) => f.id), leaseLimit: 5 });
  expect(await licensing.obtain(other.keys[0], 'cyberdyne-t1000')).toMatchObject({ success: true });
  await page.reload();
  await expect(active).toHaveText(new RegExp(`^Active leases\\s*${activeLeases + 1}\\s*held right now$`));
  await expect(page.getByRole('status').filter({ hasText: /^Updated \d\d:\d\d:\d\d$/ })).toBeVisible();

  // The figure opens the licenses it counts.
  await active.click();
  await expect(page).toHaveURL(/\/licenses\?inUse=true$/);
  await expect(page.getByText('With active leases')).toBeVisible();
  await expect(page.getByRole('row', { name: /Cyberdyne Systems/ })).toHaveCount(2);
});

test('the audit log lists the changes made, with their details', async ({ page }) => {
  await page.goto('/customers');
  await page.getByRole('button', { name: 'New customer' }).click();
  const dialog = page.getByRole('dialog', { name: 'New customer' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Soylent Foods');
  await dialog.getByRole('button', { name: 'Create customer' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'Edit Soylent Foods' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Soylent Foods' });
  await edit.getByLabel('Contact name').fill('Sol Roth');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log' }).click();
  const log = page.getByRole('table', { name: 'Audit log' });
  const rows = log.getByRole('row');
  // Newest first: the update, then the creation, both by the signed-in admin.
  await expect(rows.nth(1)).toContainText('updated');
  await expect(rows.nth(1)).toContainText('customer');
  await expect(rows.nth(1)).toContainText('admin');
  await expect(rows.nth(1).getByRole('link', { name: 'Soylent Foods' })).toHaveAttribute('href', /^\/customers\//);
  await expect(rows.nth(2)).toContainText('created');
  await expect(rows.nth(2)).toContainText('customer');

  await rows
    .nth(1)
    .getByRole('button', { name: /^Show changes of updated customer/ })
    .click();
  const details = page.getByRole('dialog', { name: 'admin updated a customer' });
  const changed = details.getByRole('table', { name: 'Changed fields' }).getByRole('row', { name: /Contact name/ });
  await expect(changed).toContainText('—');
  await expect(changed).toContainText('Sol Roth');
  await details.getByRole('button').first().click();
  await expect(details).toBeHidden();

  // Filtering by action keeps only those events, and survives a reload.
  await page.getByRole('combobox', { name: 'Action' }).fill('update');
  await page.getByRole('combobox', { name: 'Action' }).press('Enter');
  await expect(page).toHaveURL(/action=update/);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Action' })).toHaveValue('update');
  await expect(log.getByRole('row').nth(1)).toContainText('update');
  await expect(log.getByRole('row').filter({ hasText: 'create' })).toHaveCount(0);
});

test('settings show the licensing endpoint and the public key that verifies leases', async ({ page, server, request }) => {
  await page.goto('/settings');
  const main = page.getByRole('main');
  await expect(main.getByRole('textbox', { name: 'Organization name' })).toHaveValue('ACME Software');
  await expect(main.getByLabel('Licensing endpoint', { exact: true })).toHaveText(server.endpoint);
  const pem = (await (await request.get(`${server.endpoint}/signature.pem`)).text()).trim();
  expect(pem).toContain('BEGIN PUBLIC KEY');
  await expect(main.getByLabel('Public key', { exact: true })).toHaveText(pem);
  await expect(main.getByRole('combobox', { name: 'Signing algorithm' })).toHaveValue(/^ES256/);
});

test('a new API token is shown once, and works', async ({ page, server, request }) => {
  await page.goto('/settings');
  await page.getByRole('tab', { name: 'API tokens' }).click();
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Billing integration');
  await dialog.getByRole('button', { name: 'Create token' }).click();

  const shown = page.getByRole('dialog', { name: 'Your new API token' });
  await expect(shown).toContainText('This is the only time the token is shown');
  const token = (await shown.getByLabel('New API token').textContent())!.trim();
  expect(token).toMatch(/^lh_[0-9a-f]{32}_\S{43}$/);
  const response = await request.get(`${server.url}/api/v1/organization`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status()).toBe(200);
  // Not copied yet: closing asks first.
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown.getByRole('alertdialog', { name: 'Close without copying the token?' })).toBeVisible();
  await shown.getByRole('button', { name: 'Keep it open' }).click();
  await shown.getByRole('button', { name: 'Copy API token' }).click();
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();

  const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /Billing integration/ });
  await expect(row).toContainText('admin');
  await expect(page.getByText(token)).toHaveCount(0);
  await expect(page.getByText(/^Showing 1–\d+ of \d+ tokens$/)).toBeVisible();

  // Opening the form again starts empty; a reload shows the token nowhere either.
  await page.getByRole('button', { name: 'New token' }).click();
  await expect(page.getByRole('dialog', { name: 'New API token' }).getByRole('textbox', { name: 'Name' })).toHaveValue('');
  await page.getByRole('dialog', { name: 'New API token' }).getByRole('button', { name: 'Cancel' }).click();
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByText(token)).toHaveCount(0);
});

test('the web app and the API reference run under the Content-Security-Policy without a violation', async ({ page }) => {
  // Any violation is an error in the page, which fails the test (see the pageErrors fixture).
  const app = await page.goto('/licenses');
  expect(app!.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(app!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('heading', { name: 'Licenses' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();

  const docs = await page.goto('/docs');
  expect(docs!.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByText('/licensing/{organizationId}/key/validate').first()).toBeVisible();

  // The check itself works: on a page of its own (a violation on this one would fail the test),
  // a script the policy forbids is reported and not run.
  const probe = await page.context().newPage();
  await probe.addInitScript(() => document.addEventListener('securitypolicyviolation', (event) => console.error(`Content-Security-Policy violation: ${event.violatedDirective}`)));
  await probe.goto('/licenses');
  const reported = probe.waitForEvent('console', (message) => message.text().startsWith('Content-Security-Policy violation'));
  const ran = await probe.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.body.append(script);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(ran).toBe(false);
  await reported;
  await probe.close();
});
