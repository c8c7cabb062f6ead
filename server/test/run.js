// Runs every *.test.ts under test/ with node's test runner and ends with one plain summary line,
// "N passed, N failed", that any CI can read.
// Usage: node test/run.js [--postgres] [filter...]
//   default:    every test on SQLite, except files marked @postgres-only
//   --postgres: every store-backed test again on PostgreSQL (LEASEHOLD_TEST_PG_URL), plus the
//               @postgres-only files; files marked @sqlite-only are left out.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const postgres = args.includes('--postgres');
const only = args.filter((a) => a !== '--postgres');
const marker = (file, name) => readFileSync(join(root, file), 'utf8').slice(0, 400).includes(`@${name}`);

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

const files = find(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .filter((f) => !marker(f, postgres ? 'sqlite-only' : 'postgres-only'))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'leasehold-tests-'));
const tap = join(tmp, 'report.tap');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ...(postgres ? { LEASEHOLD_TEST_DATABASE: 'postgres' } : {}) } },
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
