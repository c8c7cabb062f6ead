// Refreshes the README's screenshots (docs/screenshots/): builds what is stale, then runs only the
// browser tests that take them, on a server of their own, so that what the other browser tests
// create (a 128-character key, throwaway customers) never shows up in the pictures.
// Usage: npm run screenshots
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const step = (command, args, env = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
step(process.execPath, ['scripts/build.mjs', '--if-stale', 'server']);
step(process.execPath, ['scripts/build.mjs', 'web']);
step(npm, ['test', '-w', 'e2e', '--', 'tests/journey.spec.ts', 'tests/screenshots.spec.ts'], { LEASEHOLD_UPDATE_SCREENSHOTS: '1' });
