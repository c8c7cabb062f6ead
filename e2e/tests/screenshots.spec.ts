import { expect, saveScreenshot, test, type AdminApi, type Licensing } from './fixtures.js';

/**
 * Screenshots of the main screens for the documentation (docs/screenshots/), on a small but
 * realistic catalog. The sign-in page, the license form and a license page with a lease are taken
 * by the journey (journey.spec.ts), in the middle of what they show.
 */

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** Arranges the catalog once; safe to run again on the same server (it reuses what is there). */
async function seed(admin: AdminApi, licensing: Licensing): Promise<void> {
  const studio = await admin.product('studio', 'Studio desktop editor', ['editor', 'export', 'collaboration', 'plugins']);
  const render = await admin.product('render-farm', 'Distributed rendering service', ['nodes', 'gpu', 'priority-queue']);
  const analytics = await admin.product('analytics', 'Usage analytics and reporting', ['dashboards', 'api-access']);
  const ids = (product: { features: { id: string; name: string }[] }, names?: string[]) => product.features.filter((f) => !names || names.includes(f.name)).map((f) => f.id);

  const plans = [
    {
      customer: { name: 'Hooli', contactName: 'Gavin Belson', contactEmail: 'gavin@hooli.example', phone: '+1 650 555 0134' },
      license: { featureIds: [...ids(studio), ...ids(analytics)], leaseLimit: 25, expiry: inDays(340), comment: 'Enterprise agreement 2025-2026' },
      clients: ['hooli-ws-0117', 'hooli-ws-0122', 'hooli-ws-0309', 'hooli-build-02'],
    },
    {
      customer: { name: 'Massive Dynamic', contactName: 'Nina Sharp', contactEmail: 'nina.sharp@massive.example', phone: '+1 212 555 0177' },
      license: { featureIds: ids(render), leaseLimit: 3, expiry: inDays(12), comment: 'Render nodes, renewal pending' },
      clients: ['md-render-a', 'md-render-b', 'md-render-c'],
    },
    {
      customer: { name: 'Vandelay Industries', contactName: 'Art Vandelay', contactEmail: 'art@vandelay.example', phone: '+1 718 555 0101' },
      license: { featureIds: ids(studio, ['editor', 'export']), leaseLimit: 5, expiry: null, comment: 'Perpetual, editor and export only' },
      clients: ['vandelay-laptop-1'],
    },
    {
      customer: { name: 'Wonka Industries', contactName: 'Charlie Bucket', contactEmail: 'charlie@wonka.example', phone: '+44 20 7946 0958' },
      license: { featureIds: [...ids(studio, ['editor']), ...ids(analytics, ['dashboards'])], leaseLimit: 10, expiry: inDays(25), comment: null },
      clients: ['wonka-factory-floor'],
    },
    {
      customer: { name: 'Tyrell Corporation', contactName: 'Rachael Tyrell', contactEmail: 'rachael@tyrell.example', phone: '+1 310 555 0119' },
      license: { featureIds: ids(analytics), leaseLimit: null, expiry: inDays(-4), comment: 'Trial, ended' },
      clients: [],
    },
  ];

  for (const plan of plans) {
    const customer = await admin.customerNamed(plan.customer);
    const existing = await admin.get<{ items: { keys: string[] }[] }>(`/licenses?customerId=${customer.id}`);
    const license = existing.items[0] ?? (await admin.license({ customerId: customer.id, ...plan.license, comment: plan.license.comment ?? undefined }));
    for (const client of plan.clients) expect(await licensing.obtain(license.keys[0], client)).toMatchObject({ success: true });
  }
  // One refusal for the chart: the render farm license has every seat taken.
  const massive = await admin.customerNamed(plans[1].customer);
  const full = await admin.get<{ items: { keys: string[] }[] }>(`/licenses?customerId=${massive.id}`);
  expect(await licensing.obtain(full.items[0].keys[0], 'md-render-d')).toMatchObject({ errorCode: 'LEASE_LIMIT_REACHED' });
}

test.describe('screenshots of the main screens', () => {
  test.use({ storageState: async ({ ownerSession }, use) => use(ownerSession) });

  test('dashboard, customers, products, licenses, settings and audit log', async ({ page, admin, licensing }) => {
    test.setTimeout(180_000);
    await seed(admin, licensing);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await page.goto('/customers');

    await test.step('customers', async () => {
      await expect(page.getByRole('table', { name: 'Customers' })).toContainText('Massive Dynamic');
      await saveScreenshot(page, 'customers');
    });

    await test.step('products', async () => {
      await nav.getByRole('link', { name: 'Products' }).click();
      await expect(page.getByRole('tree', { name: 'Products and features' })).toContainText('priority-queue');
      await saveScreenshot(page, 'products');
    });

    await test.step('licenses', async () => {
      await nav.getByRole('link', { name: 'Licenses' }).click();
      await expect(page.getByRole('table', { name: 'Licenses' })).toContainText('Vandelay Industries');
      await saveScreenshot(page, 'licenses');
    });

    await test.step('settings', async () => {
      await nav.getByRole('link', { name: 'Settings' }).click();
      await expect(page.getByLabel('Public key', { exact: true })).toContainText('BEGIN PUBLIC KEY');
      await saveScreenshot(page, 'settings');
    });

    await test.step('audit log, after a lease was released by hand', async () => {
      await nav.getByRole('link', { name: 'Licenses' }).click();
      const hooli = page.getByRole('table', { name: 'Licenses' }).getByRole('row', { name: /Hooli/ });
      await hooli.getByRole('link', { name: /^Open license / }).click();
      await page.getByRole('button', { name: 'Release lease of hooli-build-02' }).click();
      await page.getByRole('dialog', { name: 'Release the seat of hooli-build-02?' }).getByRole('button', { name: 'Release' }).click();
      await expect(page.getByRole('button', { name: 'Release lease of hooli-build-02' })).toHaveCount(0);
      await nav.getByRole('link', { name: 'Audit log' }).click();
      await expect(page.getByRole('table', { name: 'Audit log' }).getByRole('row').nth(1)).toContainText('release');
      await saveScreenshot(page, 'audit');
    });

    await test.step('dashboard', async () => {
      // Usage reaches the charts within 30 seconds (the server writes it in the background): last,
      // so that the other screenshots are taken meanwhile. The wait allows two flushes, in case a
      // busy machine makes the first one late.
      await expect
        .poll(
          async () => {
            const usage = await admin.get<{ products: string[]; points: { refused: number }[] }>('/usage?range=24h');
            return usage.products.includes('render-farm') && usage.points.some((p) => p.refused > 0);
          },
          { timeout: 75_000, intervals: [1_000] },
        )
        .toBe(true);
      await nav.getByRole('link', { name: 'Dashboard' }).click();
      await expect(page.getByRole('table', { name: 'Licenses at their limit' })).toContainText('Massive Dynamic');
      await expect(page.getByRole('img', { name: /Concurrent leases by product/ })).toContainText('render-farm');
      await saveScreenshot(page, 'dashboard');
    });
  });
});
