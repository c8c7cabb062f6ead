import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { blockingViolations, describeFindings, type Finding } from './axe.js';
import { expect, test, type AdminApi } from './fixtures.js';

/**
 * axe on every screen of the web app, in the light and the dark theme (the app follows the
 * operating system's), as an owner and as a viewer, with each dialog open in turn. A serious or
 * critical violation of WCAG 2.2 A or AA fails the test. The screens are listed by route; the list
 * is checked against web/src/App.tsx, so that a new route cannot go unchecked.
 */

interface Arranged {
  customerId: string;
  customerName: string;
  licenseId: string;
  key: string;
}

interface Screen {
  /** The route in web/src/App.tsx this screen is shown at. */
  route: string;
  name: string;
  /** Opens the screen (and the dialog it is about), ready to be checked. */
  open: (page: Page, data: Arranged) => Promise<void>;
  /** Only shown to owners (dialogs that change something, owner-only tabs). */
  ownerOnly?: boolean;
}

/** Nothing is loading and no transition (a dialog opening, a tab fading) is under way. */
async function settled(page: Page): Promise<void> {
  await expect(page.locator('.mantine-Loader-root')).toHaveCount(0);
  await expect(page.locator('.mantine-Skeleton-root')).toHaveCount(0);
  // Endless animations (a spinner in a button) never settle: only the finite ones are waited for.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity), null, { timeout: 15_000 });
}

async function visit(page: Page, path: string, heading: string | RegExp): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
  await settled(page);
}

async function dialog(page: Page, opener: () => Promise<void>, name: string | RegExp): Promise<void> {
  await opener();
  await expect(page.getByRole('dialog', { name })).toBeVisible();
  await settled(page);
}

const button = (page: Page, name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' }).first();

const SCREENS: Screen[] = [
  { route: '/', name: 'dashboard', open: (page) => visit(page, '/', 'Dashboard') },
  { route: '/customers', name: 'customers', open: (page) => visit(page, '/customers', 'Customers') },
  {
    route: '/customers',
    name: 'customers: new customer dialog',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/customers', 'Customers');
      await dialog(page, () => button(page, 'New customer').click(), 'New customer');
    },
  },
  {
    route: '/customers',
    name: 'customers: delete confirmation',
    ownerOnly: true,
    open: async (page, data) => {
      await visit(page, `/customers?q=${encodeURIComponent(data.customerName)}`, 'Customers');
      await dialog(page, () => button(page, `Delete ${data.customerName}`).click(), `Delete the customer ${data.customerName}?`);
    },
  },
  { route: '/customers/:id', name: 'customer', open: (page, data) => visit(page, `/customers/${data.customerId}`, data.customerName) },
  {
    route: '/customers/:id',
    name: 'customer: edit dialog',
    ownerOnly: true,
    open: async (page, data) => {
      await visit(page, `/customers/${data.customerId}`, data.customerName);
      await dialog(page, () => button(page, 'Edit').click(), `Edit ${data.customerName}`);
    },
  },
  { route: '/products', name: 'products', open: (page) => visit(page, '/products', 'Products') },
  {
    route: '/products',
    name: 'products: new product dialog',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/products', 'Products');
      await dialog(page, () => button(page, 'New product').click(), 'New product');
    },
  },
  {
    route: '/products',
    name: 'products: new feature dialog',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/products', 'Products');
      await dialog(page, () => button(page, 'Add feature to axe-suite').click(), 'New feature of axe-suite');
    },
  },
  {
    route: '/products',
    name: 'products: delete feature confirmation',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/products', 'Products');
      await dialog(page, () => button(page, 'Delete feature axe-suite/contrast').click(), 'Delete the feature axe-suite/contrast?');
    },
  },
  { route: '/licenses', name: 'licenses', open: (page) => visit(page, '/licenses', 'Licenses') },
  {
    route: '/licenses',
    name: 'licenses: delete confirmation',
    ownerOnly: true,
    open: async (page, data) => {
      await visit(page, '/licenses', 'Licenses');
      await dialog(page, () => button(page, `Delete license ${data.key}`).click(), /^Delete the license for /);
    },
  },
  { route: '/licenses/new', name: 'new license', ownerOnly: true, open: (page) => visit(page, '/licenses/new', 'New license') },
  {
    route: '/licenses/new',
    name: 'new license: date picker open',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/licenses/new', 'New license');
      await page.getByRole('textbox', { name: 'Expiry' }).click();
      await expect(page.locator('[data-dates-dropdown]')).toBeVisible();
      await settled(page);
    },
  },
  { route: '/licenses/:id', name: 'license', open: (page, data) => visit(page, `/licenses/${data.licenseId}`, /License/) },
  {
    route: '/licenses/:id',
    name: 'license: delete confirmation',
    ownerOnly: true,
    open: async (page, data) => {
      await visit(page, `/licenses/${data.licenseId}`, /License/);
      await dialog(page, () => button(page, 'Delete').click(), /^Delete the license for /);
    },
  },
  { route: '/licenses/:id/edit', name: 'edit license', ownerOnly: true, open: (page, data) => visit(page, `/licenses/${data.licenseId}/edit`, 'Edit license') },
  { route: '/settings', name: 'settings: organization', open: (page) => visit(page, '/settings', 'Settings') },
  {
    route: '/settings',
    name: 'settings: rotate key confirmation',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/settings', 'Settings');
      await dialog(page, () => button(page, /^Rotate/).click(), /Rotate/);
    },
  },
  { route: '/settings', name: 'settings: users', ownerOnly: true, open: (page) => visit(page, '/settings?tab=users', 'Settings') },
  {
    route: '/settings',
    name: 'settings: new user dialog',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/settings?tab=users', 'Settings');
      await dialog(page, () => button(page, 'New user').click(), 'New user');
    },
  },
  {
    route: '/settings',
    name: 'settings: reset password dialog',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/settings?tab=users', 'Settings');
      await dialog(page, () => button(page, 'Reset password of axe.viewer').click(), /Reset the password of axe.viewer/);
    },
  },
  { route: '/settings', name: 'settings: API tokens', ownerOnly: true, open: (page) => visit(page, '/settings?tab=tokens', 'Settings') },
  {
    route: '/settings',
    name: 'settings: new token secret dialog',
    ownerOnly: true,
    open: async (page) => {
      await visit(page, '/settings?tab=tokens', 'Settings');
      await dialog(page, () => button(page, 'New token').click(), 'New API token');
      const form = page.getByRole('dialog', { name: 'New API token' });
      await form.getByRole('textbox', { name: 'Name' }).fill('axe check');
      await form.getByRole('button', { name: 'Create token' }).click();
      await expect(page.getByRole('dialog', { name: 'Your new API token' })).toBeVisible();
      await settled(page);
    },
  },
  { route: '/settings', name: 'settings: password', open: (page) => visit(page, '/settings?tab=password', 'Settings') },
  { route: '/audit', name: 'audit log', open: (page) => visit(page, '/audit', 'Audit log') },
  { route: '*', name: 'page not found', open: (page) => visit(page, '/no/such/page', 'Page not found') },
];

