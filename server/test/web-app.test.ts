// @sqlite-only: how the web app's files are sent is HTTP plumbing that no database changes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { resolveConfig } from '../src/config.js';
import { SecretBox } from '../src/keys/secret-box.js';
import { openStore, type Store } from '../src/store/index.js';
import { ManualClock, tempDir } from './helpers.js';

const COMPRESS = fileURLToPath(new URL('../../scripts/compress-web.mjs', import.meta.url));

const INDEX = `<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script><link rel="stylesheet" href="/assets/index-Zz98Yy76.css"></head><body><div id="root"></div></body></html>`;
// Repetitive enough to compress well, as real bundles do.
const SCRIPT = `${Array.from({ length: 400 }, (_, i) => `export const value${i} = document.getElementById('root-${i % 7}');`).join('\n')}\n//# sourceMappingURL=index-Ab12Cd34.js.map\n`;
const STYLES = `${Array.from({ length: 300 }, (_, i) => `.m-${i} { color: var(--mantine-color-blue-${i % 10}); }`).join('\n')}\n`;
const MAP = JSON.stringify({ version: 3, sources: ['../src/main.tsx'], sourcesContent: ['the whole source'], mappings: 'AAAA' });

/** A built web app as Vite lays it out, compressed by the build's own step. */
function builtWebApp(dir: string): string {
  const root = join(dir, 'web');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'favicon.svg'), `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${'<rect width="8" height="8"/>'.repeat(20)}</svg>`);
  writeFileSync(join(root, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
  writeFileSync(join(root, 'assets', 'index-Ab12Cd34.js.map'), MAP);
  writeFileSync(join(root, 'assets', 'index-Zz98Yy76.css'), STYLES);
  writeFileSync(join(root, 'assets', 'logo-Qw12Er34.png'), Buffer.alloc(2048, 7));
  const result = spawnSync(process.execPath, [COMPRESS, root], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return root;
}

async function serverWith(webRoot: string, dir: string, env: Record<string, string> = {}): Promise<{ app: FastifyInstance; store: Store }> {
  const config = resolveConfig({ database: join(dir, `leasehold-${Object.keys(env).length}.db`), logLevel: 'silent' }, env);
  const store = await openStore(config.database, { secrets: SecretBox.ephemeral() });
  const app = await buildApp({ config, store, clock: new ManualClock(), logger: false, webRoot });
  return { app, store };
}

describe('the web app as the server sends it', () => {
  let dir: string;
  let root: string;
  let plain: { app: FastifyInstance; store: Store };
  let withMaps: { app: FastifyInstance; store: Store };
  before(async () => {
    dir = tempDir();
    root = builtWebApp(dir);
    plain = await serverWith(root, dir);
    withMaps = await serverWith(root, dir, { LEASEHOLD_SOURCE_MAPS: '1' });
  });
  after(async () => {
    for (const s of [plain, withMaps]) {
      await s.app.close();
      await s.store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}, app = plain.app) => app.inject({ method: 'GET', url, headers });

  it('the build writes a brotli and a gzip copy beside each text file, and none of images or source maps', () => {
    for (const file of ['index.html', 'favicon.svg', 'assets/index-Ab12Cd34.js', 'assets/index-Zz98Yy76.css']) {
      assert.ok(existsSync(join(root, `${file}.br`)), `${file}.br`);
      assert.ok(existsSync(join(root, `${file}.gz`)), `${file}.gz`);
    }
    for (const file of ['assets/logo-Qw12Er34.png', 'assets/index-Ab12Cd34.js.map']) {
      assert.ok(!existsSync(join(root, `${file}.br`)) && !existsSync(join(root, `${file}.gz`)), `${file} is left as it is`);
    }
  });

  it('sends brotli to a browser that accepts it, as the original type, varying on Accept-Encoding', async () => {
    const response = await get('/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-encoding'], 'br');
    assert.match(String(response.headers['content-type']), /^(text|application)\/javascript/);
    assert.match(String(response.headers.vary), /accept-encoding/i);
    assert.equal(brotliDecompressSync(response.rawPayload).toString(), SCRIPT);
    assert.ok(response.rawPayload.length < SCRIPT.length / 4, `${response.rawPayload.length} bytes for ${SCRIPT.length}`);
  });

  it('sends gzip to a client that accepts only gzip', async () => {
    const response = await get('/assets/index-Zz98Yy76.css', { 'accept-encoding': 'gzip' });
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.match(String(response.headers['content-type']), /^text\/css/);
    assert.match(String(response.headers.vary), /accept-encoding/i);
    assert.equal(gunzipSync(response.rawPayload).toString(), STYLES);
  });

  it('follows the q-values: the encoding the client prefers, and none that it refuses', async () => {
    const cases: [string, string | undefined][] = [
      ['br;q=0.5, gzip;q=0.9', 'gzip'],
      ['gzip;q=0.2, br', 'br'],
      ['br;q=0, gzip', 'gzip'],
      // Any encoding: gzip, which every client that sends "*" is sure to decode.
      ['*', 'gzip'],
      ['br;q=0, gzip;q=0', undefined],
      ['*;q=0, identity', undefined],
      ['identity', undefined],
      ['compress, zstd', undefined],
    ];
    for (const [accept, expected] of cases) {
      const response = await get('/assets/index-Ab12Cd34.js', { 'accept-encoding': accept });
      assert.equal(response.statusCode, 200, accept);
      assert.equal(response.headers['content-encoding'], expected, accept);
      assert.match(String(response.headers.vary), /accept-encoding/i, `${accept}: a cache must not give this answer to another client`);
      const body = expected === 'br' ? brotliDecompressSync(response.rawPayload) : expected === 'gzip' ? gunzipSync(response.rawPayload) : response.rawPayload;
      assert.equal(body.toString(), SCRIPT, accept);
    }
  });

  it('sends the original to a client that states no Accept-Encoding', async () => {
    const response = await get('/assets/index-Ab12Cd34.js');
    assert.equal(response.headers['content-encoding'], undefined);
    assert.equal(response.body, SCRIPT);
    assert.match(String(response.headers.vary), /accept-encoding/i);
  });

  it('compresses the page at / and at every client-side route, which are revalidated at each use', async () => {
    for (const url of ['/', '/licenses/123/edit', '/settings?tab=tokens', '/login']) {
      const response = await get(url, { accept: 'text/html', 'accept-encoding': 'gzip, br' });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['content-encoding'], 'br', url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      assert.match(String(response.headers.vary), /accept-encoding/i, url);
      assert.equal(response.headers['cache-control'], 'no-cache', `${url}: a new release is seen at once`);
      assert.equal(brotliDecompressSync(response.rawPayload).toString(), INDEX, url);
    }
    const gzip = await get('/customers', { accept: 'text/html', 'accept-encoding': 'gzip' });
    assert.equal(gunzipSync(gzip.rawPayload).toString(), INDEX);
  });

  it('lets caches keep hashed assets for a year and revalidate every other file', async () => {
    for (const [url, expected] of [
      ['/assets/index-Ab12Cd34.js', 'public, max-age=31536000, immutable'],
      ['/assets/index-Zz98Yy76.css', 'public, max-age=31536000, immutable'],
      ['/assets/logo-Qw12Er34.png', 'public, max-age=31536000, immutable'],
      ['/index.html', 'no-cache'],
      ['/favicon.svg', 'no-cache'],
    ]) {
      for (const encoding of ['br', 'gzip', 'identity']) {
        const response = await get(url!, { 'accept-encoding': encoding });
        assert.equal(response.statusCode, 200, `${url} ${encoding}`);
        assert.equal(response.headers['cache-control'], expected, `${url} ${encoding}`);
      }
    }
  });

  it('answers 404 for source maps unless LEASEHOLD_SOURCE_MAPS turns them on', async () => {
    const asked: Record<string, string>[] = [{}, { accept: 'text/html' }, { accept: '*/*', 'accept-encoding': 'br, gzip' }];
    for (const headers of asked) {
      const refused = await get('/assets/index-Ab12Cd34.js.map', headers);
      assert.equal(refused.statusCode, 404, JSON.stringify(headers));
      assert.doesNotMatch(refused.body, /the whole source/);
      assert.equal(refused.json().error.code, 'NOT_FOUND');
    }
    const served = await get('/assets/index-Ab12Cd34.js.map', {}, withMaps.app);
    assert.equal(served.statusCode, 200);
    assert.equal(served.body, MAP);
  });

  it('answers 404, not the page, for a file that is not there or a compressed copy asked for by name', async () => {
    for (const url of ['/assets/index-Gone0000.js', '/assets/index-Ab12Cd34.js.br', '/assets/index-Ab12Cd34.js.gz', '/index.html.gz']) {
      const response = await get(url, { accept: 'text/html,*/*', 'accept-encoding': 'br, gzip' });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'NOT_FOUND', url);
    }
  });
});
