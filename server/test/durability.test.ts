// @sqlite-only: counts the flushes to disk of a real SQLite server under strace.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, tempDir } from './helpers.js';
import { BIN, createLicenseOver, serve } from './processes.js';
import { waitUntil } from './wait.js';

const STRACE = '/usr/bin/strace';
const skip = existsSync(STRACE) ? false : 'needs strace (apt-get install strace)';
if (skip && process.env.CI) throw new Error(`cannot run the durability tests: ${skip}`);

/** A server on a new database, under strace, with every fsync and fdatasync of its threads written to a file. */
async function tracedServer(env: Record<string, string>) {
  const dir = tempDir();
  const database = join(dir, 'leasehold.db');
  const init = spawnSync(process.execPath, [BIN, 'init', '--database', database, '--org-name', 'Durable', '--json'], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const org = JSON.parse(init.stdout) as { organizationId: string; apiToken: string };
  const trace = join(dir, 'flushes.txt');
  // strace writes each line as the call happens, so the file can be counted while the server runs.
  // A group of its own: killing strace alone would leave the server running untraced, so the end
  // kills both at once.
  const server = await serve(['--database', database, '--no-bootstrap'], { env, wrapper: [STRACE, '-f', '-qq', '-e', 'trace=fsync,fdatasync', '-o', trace], ownGroup: true });
  const flushes = () => countFlushes(trace);
  const license = await createLicenseOver(server.url, org.apiToken, null);
  const obtain = async (clientId: string) => {
    const res = await fetch(`${server.url}/licensing/${org.organizationId}/lease/obtain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: license.key, clientId }),
    });
    return res.status;
  };
  const stop = async () => {
    await server.kill();
  };
  return { dir, server, stop, flushes, obtain };
}

const countFlushes = (trace: string) =>
  readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => /\b(fsync|fdatasync)\(/.test(line)).length;

/**
 * Traces this process's own flushes from now on; resolves once strace is attached (it has seen a
 * flush of a file of ours) and gives the count and a way to detach.
 */
async function traceThisProcess(dir: string) {
  const trace = join(dir, 'own-flushes.txt');
  const strace = spawn(STRACE, ['-qq', '-e', 'trace=fsync,fdatasync', '-o', trace, '-p', String(process.pid)], { stdio: 'ignore' });
  const marker = openSync(join(dir, 'marker'), 'w');
  try {
    await waitUntil('strace to attach', () => {
      fsyncSync(marker);
      return existsSync(trace) && countFlushes(trace) > 0;
    });
  } finally {
    closeSync(marker);
  }
  return {
    flushes: () => countFlushes(trace),
    detach: async () => {
      strace.kill('SIGTERM');
      if (strace.exitCode === null) await once(strace, 'exit');
    },
  };
}

describe('commits flushed to disk', { skip }, () => {
  const servers: { dir: string; stop: () => Promise<void> }[] = [];
  after(async () => {
    for (const { dir, stop } of servers) {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flushes every acknowledged write before answering it, by default', async () => {
    const traced = await tracedServer({});
    servers.push(traced);
    const before = traced.flushes();
    const writes = 30;
    for (let i = 0; i < writes; i++) assert.equal(await traced.obtain(`sequential-${i}`), 200);
    const flushed = traced.flushes() - before;
    assert.ok(flushed >= writes, `${flushed} flushes for ${writes} acknowledged commits`);
  });

  it('shares one flush among writes that arrive together (group commit)', async () => {
    // In this process, so that the writes provably arrive together: all are queued before the
    // first group starts (it waits for the event loop's next turn).
    const server = await startTestServer();
    const dir = tempDir();
    servers.push({ dir, stop: () => server.close() });
    const license = await createLicense(server, { leaseLimit: null });
    const client = licensingClient(server);
    const traced = await traceThisProcess(dir);
    try {
      const before = traced.flushes();
      const writes = 64;
      const answers = await Promise.all(Array.from({ length: writes }, (_, i) => client.obtain(license.key, { clientId: `burst-${i}` })));
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        Array(writes).fill(200),
      );
      const flushed = traced.flushes() - before;
      assert.ok(flushed >= 1 && flushed <= writes / 4, `${flushed} flushes for ${writes} simultaneous commits`);
    } finally {
      await traced.detach();
    }
  });

  it('flushes only at checkpoints with LEASEHOLD_SQLITE_SYNCHRONOUS=normal', async () => {
    const traced = await tracedServer({ LEASEHOLD_SQLITE_SYNCHRONOUS: 'normal' });
    servers.push(traced);
    const before = traced.flushes();
    const writes = 30;
    for (let i = 0; i < writes; i++) assert.equal(await traced.obtain(`normal-${i}`), 200);
    const flushed = traced.flushes() - before;
    assert.ok(flushed < writes / 2, `${flushed} flushes for ${writes} commits`);
  });
});
