import { test as base, expect, request as requestFactory, type APIRequestContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerState {
  url: string;
  endpoint: string;
  username: string;
  password: string;
  token: string;
}

const STATE_FILE = fileURLToPath(new URL('../.server.json', import.meta.url));
/**
 * Where screenshots go: the documentation's own copies only when asked (`npm run screenshots`, which
 * sets LEASEHOLD_UPDATE_SCREENSHOTS=1), so that running the tests never changes a tracked file;
 * otherwise the ignored test-results folder, where they can still be looked at.
 */
export const SCREENSHOTS = fileURLToPath(new URL(process.env.LEASEHOLD_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../test-results/screenshots/', import.meta.url));

/** The admin API under /api/v1 with the first API token (owner): for arranging data, never for what a test checks in the UI. */
export class AdminApi {
  constructor(
    private readonly request: APIRequestContext,
    private readonly server: ServerState,
  ) {}

  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, data?: unknown): Promise<T> {
    const response = await this.request.fetch(`${this.server.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.server.token}` },
      data,
    });
    const text = await response.text();
    if (!response.ok()) throw new Error(`${method} ${path} answered ${response.status()}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, data?: unknown): Promise<T> {
    return this.call<T>('POST', path, data);
  }

  /** The product of that name, created (with these features) when it does not exist yet. */
  async product(name: string, description: string, features: string[]): Promise<{ id: string; name: string; features: { id: string; name: string }[] }> {
    const found = await this.get<{ items: { id: string; name: string }[] }>(`/products?q=${encodeURIComponent(name)}&limit=200`);
    const product = found.items.find((p) => p.name === name) ?? (await this.post<{ id: string; name: string }>('/products', { name, description }));
    const existing = await this.get<{ items: { id: string; name: string }[] }>(`/products/${product.id}/features?limit=200`);
    const all = [...existing.items];
    for (const feature of features) {
      if (!all.some((f) => f.name === feature)) all.push(await this.post<{ id: string; name: string }>(`/products/${product.id}/features`, { name: feature }));
    }
    return { ...product, features: all.filter((f) => features.includes(f.name)) };
  }

  customer(body: { name: string; contactName?: string; contactEmail?: string; phone?: string; comment?: string }): Promise<{ id: string; name: string }> {
    return this.post('/customers', body);
  }

  /** The customer of that name, created when there is none yet. */
  async customerNamed(body: { name: string; contactName?: string; contactEmail?: string; phone?: string; comment?: string }): Promise<{ id: string; name: string }> {
    const found = await this.get<{ items: { id: string; name: string }[] }>(`/customers?q=${encodeURIComponent(body.name)}&limit=200`);
    return found.items.find((c) => c.name === body.name) ?? this.customer(body);
  }

  license(body: { customerId: string; featureIds: string[]; leaseLimit?: number | null; expiry?: string | null; keys?: string[]; comment?: string }): Promise<{ id: string; keys: string[] }> {
    return this.post('/licenses', body);
  }
}

/** The licensing API of the first organization, as an application calls it. */
export class Licensing {
  constructor(
    private readonly request: APIRequestContext,
    private readonly server: ServerState,
  ) {}

  async obtain(key: string, clientId?: string): Promise<{ success: boolean; errorCode: string | null; lease: string | null; expiry: string | null }> {
    const response = await this.request.post(`${this.server.endpoint}/lease/obtain`, { data: clientId === undefined ? { key } : { key, clientId } });
    return response.json();
  }

  async validate(lease: string): Promise<{ isValid: boolean; errorCode: string | null }> {
    const response = await this.request.get(`${this.server.endpoint}/lease/validate`, { params: { lease } });
    return response.json();
  }
}

const readState = () => JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ServerState;

type StorageState = Exclude<BrowserContextOptions['storageState'], string | undefined>;

export const test = base.extend<{ server: ServerState; admin: AdminApi; licensing: Licensing; pageErrors: void }, { ownerSession: StorageState }>({
  server: async ({}, use) => use(readState()),
  baseURL: async ({ server }, use) => use(server.url),
  admin: async ({ request, server }, use) => use(new AdminApi(request, server)),
  licensing: async ({ request, server }, use) => use(new Licensing(request, server)),
  // Every test fails on an uncaught error in the page or an error the app logs (answers with an
  // error status, which the browser reports too, are what some tests are about: not those).
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      // The server's Content-Security-Policy is in force (Playwright does not bypass it): anything
      // it blocks is reported to the console as an error, and so fails the test.
      await page.addInitScript(() =>
        document.addEventListener('securitypolicyviolation', (event) => console.error(`Content-Security-Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`)),
      );
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console: ${message.text()}`);
      });
      await use();
      expect(errors, 'errors in the page').toEqual([]);
    },
    { auto: true },
  ],
  // The first owner's session cookie, signed in once per worker through the API (a sign-in costs
  // about two seconds of password hashing): for tests that are not about signing in.
  ownerSession: [
    async ({}, use) => {
      const server = readState();
      const context = await requestFactory.newContext({ baseURL: server.url });
      const response = await context.post('/api/v1/session', { data: { username: server.username, password: server.password } });
      if (!response.ok()) throw new Error(`could not sign in: ${response.status()} ${await response.text()}`);
      const state = await context.storageState();
      await context.dispose();
      await use(state);
    },
    { scope: 'worker' },
  ],
});

export { expect };

/** Signs in through the sign-in screen. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username', { exact: true }).fill(username);
  // exact: the show/hide button is labelled "Toggle password visibility".
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}

/**
 * Saves docs/screenshots/<name>.png: the viewport (not the full page), without the toasts that
 * come and go and without running animations, once nothing is loading any more.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Away from whatever was clicked last, so that nothing shows a hover state.
  await page.mouse.move(700, 28);
  await expect(page.locator('.mantine-Loader-root')).toHaveCount(0);
  await expect(page.locator('.mantine-Skeleton-root')).toHaveCount(0);
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
    style: '.mantine-Notifications-root, .mantine-Tooltip-tooltip { display: none !important; }',
  });
}
