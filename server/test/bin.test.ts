// @sqlite-only: the CLI entry point itself, whatever the database.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { VERSION } from '../src/app.js';
import { BIN } from './processes.js';

/*
 * bin/leasehold.js runs the TypeScript sources from one bundle kept in node_modules/.cache/leasehold,
 * made at the first start after a change of the sources; tsx runs them when it cannot be made.
 */
const CACHE = join(dirname(BIN), '..', '..', 'node_modules', '.cache', 'leasehold');

const leasehold = async (env: Record<string, string> = {}) => {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, '--version'], { env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout.trim();
};
const bundles = () => (existsSync(CACHE) && statSync(CACHE).isDirectory() ? readdirSync(CACHE).filter((f) => f.endsWith('.mjs')) : []);

describe('the leasehold command', () => {
  // Whatever a test leaves, later starts find (or make) a working bundle.
  after(() => rmSync(CACHE, { recursive: true, force: true }));

  it('bundles the sources at the first start and reuses the bundle at the next', async () => {
    rmSync(CACHE, { recursive: true, force: true });
    assert.equal(await leasehold(), VERSION);
    const [bundle, ...others] = bundles();
    assert.ok(bundle, 'a bundle was written');
    assert.deepEqual(others, []);
    const written = statSync(join(CACHE, bundle)).mtimeMs;
    assert.equal(await leasehold(), VERSION);
    assert.deepEqual(bundles(), [bundle]);
    assert.equal(statSync(join(CACHE, bundle)).mtimeMs, written, 'the second start did not bundle again');
  });

  it('runs the sources through tsx when asked to, or when the bundle cannot be written', async () => {
    rmSync(CACHE, { recursive: true, force: true });
    assert.equal(await leasehold({ LEASEHOLD_NO_BUNDLE: '1' }), VERSION);
    assert.deepEqual(bundles(), [], 'LEASEHOLD_NO_BUNDLE=1 writes no bundle');

    // A file where the cache directory belongs: the bundle cannot be written.
    mkdirSync(dirname(CACHE), { recursive: true });
    writeFileSync(CACHE, 'not a directory');
    try {
      assert.equal(await leasehold(), VERSION);
    } finally {
      rmSync(CACHE, { force: true });
    }
  });
});
