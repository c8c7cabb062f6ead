import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

/**
 * The day's work by keyboard alone: once the sign-in page is open, only keys are pressed (no click,
 * no fill, no focus set by the test). The catalog is arranged through the admin API beforehand; the
 * result is checked through the licensing API, as an application would see it.
 */

/** Presses Tab (or Shift+Tab) until `target` has focus, as a user tabbing through the page would. */
async function tabTo(page: Page, target: Locator, { backwards = false, most = 80 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < most; presses++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${most} presses of ${backwards ? 'Shift+Tab' : 'Tab'} did not reach ${target.toString()}`);
}

test('a keyboard-only user signs in, creates a customer and a license that grants two features', async ({ page, server, admin, request }) => {
  await admin.product('keyboard-kit', 'Keyboard journey kit', ['macros', 'layouts', 'themes']);
  // Customers listed before the new one, as on a server in use.
  await admin.customerNamed({ name: 'Aardvark Keys Ltd' });
  await admin.customerNamed({ name: 'Keys & Co Holdings' });
  const customerName = `Keys & Co ${Date.now().toString(36)}`;
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  let key = '';

  await page.goto('/login');

  await test.step('sign in: the username field has focus, Tab reaches the password, Enter submits', async () => {
    await expect(page.getByLabel('Username', { exact: true })).toBeFocused();
    await page.keyboard.type(server.username);
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
    await page.keyboard.type(server.password);
    // The show-password toggle is the next tab stop, and Space on it shows the password.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Toggle password visibility' })).toBeFocused();
    await page.keyboard.press('Space');
    await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'text');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    // Focus moves to the new page's heading.
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeFocused();
    await expect(page).toHaveTitle('Dashboard · Leasehold');
  });

  await test.step('the skip link is the first tab stop and leads to the main content', async () => {
    await page.keyboard.press('Shift+Tab');
    await tabTo(page, page.getByRole('link', { name: 'Skip to main content' }), { backwards: true });
    await page.keyboard.press('Enter');
    await expect(page.getByRole('main')).toBeFocused();
  });

  await test.step('create a customer', async () => {
    await tabTo(page, nav.getByRole('link', { name: 'Customers' }), { backwards: true });
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Customers' })).toBeFocused();
    await tabTo(page, page.getByRole('button', { name: 'New customer' }));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New customer' });
    await expect(dialog.getByRole('textbox', { name: 'Name', exact: true })).toBeFocused();
    await page.keyboard.type(customerName);
    await tabTo(page, dialog.getByLabel('Contact name'));
    await page.keyboard.type('Kay Board');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('table', { name: 'Customers' }).getByRole('row', { name: new RegExp(customerName) })).toContainText('Kay Board');
  });

  await test.step('create a license for the customer that grants two features', async () => {
    await tabTo(page, nav.getByRole('link', { name: 'Licenses' }), { backwards: true });
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Licenses' })).toBeFocused();
    await tabTo(page, page.getByRole('link', { name: 'New license' }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'New license' })).toBeFocused();
    const form = page.getByRole('form', { name: 'New license' });

    await tabTo(page, form.getByRole('combobox', { name: 'Customer' }));
    await page.keyboard.type(customerName);
    const option = page.getByRole('option', { name: customerName });
    await expect(option).toBeVisible();
    // Down the list to the customer (other customers may be listed above it while the search runs).
    for (let presses = 0; presses < 30 && (await option.getAttribute('data-combobox-selected')) === null; presses++) await page.keyboard.press('ArrowDown');
    await expect(option).toHaveAttribute('data-combobox-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(form.getByRole('combobox', { name: 'Customer' })).toHaveValue(customerName);

    // The feature tree: filter it to the product, then one tab stop whose rows the arrows move through.
    await tabTo(page, form.getByRole('textbox', { name: 'Filter features' }));
    await page.keyboard.type('keyboard-kit');
    const tree = form.getByRole('tree', { name: 'Features' });
    await expect(tree.getByRole('treeitem', { name: 'keyboard-kit' })).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(tree.getByRole('treeitem', { name: 'keyboard-kit' })).toBeFocused();
    // Features sorted by name: layouts, macros, themes.
    await page.keyboard.press('ArrowDown');
    await expect(tree.getByRole('treeitem', { name: 'layouts' })).toBeFocused();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await expect(tree.getByRole('treeitem', { name: 'macros' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(tree.getByRole('treeitem', { name: 'layouts' })).toHaveAttribute('aria-checked', 'true');
    await expect(tree.getByRole('treeitem', { name: 'macros' })).toHaveAttribute('aria-checked', 'true');
    await expect(tree.getByRole('treeitem', { name: 'themes' })).toHaveAttribute('aria-checked', 'false');
    await expect(tree.getByRole('treeitem', { name: 'keyboard-kit' })).toHaveAttribute('aria-checked', 'mixed');
    await expect(form.getByText('2 selected in 1 product')).toBeVisible();

    // No expiry (never) and no lease limit (unlimited): a valid license as it stands.
    await tabTo(page, form.getByRole('button', { name: 'Create license' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/licenses\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1, name: /License/ })).toBeFocused();
    const copy = page.getByRole('button', { name: /^Copy key / });
    key = ((await copy.getAttribute('aria-label')) ?? '').replace(/^Copy key /, '');
    expect(key).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    await expect(page).toHaveTitle(`License ${key} · Licenses · Leasehold`);
  });

  await test.step('the licensing API says the new key grants those two features', async () => {
    const response = await request.get(`${server.endpoint}/key/validate`, { params: { key } });
    const validated = (await response.json()) as { isValid: boolean; validFor: { product: string; features: { feature: string }[] }[] };
    expect(validated.isValid).toBe(true);
    expect(validated.validFor.map((p) => ({ product: p.product, features: p.features.map((f) => f.feature).sort() }))).toEqual([{ product: 'keyboard-kit', features: ['layouts', 'macros'] }]);
  });
});
