// Builds the package when src/ changed, runs every *.test.ts under test/ with node's test runner
// (through tsx), and ends with one plain summary line, "N passed, N failed, N skipped".
// Usage: node test/run.js [filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeTests } from '../../scripts/node-tests.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const files = readdirSync(join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .map((f) => join('test', f));
// The test servers run on SQLite: what the client sees does not depend on the server's database.
runNodeTests({ cwd: root, files, env: { LEASEHOLD_TEST_DATABASE: 'sqlite' } });
