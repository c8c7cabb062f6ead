// @sqlite-only: runs the CLI server with outputs that nobody reads.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from './helpers.js';
import { killAll, serve, STOP_MS } from './processes.js';

describe('SIGTERM when nobody reads the server’s output', () => {
  const dir = tempDir();
  after(async () => {
    // A server that hung: end it with its workers (its own process group).
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const workers of [1, 2]) {
    it(`still exits once the output pipe is full${workers > 1 ? ' (with workers)' : ''}`, async () => {
      // Never read: what the server writes fills the pipes (and the little this side buffers), so
      // it is found ready by /healthz rather than by its listening line.
      const server = await serve(['--database', join(dir, `full-pipe-${workers}.db`), '--workers', String(workers)], {
        logLevel: 'trace',
        readyWhen: 'healthy',
        unread: true,
        ownGroup: true,
      });
      const base = server.url;
      // At trace every request is a line naming its path: 1,000 requests with 2 KiB paths write
      // 2 MiB, far more than a pipe holds.
      const path = `/${'x'.repeat(2048)}`;
      for (let batch = 0; batch < 20; batch++) {
        const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${base}${path}`).then((res) => (res.body?.cancel(), res.status))));
        assert.ok(statuses.every((status) => status === 404));
      }
      server.signal('SIGTERM');
      // Hang detection, not a speed test: draining and exiting take well under a second.
      const ended = await server.exitWithin(STOP_MS);
      assert.ok(ended, 'the server exited after SIGTERM');
      assert.deepEqual(ended, { code: 0, signal: null });
    });
  }
});
