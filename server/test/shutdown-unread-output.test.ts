// @sqlite-only: runs the CLI server with outputs that nobody reads.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from './helpers.js';
import { BIN, freePort } from './processes.js';

/** Resolves with how the process ended, or undefined when it is still running after `ms`. */
async function exitWithin(child: ChildProcess, ms: number) {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('SIGTERM when nobody reads the server’s output', () => {
  const dir = tempDir();
  const children: ChildProcess[] = [];
  after(() => {
    // A server that hung: end it with its workers (its own process group).
    for (const child of children) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const workers of [1, 2]) {
    it(`still exits once the output pipe is full${workers > 1 ? ' (with workers)' : ''}`, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--database', join(dir, `full-pipe-${workers}.db`), '--log-level', 'trace', '--workers', String(workers)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      children.push(child);
      // Never read: what the server writes fills the pipes (and the little this side buffers).
      child.stdout!.pause();
      child.stderr!.pause();
      const base = `http://127.0.0.1:${port}`;
      for (let attempt = 0; ; attempt++) {
        assert.ok(attempt < 300 && child.exitCode === null, 'the server starts');
        if (await fetch(`${base}/healthz`).then((res) => res.status === 200, () => false)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // At trace every request is a line naming its path: 1,000 requests with 2 KiB paths write
      // 2 MiB, far more than a pipe holds.
      const path = `/${'x'.repeat(2048)}`;
      for (let batch = 0; batch < 20; batch++) {
        const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${base}${path}`).then((res) => (res.body?.cancel(), res.status))));
        assert.ok(statuses.every((status) => status === 404));
      }
      child.kill('SIGTERM');
      // Hang detection, not a speed test: draining and exiting take well under a second.
      const ended = await exitWithin(child, 15_000);
      assert.ok(ended, 'the server exited after SIGTERM');
      assert.deepEqual(ended, { code: 0, signal: null });
    });
  }
});
