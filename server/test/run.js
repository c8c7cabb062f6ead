// Builds the server when dist/ is stale (the CLI tests run bin/leasehold.js, which runs dist/), then
// runs every *.test.ts under test/ with node's test runner and ends with one plain summary line,
// "N passed, N failed", that any CI can read.
// Usage: node test/run.js [--postgres] [filter...]
//   default:    every test on SQLite, except files marked @postgres-only
//   --postgres: every store-backed test again on PostgreSQL (LEASEHOLD_TEST_PG_URL), plus the
//               @postgres-only files; files marked @sqlite-only are left out.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeTests } from '../../scripts/node-tests.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const postgres = args.includes('--postgres');
const only = args.filter((a) => a !== '--postgres');
const marker = (file, name) => readFileSync(join(root, file), 'utf8').slice(0, 400).includes(`@${name}`);

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
}

const files = find(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .filter((f) => !marker(f, postgres ? 'sqlite-only' : 'postgres-only'))
  .sort();
// On PostgreSQL the servers the tests start as processes share one key-encryption key, given here,
// rather than create the default key file ./data/leasehold.key in the working directory.
const postgresEnv = { LEASEHOLD_TEST_DATABASE: 'postgres', LEASEHOLD_SECRET_KEY: process.env.LEASEHOLD_SECRET_KEY || randomBytes(32).toString('base64url') };
const build = spawnSync(process.execPath, [join(root, '..', 'scripts', 'build.mjs'), '--if-stale', 'server'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
runNodeTests({ cwd: root, files, env: postgres ? postgresEnv : {} });
