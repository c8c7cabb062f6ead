// @sqlite-only: fills and write-protects real filesystems under a running server (mount needs root).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, call, createLicenseOver, serve, type ServerProcess } from './processes.js';

/** Why mounting a filesystem is impossible here, or undefined when it works; with CI set, it must. */
function mountUnavailable(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-mount-probe-'));
  try {
    const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
    if (result.status !== 0) return `cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): ${result.stderr || result.error?.message}`;
    spawnSync('umount', [dir]);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const skip = mountUnavailable() ?? false;
if (skip && process.env.CI) throw new Error(`cannot run the storage fault tests: ${skip}`);

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
}

/** A small tmpfs of its own, with an organization created in a database on it. */
function setUp(sizeMiB: number) {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-faults-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir]);
  const database = join(dir, 'leasehold.db');
  const init = spawnSync(process.execPath, [BIN, 'init', '--database', database, '--org-name', 'Faults', '--json'], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const org = JSON.parse(init.stdout) as { organizationId: string; apiToken: string };
  return { dir, database, org };
}

async function obtain(endpoint: string, key: string, clientId: string) {
  const res = await fetch(`${endpoint}/lease/obtain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, clientId }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { success: boolean; lease?: string; errorCode: string | null } };
}

async function createCustomer(url: string, token: string, name: string) {
  const res = await fetch(`${url}/api/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } } };
}

const ready = async (url: string) => (await fetch(`${url}/readyz`)).status;

describe('storage faults under a running server', { skip }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a full disk answers 503 with Retry-After on both APIs and fails /readyz; freeing space resumes writes in the same process', async () => {
    const { dir, database, org } = setUp(8);
    let server: ServerProcess | undefined;
    cleanups.push(async () => {
      await server?.stop('SIGKILL');
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    server = await serve(['--database', database, '--no-bootstrap']);
    const endpoint = `${server.url}/licensing/${org.organizationId}`;
    const license = await createLicenseOver(server.url, org.apiToken, null);
    assert.equal((await obtain(endpoint, license.key, 'before')).status, 200);
    assert.equal(await ready(server.url), 200);

    // dd stops at the first write that finds no space: the filesystem is then full to the byte.
    spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=64k'], { encoding: 'utf8' });
    const refused = await obtain(endpoint, license.key, 'during');
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.ok(Number(refused.retryAfter) > 0, 'Retry-After tells the client when to try again');
    assert.equal(refused.body.success, false);
    assert.equal(refused.body.errorCode, null);
    const admin = await createCustomer(server.url, org.apiToken, 'Full');
    assert.equal(admin.status, 503);
    assert.ok(Number(admin.retryAfter) > 0);
    assert.equal(admin.body.error?.code, 'UNAVAILABLE');
    assert.equal(await ready(server.url), 503, 'readiness reports that writes fail');
    assert.equal((await call(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`)).status, 200, 'reads go on');

    rmSync(join(dir, 'filler'));
    assert.equal(await ready(server.url), 200);
    assert.equal((await obtain(endpoint, license.key, 'after')).status, 200);
    assert.equal((await createCustomer(server.url, org.apiToken, 'Room again')).status, 201);
    const validated = await call(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`);
    assert.equal(validated.body.leasesUsed, 2, 'the lease refused while the disk was full was not recorded');
    assert.equal(server.child.exitCode, null, 'the server kept running');
  });

  it('a read-only database file answers 503 and fails /readyz; once writable, writes resume without a restart', async () => {
    const { dir, database, org } = setUp(16);
    let server: ServerProcess | undefined;
    let bound = false;
    cleanups.push(async () => {
      await server?.stop('SIGKILL');
      if (bound) spawnSync('umount', [database]);
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const first = await serve(['--database', database, '--no-bootstrap']);
    const license = await createLicenseOver(first.url, org.apiToken, 3);
    assert.deepEqual(await first.stop(), { code: 0, signal: null });

    // The file alone becomes read-only (its directory stays writable), as with a file mode or a
    // read-only bind mount: SQLite then opens it read-only without a word.
    run('mount', ['--bind', database, database]);
    bound = true;
    run('mount', ['-o', 'remount,ro,bind', database]);
    server = await serve(['--database', database, '--no-bootstrap']);
    const endpoint = `${server.url}/licensing/${org.organizationId}`;
    const refused = await obtain(endpoint, license.key, 'read-only');
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.ok(Number(refused.retryAfter) > 0);
    const admin = await createCustomer(server.url, org.apiToken, 'Read-only');
    assert.equal(admin.status, 503);
    assert.equal(admin.body.error?.code, 'UNAVAILABLE');
    assert.equal(await ready(server.url), 503);
    assert.equal((await call(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`)).status, 200, 'reads go on');

    run('mount', ['-o', 'remount,rw,bind', database]);
    const granted = await obtain(endpoint, license.key, 'writable');
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(await ready(server.url), 200);
    assert.equal((await createCustomer(server.url, org.apiToken, 'Writable')).status, 201);
    assert.equal(server.child.exitCode, null, 'the server kept running');
  });
});
