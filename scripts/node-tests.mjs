// Runs test files with node's test runner (through tsx), the spec report on stdout, and ends with
// one plain summary line, "N passed, N failed, N skipped", that any CI can read; then exits with
// the run's outcome. Shared by server/test/run.js and client/test/run.js.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `files` (relative to `cwd`) with `env` added to this process's environment. */
export function runNodeTests({ cwd, files, env = {} }) {
  if (files.length === 0) {
    console.error('no test files found');
    process.exit(1);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'leasehold-tests-'));
  const tap = join(tmp, 'report.tap');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { cwd, stdio: 'inherit', env: { ...process.env, ...env } },
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
}
