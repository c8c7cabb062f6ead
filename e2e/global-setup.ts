import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../server/test/processes.js';

export const STATE_FILE = fileURLToPath(new URL('./.server.json', import.meta.url));

/**
 * Starts `leasehold serve` on a new database and records its URL and first credentials for the
 * tests. Returns what stops it: Playwright calls that before global-teardown.ts, which then
 * removes the database's directory.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-e2e-'));
  const server = await serve(['--database', join(dir, 'e2e.db'), '--org-name', 'ACME Software']);
  const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(server.banner)![1];
  writeFileSync(
    STATE_FILE,
    JSON.stringify({
      pid: server.child.pid,
      dir,
      url: server.url,
      endpoint: field('licensing endpoint'),
      username: field('admin username'),
      password: field('admin password'),
      token: field('API token'),
    }),
  );
  return async () => {
    await server.stop();
  };
}
