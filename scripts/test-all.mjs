// Runs every test suite of the repository and ends with one plain line: "N passed, N failed, N skipped".
//   server:   node's test runner on SQLite (unit, HTTP, concurrency, multi-process, CLI)
//   postgres: the same store-backed tests on PostgreSQL, plus the multi-instance, outage and nginx tests
//             (LEASEHOLD_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test; with CI set,
//             a PostgreSQL that cannot be reached fails the run instead of skipping those tests)
//   client:   the client library against real servers (node's test runner)
//   web:      vitest component tests
//   e2e:      Playwright in Debian's Chromium against a real server and the built web app
// Usage: node scripts/test-all.mjs [server] [postgres] [client] [web] [e2e]   (default: all five)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const wanted = process.argv.slice(2);
const suites = wanted.length > 0 ? wanted : ['server', 'postgres', 'client', 'web', 'e2e'];
const tmp = mkdtempSync(join(tmpdir(), 'leasehold-test-all-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, env = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

function add(name, passed, failed, skipped, status) {
  // A suite that exited non-zero without reporting a failure (a crash, a setup error) counts as one.
  if (status !== 0 && failed === 0) failed = 1;
  console.log(`${name}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
}

/**
 * Installs a Debian package when its program is missing and we may (root, apt-get): Chromium for
 * the browser tests (nothing downloads a browser), nginx for the deployment test, strace for the
 * durability test.
 */
function ensurePackage(program, pkg, purpose) {
  if (existsSync(program)) return true;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(`${purpose} need ${program}: install Debian's "${pkg}" package (apt-get install ${pkg}).`);
    return false;
  }
  console.log(`Installing Debian's ${pkg} package for ${purpose}...`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  let result = run('apt-get', ['install', '-y', '-q', pkg], env);
  if (result.status !== 0) {
    run('apt-get', ['update', '-q'], env);
    result = run('apt-get', ['install', '-y', '-q', pkg], env);
  }
  return result.status === 0 && existsSync(program);
}

/** A workspace whose test script is node's test runner behind a plain summary line. */
function nodeSuite(name, workspace, args) {
  console.log(`\n$ npm test -w ${workspace} -- ${args.join(' ')}`);
  const result = spawnSync(npm, ['test', '-w', workspace, '--', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? '');
  const m = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(result.stdout ?? '');
  add(name, Number(m?.[1] ?? 0), Number(m?.[2] ?? 0), Number(m?.[3] ?? 0), result.status);
}

// What the suites run, built first: the server's dist/ for every test that starts bin/leasehold.js
// (when stale, as server/test/run.js also does), the web app for the packing test (when stale) and
// for the browser tests (always, so that they test the current sources).
const builds = [];
if (['server', 'postgres', 'e2e'].some((s) => suites.includes(s))) builds.push(['--if-stale', 'server']);
if (suites.includes('e2e')) builds.push(['web']);
else if (suites.includes('server')) builds.push(['--if-stale', 'web']);
const built = builds.every((args) => run(process.execPath, ['scripts/build.mjs', ...args]).status === 0);
if (!built) add('build', 0, 1, 0, 1);

if (suites.includes('server')) {
  // Without strace the durability test (flushes to disk) skips, or fails where CI is set.
  ensurePackage('/usr/bin/strace', 'strace', 'the durability tests');
  nodeSuite('server', 'server', []);
}
if (suites.includes('postgres')) {
  // Without nginx the deployment test skips, or fails where CI is set.
  ensurePackage('/usr/sbin/nginx', 'nginx-light', 'the deployment tests');
  nodeSuite('postgres', 'server', ['--postgres']);
}

if (suites.includes('client')) nodeSuite('client', 'client', []);

if (suites.includes('web')) {
  const report = join(tmp, 'vitest.json');
  const result = run(npm, ['test', '-w', 'web', '--', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const json = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : {};
  add('web', json.numPassedTests ?? 0, json.numFailedTests ?? 0, (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0), result.status);
}

if (suites.includes('e2e')) {
  if (!ensurePackage('/usr/bin/chromium', 'chromium', 'the browser tests')) {
    add('e2e', 0, 1, 0, 1);
  } else if (built) {
    // (A failed build has been counted once already.)
    const report = join(tmp, 'playwright.json');
    const result = run(npm, ['test', '-w', 'e2e'], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
    const stats = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')).stats ?? {}) : {};
    add('e2e', (stats.expected ?? 0) + (stats.flaky ?? 0), stats.unexpected ?? 0, stats.skipped ?? 0, result.status);
  }
}

rmSync(tmp, { recursive: true, force: true });
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
