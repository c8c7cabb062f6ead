// Builds the package when src/ changed, runs every *.test.ts under test/ with node's test runner
// (through tsx), and ends with one plain summary line, "N passed, N failed, N skipped".
// Usage: node test/run.js [filter...]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'leasehold-client-tests-'));
const tap = join(tmp, 'report.tap');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  // The test servers run on SQLite: what the client sees does not depend on the server's database.
  { cwd: root, stdio: 'inherit', env: { ...process.env, LEASEHOLD_TEST_DATABASE: 'sqlite' } },
);
child.on('exit', (code, signal) => {
  const report = readFileSync(tap, 'utf8');
  const count = (name) => Number([...report.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].pop()?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  rmSync(tmp, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed, ${count('skipped')} skipped`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : signal ? 1 : code || 1);
});
