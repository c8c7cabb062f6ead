import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from './helpers.js';
import { createTestSchema, TEST_DATABASE, type TestSchema } from './pg.js';
import { call, createLicenseOver, serve, type ServerProcess } from './processes.js';
import { waitUntil } from './wait.js';

/** The pids of a process's children. */
function childrenOf(pid: number): number[] {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}

describe(`leasehold serve --workers 3 (${TEST_DATABASE})`, () => {
  const dir = tempDir();
  let schema: TestSchema | undefined;
  let server: ServerProcess;
  let org: { organizationId: string; apiToken: string };

  before(async () => {
    schema = TEST_DATABASE === 'postgres' ? await createTestSchema() : undefined;
    // A group of its own: killing it at the end kills the workers with the primary.
    server = await serve(['--database', schema?.url ?? join(dir, 'workers.db'), '--workers', '3', '--org-name', 'Clustered'], { ownGroup: true });
    const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(server.output())?.[1];
    org = { organizationId: /licensing\/([0-9a-f-]{36})/.exec(server.output())![1]!, apiToken: field('API token')! };
  });

  after(async () => {
    await server?.kill();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs three worker processes and prints the first organization once', () => {
    const children = childrenOf(server.child.pid!);
    assert.equal(children.length, 3, `${server.output()}\n${spawnSync('ps', ['-o', 'pid,ppid,etime,args', '-p', children.join(',')], { encoding: 'utf8' }).stdout}`);
    assert.equal(server.output().match(/These secrets are shown only this once/g)?.length, 1, server.output());
    assert.match(server.output(), /listening on http:\/\/127\.0\.0\.1:\d+ .*3 workers/);
    assert.ok(server.output().includes(`licensing endpoint:  ${server.url}/licensing/`), 'the endpoint names the port the workers share');
  });

  it('holds the lease limit across the workers: 150 obtains at once on a limit of 6 give 6 leases', async () => {
    const license = await createLicenseOver(server.url, org.apiToken, 6);
    const endpoint = `${server.url}/licensing/${org.organizationId}`;
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => call(`${endpoint}/lease/obtain`, 'POST', { key: license.key, clientId: `c${i}` })));
    assert.deepEqual(
      answers.filter((a) => a.status !== 200 && a.status !== 409),
      [],
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 6);
    assert.equal((await call(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`)).body.leasesUsed, 6);
  });

  it('replaces a worker that dies, and stops every worker on SIGTERM with exit code 0', async () => {
    const [victim] = childrenOf(server.child.pid!);
    process.kill(victim!, 'SIGKILL');
    await waitUntil(
      'a replacement worker',
      () => {
        const workers = childrenOf(server.child.pid!);
        return workers.length === 3 && !workers.includes(victim!);
      },
      { intervalMs: 100, diagnostics: () => server.output() },
    );
    // A pooled connection to the killed worker may fail once; after that, every request is served.
    await waitUntil('the server to answer again', async () => (await call(`${server.url}/healthz`).catch(() => ({ status: 0 }))).status === 200, { diagnostics: () => server.output() });
    for (let i = 0; i < 10; i++) assert.equal((await call(`${server.url}/healthz`)).status, 200);
    const workers = childrenOf(server.child.pid!);
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null }, server.output());
    assert.deepEqual(
      workers.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      }),
      [],
      'no worker is left running',
    );
  });
});
