import type { CDPSession, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

/** What the sign-in page may weigh on the wire, all of it: page, scripts, styles, icon and API calls. */
const LOGIN_BUDGET = 250 * 1024;

interface Transfer {
  url: string;
  /** Bytes received for it, headers included, as Chromium counted them; 0 when it came from the cache. */
  bytes: number;
  encoding: string | undefined;
  type: string;
  fromCache: boolean;
}

/** Records every response of the page as Chromium's network layer saw it (DevTools protocol), compressed sizes included. */
async function recordTransfers(page: Page): Promise<{ transfers: Transfer[]; cdp: CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  const responses = new Map<string, Omit<Transfer, 'bytes'>>();
  const transfers: Transfer[] = [];
  // Chromium tells of a memory-cache hit before the response, so it is remembered by request.
  const cached = new Set<string>();
  cdp.on('Network.responseReceived', ({ requestId, response, type }) => {
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    responses.set(requestId, { url: response.url, encoding: headers['content-encoding'], type, fromCache: Boolean(response.fromDiskCache || response.fromPrefetchCache) });
  });
  cdp.on('Network.requestServedFromCache', ({ requestId }) => {
    cached.add(requestId);
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const seen = responses.get(requestId);
    if (seen) transfers.push({ ...seen, fromCache: seen.fromCache || cached.has(requestId), bytes: encodedDataLength });
  });
  await cdp.send('Network.enable');
  return { transfers, cdp };
}

async function openSignIn(page: Page): Promise<void> {
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  // Everything the page asked for has arrived (lazy chunks included), so the sum is the whole page.
  await page.waitForLoadState('networkidle');
}

const describe = (transfers: Transfer[]) => transfers.map((t) => `${t.bytes} B ${t.encoding ?? 'identity'} ${t.fromCache ? '(cache) ' : ''}${new URL(t.url).pathname}`).join('\n');

test('the sign-in page transfers under 250 KiB, its scripts and styles compressed', async ({ page }) => {
  const { transfers } = await recordTransfers(page);
  await openSignIn(page);

  const scriptsAndStyles = transfers.filter((t) => t.type === 'Script' || t.type === 'Stylesheet');
  expect(scriptsAndStyles.length, describe(transfers)).toBeGreaterThan(0);
  for (const t of [...scriptsAndStyles, ...transfers.filter((t) => t.type === 'Document')]) {
    expect(t.encoding, `${t.url} is sent compressed\n${describe(transfers)}`).toBe('br');
  }
  const total = transfers.reduce((sum, t) => sum + t.bytes, 0);
  expect(total, `the sign-in page's transfers:\n${describe(transfers)}`).toBeLessThan(LOGIN_BUDGET);
  test.info().annotations.push({ type: 'login page bytes', description: `${total} bytes in ${transfers.length} responses\n${describe(transfers)}` });
});

test('a second visit takes the hashed scripts and styles from the cache and fetches only the page', async ({ page }) => {
  await openSignIn(page);
  const { transfers } = await recordTransfers(page);
  await openSignIn(page);

  const assets = transfers.filter((t) => new URL(t.url).pathname.startsWith('/assets/'));
  expect(assets.length, describe(transfers)).toBeGreaterThan(0);
  for (const t of assets) expect(t.fromCache, `${t.url} from the cache\n${describe(transfers)}`).toBe(true);
  const fromServer = transfers.filter((t) => !t.fromCache && t.type === 'Document');
  expect(fromServer.map((t) => new URL(t.url).pathname)).toEqual(['/login']);
});
