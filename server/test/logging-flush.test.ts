import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogs } from '../src/logging.js';
import { tempDir } from './helpers.js';

/*
 * The logger's bounded flush at exit reads two fields of sonic-boom's destination (its write state),
 * which are not its API. If a version renames them, the logger would never look idle and every exit
 * would wait out its flush timeout: this fails first.
 */
describe('the logger knows when its lines are written', () => {
  it('is idle with nothing to write, busy while lines go out, and idle again once they are written', async () => {
    const dir = tempDir();
    const file = join(dir, 'log.jsonl');
    const fd = openSync(file, 'w');
    try {
      const logs = createLogs('info', fd);
      assert.equal(logs.idle(), true, "sonic-boom's write state (_writing, _len) is not readable: see logging.ts");
      for (let i = 0; i < 2000; i++) logs.logger.info({ i }, 'a line');
      assert.equal(logs.idle(), false, 'lines are on their way out');
      await logs.flush(600_000);
      assert.equal(logs.idle(), true);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2000);
      assert.equal(JSON.parse(lines[1999]!).i, 1999);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
