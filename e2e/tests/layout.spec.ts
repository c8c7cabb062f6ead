import type { Locator, Page } from '@playwright/test';
import { expect, test, type AdminApi } from './fixtures.js';

/** What stays on screen at a laptop's 1366 px and a phone's 390 px: long keys, wide tables. */

test.use({ storageState: async ({ ownerSession }, use) => use(ownerSession) });

/** Letters and digits, 128 of them: the longest key code the API takes. */
const LONG_KEY = `LAYOUT${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.repeat(4)}`.slice(0, 128);

async function arrange(admin: AdminApi) {
  const product = await admin.product('layout-kit', 'Layout checks', ['wide', 'narrow']);
  const customer = await admin.customerNamed({ name: 'Longkey Logistics', contactName: 'Lena Long', contactEmail: 'lena@longkey.example' });
  const existing = await admin.get<{ items: { id: string; keys: string[] }[] }>(`/licenses?customerId=${customer.id}`);
  // Expiring within 30 days, so that the dashboard lists it too.
  const license =
    existing.items[0] ??
    (await admin.license({ customerId: customer.id, featureIds: product.features.map((f) => f.id), keys: [LONG_KEY], leaseLimit: 4, expiry: new Date(Date.now() + 9 * 86_400_000).toISOString() }));
  return { customer, license };
}

/** The element lies wholly inside the viewport, sideways. */
async function expectWithinViewport(page: Page, locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  expect(box, 'the element is laid out').not.toBeNull();
  const width = page.viewportSize()!.width;
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

const overflows = (locator: Locator) => locator.evaluate((el) => el.scrollWidth > el.clientWidth);

test.describe('at 1366 px', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('a 128-character key ends in an ellipsis with a copy button, and its row actions stay on screen', async ({ page, admin }) => {
    const { customer } = await arrange(admin);
    await page.goto(`/licenses?customerId=${customer.id}`);
    const table = page.getByRole('table', { name: 'Licenses' });
    const link = table.getByRole('link', { name: `Open license ${LONG_KEY}` });
    await expect(link).toBeVisible();
    // Cut short by the browser (text-overflow: ellipsis), the whole key in its title.
    expect(await overflows(link)).toBe(true);
    expect(await link.evaluate((el) => getComputedStyle(el).textOverflow)).toBe('ellipsis');
    await expect(link).toHaveAttribute('title', LONG_KEY);
    await expect(table.getByRole('button', { name: `Copy key ${LONG_KEY}` })).toBeVisible();
    await expectWithinViewport(page, table.getByRole('link', { name: `Edit license ${LONG_KEY}` }));
    await expectWithinViewport(page, table.getByRole('button', { name: `Delete license ${LONG_KEY}` }));
    // Nothing to scroll: the table fits.
    await expect(page.getByRole('region', { name: /scrolls sideways/ })).toHaveCount(0);
  });

  test('the dashboard’s license tables show every column, the License column included', async ({ page, admin }) => {
    await arrange(admin);
    await page.goto('/');
    const table = page.getByRole('table', { name: 'Licenses expiring in the next 30 days' });
    await expect(table.getByRole('link', { name: `Open license ${LONG_KEY}` })).toBeVisible();
    await expectWithinViewport(page, table.getByRole('columnheader', { name: 'License' }));
    await expectWithinViewport(page, table.getByRole('button', { name: `Copy key ${LONG_KEY}` }));
    // The table is not wider than its card: nothing is hidden behind a sideways scroll.
    expect(await table.evaluate((el) => el.getBoundingClientRect().right <= el.closest('.mantine-Card-root')!.getBoundingClientRect().right)).toBe(true);
    await expect(page.getByRole('region', { name: /scrolls sideways/ })).toHaveCount(0);
  });
});

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('a table wider than the screen is a named, focusable scroll region with a scrollbar that shows', async ({ page, admin }) => {
    const { customer } = await arrange(admin);
    await page.goto(`/licenses?customerId=${customer.id}`);
    const region = page.getByRole('region', { name: 'Licenses (scrolls sideways)' });
    await expect(region).toBeVisible();
    await expect(region.getByRole('table', { name: 'Licenses' })).toBeVisible();
    await expect(region).toHaveAttribute('tabindex', '0');
    // It shows that there is more: a shadow at the edge that hides columns, and a scrollbar that is
    // not hidden (headless Chromium draws none at all, so the style is what can be checked).
    const style = await region.evaluate((el) => ({ overflowX: getComputedStyle(el).overflowX, scrollbarWidth: getComputedStyle(el).scrollbarWidth, shadow: getComputedStyle(el).backgroundImage }));
    expect(style.overflowX).toBe('auto');
    expect(style.scrollbarWidth).not.toBe('none');
    expect(style.shadow).toContain('radial-gradient');

    // By keyboard: focused, the arrow key scrolls it sideways.
    await region.focus();
    await expect(region).toBeFocused();
    expect(await region.evaluate((el) => el.scrollLeft)).toBe(0);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await expectWithinViewport(page, region);
  });
});
