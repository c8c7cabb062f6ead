import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.js';

/** The lists as a day's work uses them: sort, export what is shown, change several licenses at once. */

test.use({ storageState: async ({ ownerSession }, use) => use(ownerSession) });

test('a customer search is sorted from its header, exported as CSV, and its licenses extended together', async ({ page, admin }) => {
  const product = await admin.product('orbit', 'Orbit planner', ['routes']);
  const [early, late] = [await admin.customer({ name: 'Orbital Early' }), await admin.customer({ name: 'orbital Late', comment: '=cmd|calc' })];
  const now = Date.now();
  const soon = new Date(now + 5 * 86_400_000).toISOString();
  await admin.license({ customerId: early.id, featureIds: [product.features[0].id], expiry: soon });
  await admin.license({ customerId: late.id, featureIds: [product.features[0].id], expiry: soon });

  await page.goto('/customers?q=orbital');
  const table = page.getByRole('table', { name: 'Customers' });
  await table.getByRole('button', { name: 'Name' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/sort=name&order=desc/);
  await expect(table.getByRole('row').nth(1)).toContainText('orbital Late');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^customers-\d{4}-\d\d-\d\d\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8').split('\r\n');
  expect(csv[0]).toBe('id,name,contactName,contactEmail,phone,comment,createdAt,updatedAt');
  expect(csv[1]).toContain(",orbital Late,,,,'=cmd|calc,");
  expect(csv[2]).toContain(',Orbital Early,');

  await page.goto('/licenses?sort=customer');
  const licenses = page.getByRole('table', { name: 'Licenses' });
  await licenses
    .getByRole('row', { name: /Orbital Early/ })
    .getByRole('checkbox')
    .check();
  await licenses
    .getByRole('row', { name: /orbital Late/ })
    .getByRole('checkbox')
    .check();
  await page.getByRole('group', { name: 'Selected licenses' }).getByRole('button', { name: 'Extend expiry' }).click();
  const dialog = page.getByRole('dialog', { name: 'Extend expiry' });
  await dialog.getByRole('textbox', { name: 'Days' }).fill('30');
  await expect(dialog).toContainText('Extend the expiry of 2 licenses by 30 day(s).');
  await dialog.getByRole('button', { name: 'Extend 2 licenses' }).click();
  await expect(page.getByText('Extended 2 licenses')).toBeVisible();
  const after = await admin.call<{ items: { customerId: string; expiry: string }[] }>('GET', '/licenses?limit=200');
  for (const id of [early.id, late.id]) {
    expect(Date.parse(after.items.find((l) => l.customerId === id)!.expiry)).toBe(Date.parse(soon) + 30 * 86_400_000);
  }
});
