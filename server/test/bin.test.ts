// @sqlite-only: the CLI entry point itself, whatever the database.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { VERSION } from '../src/app.js';

/*
 * bin/leasehold.js runs the compiled server in dist/ (test/run.js builds it when stale). These
 * tests run it from copies laid out as the installed package is: bin/, dist/ and web/, no sources.
 */
const SERVER = fileURLToPath(new URL('..', import.meta.url));
const ROOT_MODULES = join(SERVER, '..', 'node_modules');
/** What a running server must not need: the compilers, and the packages the build bundles into dist/vendor. */
const BUILD_ONLY = ['typescript', 'tsx', 'esbuild', 'kysely', 'typebox'];

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A package directory holding a copy of bin/ and, unless told otherwise, dist/, with node_modules lacking BUILD_ONLY. */
function packageCopy({ dist = true } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-bin-'));
  dirs.push(dir);
  cpSync(join(SERVER, 'bin'), join(dir, 'bin'), { recursive: true });
  if (dist) cpSync(join(SERVER, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'leasehold', type: 'module' }));
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(ROOT_MODULES).filter((n) => !n.startsWith('.') && !BUILD_ONLY.includes(n))) {
    symlinkSync(join(ROOT_MODULES, name), join(dir, 'node_modules', name));
  }
  return dir;
}

const leasehold = (dir: string, args: string[]) => promisify(execFile)(process.execPath, [join(dir, 'bin', 'leasehold.js'), ...args], { cwd: dir, timeout: 60_000 });

describe('the leasehold command', () => {
  it('runs the compiled server without the sources, a compiler, kysely or typebox installed', async () => {
    const dir = packageCopy();
    assert.equal((await leasehold(dir, ['--version'])).stdout.trim(), VERSION);
    // init opens and migrates a new database: the store and its migrations run from dist/.
    const { stdout } = await leasehold(dir, ['init', '--database', join(dir, 'data', 'leasehold.db'), '--org-name', 'From dist', '--json']);
    assert.match(JSON.parse(stdout).organizationId, /^[0-9a-f-]{36}$/);
  });

  it('serves the web app from the package web/ directory', async () => {
    const dir = packageCopy();
    mkdirSync(join(dir, 'web'));
    const page = '<!doctype html><title>the packaged web app</title>';
    writeFileSync(join(dir, 'web', 'index.html'), page);
    const child = spawn(process.execPath, [join(dir, 'bin', 'leasehold.js'), 'serve', '--database', join(dir, 'x.db'), '--port', '0', '--no-bootstrap', '--log-level', 'warn'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(output);
          if (m) resolve(m[1]!);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
      });
      const res = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), page);
      const route = await fetch(`${url}/licenses/123`, { headers: { accept: 'text/html' } });
      assert.equal(await route.text(), page, 'a client-side route gets index.html');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('without dist/ says in one line to run `npm run build`, and fails', async () => {
    const dir = packageCopy({ dist: false });
    const failure = await leasehold(dir, ['--version']).then(
      () => assert.fail('leasehold ran without dist/'),
      (error: unknown) => {
        // execFile rejects with the exit code and the output so far.
        assert.ok(error instanceof Error && 'code' in error && 'stdout' in error && 'stderr' in error, `not a failed run: ${String(error)}`);
        const { code, stdout, stderr } = error;
        assert.ok(typeof stdout === 'string' && typeof stderr === 'string', 'output as text');
        return { code, stdout, stderr };
      },
    );
    assert.equal(failure.code, 1);
    assert.equal(failure.stdout, '');
    assert.match(failure.stderr, /^leasehold: .*run `npm run build`.*\n$/);
    assert.equal(failure.stderr.split('\n').length, 2, 'one line');
  });
});