/**
 * axe counts a page without an h1 as a moderate finding only; here every screen must have exactly
 * one, the page's title, which is also what focus moves to after a navigation.
 */
async function headingFindings(page: Page, screen: string): Promise<Finding[]> {
  const count = await page.locator('h1').count();
  return count === 1 ? [] : [{ screen, rule: 'exactly-one-h1', impact: 'serious', nodes: count, targets: [] }];
}

/** The routes web/src/App.tsx declares, as the screens above name them. */
function appRoutes(): string[] {
  const source = readFileSync(new URL('../../web/src/App.tsx', import.meta.url), 'utf8');
  const paths = [...source.matchAll(/<Route\s+path="([^"]+)"/g)].map((m) => (m[1] === '*' || m[1].startsWith('/') ? m[1] : `/${m[1]}`));
  if (/<Route\s+index\b/.test(source)) paths.push('/');
  return paths.sort();
}

test('the screens checked below cover every route of the web app', () => {
  const covered = new Set([...SCREENS.map((s) => s.route), '/login']);
  expect(appRoutes().filter((route) => !covered.has(route))).toEqual([]);
  expect([...covered].filter((route) => !appRoutes().includes(route))).toEqual([]);
});

async function arrange(admin: AdminApi): Promise<Arranged> {
  const product = await admin.product('axe-suite', 'Accessibility checks', ['contrast', 'landmarks']);
  const customer = await admin.customerNamed({ name: 'Axe Contrast Works', contactName: 'Ada Lovelace', contactEmail: 'ada@axe.example' });
  const existing = await admin.get<{ items: { id: string; keys: string[] }[] }>(`/licenses?customerId=${customer.id}`);
  const license =
    existing.items[0] ?? (await admin.license({ customerId: customer.id, featureIds: product.features.map((f) => f.id), leaseLimit: 3, expiry: new Date(Date.now() + 20 * 86_400_000).toISOString() }));
  const users = await admin.get<{ items: { username: string }[] }>('/users?limit=200');
  if (!users.items.some((u) => u.username === 'axe.viewer')) await admin.post('/users', { username: 'axe.viewer', displayName: 'Axe Viewer', role: 'viewer', password: VIEWER_PASSWORD });
  return { customerId: customer.id, customerName: customer.name, licenseId: license.id, key: license.keys[0] };
}

const VIEWER_PASSWORD = 'axe-viewer-password-1';

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`in the ${colorScheme} theme`, () => {
    // A control that is not there fails its screen in seconds, not at the test's end.
    test.use({ colorScheme, actionTimeout: 20_000 });

    test('the sign-in page has no serious or critical axe violation', async ({ page }) => {
      await page.goto('/login');
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      await settled(page);
      expect(describeFindings([...(await blockingViolations(page, 'sign in')), ...(await headingFindings(page, 'sign in'))])).toBe('');
    });

    for (const role of ['owner', 'viewer'] as const) {
      test(`every screen ${role === 'owner' ? 'and dialog ' : ''}has no serious or critical axe violation for ${role === 'owner' ? 'an owner' : 'a viewer'}`, async ({ page, admin, server }) => {
        test.setTimeout(600_000);
        const data = await arrange(admin);
        const response = await page.request.post('/api/v1/session', {
          data: role === 'owner' ? { username: server.username, password: server.password } : { username: 'axe.viewer', password: VIEWER_PASSWORD },
        });
        expect(response.ok()).toBe(true);
        const findings: Finding[] = [];
        for (const screen of SCREENS.filter((s) => role === 'owner' || !s.ownerOnly)) {
          await test.step(screen.name, async () => {
            // A screen that cannot be opened is a finding too, and the other screens are still checked.
            try {
              await screen.open(page, data);
            } catch (error) {
              findings.push({ screen: screen.name, rule: 'could-not-open', impact: 'critical', nodes: 0, targets: [String(error).split('\n')[0]] });
              return;
            }
            findings.push(...(await blockingViolations(page, screen.name)), ...(await headingFindings(page, screen.name)));
          });
        }
        expect(describeFindings(findings)).toBe('');
      });
    }
  });
}
