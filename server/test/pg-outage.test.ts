// @postgres-only: stops and starts a PostgreSQL server of its own while Leasehold runs on it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REQUIRE_PG } from './pg.js';
import { BIN, call, createLicenseOver, freePort, serve, type ServerProcess } from './processes.js';
import { waitUntil } from './wait.js';

// A private cluster, so that stopping it disturbs no other test; the shared one keeps running.
const PG_BIN = '/usr/lib/postgresql/15/bin';
const canRun = existsSync(`${PG_BIN}/initdb`) && process.getuid?.() === 0 && spawnSync('id', ['postgres']).status === 0;
const skip = canRun ? false : 'needs PostgreSQL 15 server binaries and root (to run them as the postgres user)';
if (skip && REQUIRE_PG) throw new Error(`cannot run the PostgreSQL outage test: ${skip}`);

function asPostgres(command: string, args: string[]): void {
  const result = spawnSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/${command}`, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stdout}${result.stderr}`);
}

describe('PostgreSQL stops and starts again under a running server', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-pg-outage-'));
  const data = join(dir, 'data');
  let port: number;
  let server: ServerProcess | undefined;
  const pgCtl = (action: 'start' | 'stop', settings = '') =>
    asPostgres(
      'pg_ctl',
      action === 'start'
        ? ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off ${settings}`, 'start']
        : ['-D', data, '-m', 'fast', '-w', 'stop'],
    );

  before(async () => {
    chmodSync(dir, 0o755);
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout));
    asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    port = await freePort();
    pgCtl('start');
  });

  after(async () => {
    await server?.stop('SIGKILL');
    try {
      pgCtl('stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while the database is down, and serves again once it is back, without a restart', async () => {
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const init = spawnSync(process.execPath, [BIN, 'init', '--database', url, '--org-name', 'Outage', '--json'], { encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    const org = JSON.parse(init.stdout) as { organizationId: string; apiToken: string };
    server = await serve(['--database', url, '--no-bootstrap'], { env: { LEASEHOLD_PG_CONNECT_TIMEOUT_MS: '1000' } });
    const endpoint = `${server.url}/licensing/${org.organizationId}`;
    const license = await createLicenseOver(server.url, org.apiToken, 2);
    const held = await call(`${endpoint}/lease/obtain`, 'POST', { key: license.key, clientId: 'before' });
    assert.equal(held.status, 200);

    pgCtl('stop');
    const obtain = await fetch(`${endpoint}/lease/obtain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: license.key, clientId: 'during' }) });
    assert.equal(obtain.status, 503, await obtain.clone().text());
    assert.ok(Number(obtain.headers.get('retry-after')) > 0, 'Retry-After tells the client when to try again');
    assert.equal(((await obtain.json()) as { success: boolean }).success, false);
    assert.equal((await call(`${endpoint}/lease/validate?lease=${encodeURIComponent(held.body.lease)}`)).status, 503);
    const admin = await call(`${server.url}/api/v1/customers`, 'GET', undefined, org.apiToken);
    assert.equal(admin.status, 503);
    assert.equal(admin.body.error.code, 'UNAVAILABLE');
    assert.equal((await call(`${server.url}/healthz`)).status, 503);
    assert.equal((await call(`${server.url}/readyz`)).status, 503);
    assert.equal(server.child.exitCode, null, 'the server keeps running');

    pgCtl('start');
    const healthy = (running: ServerProcess) =>
      waitUntil('the server to find the database again', async () => (await call(`${running.url}/healthz`)).status === 200, { intervalMs: 100, diagnostics: () => running.output() });
    await healthy(server);
    assert.equal((await call(`${endpoint}/lease/validate?lease=${encodeURIComponent(held.body.lease)}`)).body.isValid, true, 'the lease from before the outage is intact');
    const after = await call(`${endpoint}/lease/obtain`, 'POST', { key: license.key, clientId: 'after' });
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.equal((await call(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`)).body.leasesUsed, 2, 'nothing was taken during the outage');
    assert.equal((await call(`${server.url}/readyz`)).status, 200);

    // A database that answers but refuses writes (a primary turned standby, read-only by setting):
    // 25006 read_only_sql_transaction is a storage fault, not a request's error.
    const restart = async (settings: string) => {
      pgCtl('stop');
      pgCtl('start', settings);
      await healthy(server!);
    };
    await restart('-c default_transaction_read_only=on');
    const readOnly = await fetch(`${endpoint}/lease/obtain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: license.key, clientId: 'read-only' }) });
    assert.equal(readOnly.status, 503, await readOnly.clone().text());
    assert.ok(Number(readOnly.headers.get('retry-after')) > 0);
    const refusedAdmin = await call(`${server.url}/api/v1/customers`, 'POST', { name: 'Read-only' }, org.apiToken);
    assert.equal(refusedAdmin.status, 503);
    assert.equal(refusedAdmin.body.error.code, 'UNAVAILABLE');
    assert.equal((await call(`${server.url}/readyz`)).status, 503, 'readiness sees that writes fail');
    await restart('');
    assert.equal((await call(`${server.url}/readyz`)).status, 200);
    assert.equal((await call(`${endpoint}/lease/obtain`, 'POST', { key: license.key, clientId: 'after' })).status, 200, 'a client renews its seat');
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null }, server.output());
    server = undefined;
  });
});
