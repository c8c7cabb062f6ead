// @sqlite-only: the packages as users install them, whatever the database.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * `npm pack` of the server and of the client, each tarball installed into an empty directory as a
 * user would, then run from there. Installing builds better-sqlite3 from source, which takes
 * minutes. Where npm cannot install (no registry, no compiler), the test is skipped, except in CI.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_TIMEOUT_MS = 20 * 60_000;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const dirs: string[] = [];
const temp = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `leasehold-pack-${name}-`));
  dirs.push(dir);
  return dir;
};

/**
 * The environment without what `npm test` tells its scripts: npm in a child would otherwise install
 * into this checkout (npm_config_local_prefix) or act on its workspaces.
 */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(package_|lifecycle_|command$|config_(local_prefix|workspaces?|include_workspace_root)$)/i.test(key)));

const exec = async (command: string, args: string[], cwd: string, timeout = 5 * 60_000) => {
  const { stdout } = await promisify(execFile)(command, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
};

/** Packs the workspace at `dir` (running its prepack) and returns the tarball's path. */
async function pack(dir: string, name: string): Promise<string> {
  const destination = temp(`${name}-tgz`);
  await exec(npm, ['pack', '--pack-destination', destination], join(ROOT, dir), 15 * 60_000);
  const [tarball, ...others] = readdirSync(destination).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `npm pack wrote a tarball for ${dir}`);
  assert.deepEqual(others, []);
  return join(destination, tarball);
}

/** Installs `tarball` into a new empty directory; undefined (the test skipped) where npm cannot, outside CI. */
async function install(t: TestContext, tarball: string, name: string): Promise<string | undefined> {
  const dir = temp(name);
  try {
    await exec(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], dir, INSTALL_TIMEOUT_MS);
  } catch (error) {
    const reason = `npm could not install ${tarball}: ${(error as { stderr?: string }).stderr || (error as Error).message}`;
    if (process.env.CI) throw new Error(reason);
    t.skip(reason);
    return undefined;
  }
  return dir;
}

/** `npx leasehold serve` in `dir`, in a process group of its own: npx does not pass signals on. */
async function serve(dir: string, database: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(npx, ['leasehold', 'serve', '--database', database, '--port', '0', '--no-bootstrap', '--log-level', 'warn'], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const group = -child.pid!;
  const alive = () => {
    try {
      process.kill(group, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (!alive()) return;
    process.kill(group, 'SIGTERM');
    await exited;
    // The server itself drains and exits after npx; it gets 15 s before it is killed.
    for (let waited = 0; alive() && waited < 15_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    if (alive()) process.kill(group, 'SIGKILL');
  };
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the installed server did not start:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the installed server exited with ${code}:\n${output}`));
      });
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

describe('the packed packages, installed into an empty directory', { timeout: 40 * 60_000 }, () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('the client: imports as an ES module and with require()', async (t) => {
    const dir = await install(t, await pack('client', 'client'), 'client');
    if (!dir) return;
    const installed = join(dir, 'node_modules', '@leasehold', 'client');
    assert.ok(!existsSync(join(installed, 'src')) && !existsSync(join(installed, 'test')), 'only the build is published');
    const probe = "console.log(typeof M.LicenseClient, typeof new M.LicenseClient({ endpoint: 'https://x.test/licensing/o' }).keeper().start, typeof M.verifyLease)";
    const esm = await exec(process.execPath, ['--input-type=module', '-e', `import * as M from '@leasehold/client'; ${probe}`], dir);
    const cjs = await exec(process.execPath, ['-e', `const M = require('@leasehold/client'); ${probe}`], dir);
    assert.equal(esm.trim(), 'function function function');
    assert.equal(cjs.trim(), 'function function function');
  });

  it('the server: `npx leasehold init` and `serve` answer /healthz, the web app at / and the licensing API', async (t) => {
    const tarball = await pack('server', 'server');
    assert.ok(!existsSync(join(ROOT, 'server', 'web')), 'packing leaves no copy of the web app in the checkout');
    const dir = await install(t, tarball, 'server');
    if (!dir) return;
    const installed = join(dir, 'node_modules', 'leasehold');
    assert.ok(!existsSync(join(installed, 'src')), 'no TypeScript sources are published');
    assert.deepEqual(
      readdirSync(join(installed, 'web'), { recursive: true }).filter((f) => String(f).endsWith('.map')),
      [],
      'the web app is published without its source maps',
    );

    const database = join(dir, 'data', 'leasehold.db');
    const init = JSON.parse(await exec(npx, ['leasehold', 'init', '--database', database, '--org-name', 'Packed', '--json'], dir));
    const server = await serve(dir, database);
    try {
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });

      const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.equal(html, readFileSync(join(installed, 'web', 'index.html'), 'utf8'));
      const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, 'index.html loads the app');
      const asset = await fetch(`${server.url}${script}`);
      assert.equal(asset.status, 200);
      assert.match(asset.headers.get('content-type') ?? '', /javascript/);

      // A license made with the API token that init printed, then checked as an application does.
      const api = async (path: string, body: unknown) => {
        const res = await fetch(`${server.url}/api/v1${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${init.apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 201, `POST ${path}: ${res.status}`);
        return (await res.json()) as { id: string; keys: string[] };
      };
      const product = await api('/products', { name: 'editor' });
      const feature = await api(`/products/${product.id}/features`, { name: 'export' });
      const customer = await api('/customers', { name: 'ACME' });
      const license = await api('/licenses', { customerId: customer.id, featureIds: [feature.id], leaseLimit: 2 });
      const endpoint = `${server.url}/licensing/${init.organizationId}`;
      const validated = await (await fetch(`${endpoint}/key/validate?key=${encodeURIComponent(license.keys[0]!)}`)).json();
      assert.equal(validated.isValid, true);
      assert.equal(validated.leasesUsed, 0);
      const unknown = await (await fetch(`${endpoint}/key/validate?key=NOT-A-KEY`)).json();
      assert.equal(unknown.errorCode, 'KEY_INVALID');
      const pem = await fetch(`${endpoint}/signature.pem`);
      assert.equal(pem.status, 200);
      assert.match(await pem.text(), /^-----BEGIN PUBLIC KEY-----/);
    } finally {
      await server.stop();
    }
  });
});
