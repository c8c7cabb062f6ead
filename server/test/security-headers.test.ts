// @sqlite-only: the headers are set by HTTP plumbing that no database changes.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { createOrganization } from '../src/bootstrap.js';
import { resolveConfig } from '../src/config.js';
import { SecretBox } from '../src/keys/secret-box.js';
import { openStore, type Store } from '../src/store/index.js';
import { ManualClock, tempDir } from './helpers.js';

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Map<string, string[]> {
  assert.equal(typeof header, 'string', 'a Content-Security-Policy header');
  return new Map(
    (header as string)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

/** Asserts the headers every page must carry, and that its policy allows no inline or evaluated script. */
function assertPageHeaders(headers: Record<string, unknown>, what: string): void {
  const csp = directives(headers['content-security-policy']);
  const scripts = csp.get('script-src') ?? csp.get('default-src');
  assert.deepEqual(scripts, ["'self'"], `${what}: scripts only from the server itself`);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], `${what}: never framed`);
  assert.deepEqual(csp.get('object-src'), ["'none'"], `${what}: no plugins`);
  assert.deepEqual(csp.get('base-uri'), ["'none'"], `${what}: no <base> redirecting relative URLs`);
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.equal(headers['referrer-policy'], 'no-referrer', what);
  assert.equal(headers['x-frame-options'], 'DENY', what);
}

async function serverWithWebApp(publicUrl: string): Promise<{ app: FastifyInstance; store: Store; organizationId: string; dir: string }> {
  const dir = tempDir();
  const webRoot = join(dir, 'web');
  mkdirSync(webRoot);
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>');
  const config = resolveConfig({ database: join(dir, 'leasehold.db'), publicUrl, logLevel: 'silent' }, {});
  const store = await openStore(config.database, { secrets: SecretBox.ephemeral() });
  const clock = new ManualClock();
  const org = await createOrganization(store, clock, { name: 'Headers' });
  const app = await buildApp({ config, store, clock, logger: false, webRoot });
  return { app, store, organizationId: org.organizationId, dir };
}

describe('security headers', () => {
  let https: Awaited<ReturnType<typeof serverWithWebApp>>;
  let http: Awaited<ReturnType<typeof serverWithWebApp>>;
  before(async () => {
    https = await serverWithWebApp('https://licenses.example.test');
    http = await serverWithWebApp('http://127.0.0.1:8080');
  });
  after(async () => {
    for (const s of [https, http]) {
      await s.app.close();
      await s.store.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  });

  it('the web app, its deep links and its 404 pages carry a strict policy', async () => {
    for (const url of ['/', '/licenses/123/edit', '/settings?tab=tokens']) {
      const response = await https.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      assertPageHeaders(response.headers, url);
    }
  });

  it('the API reference at /docs carries the same policy, and its page has no inline script', async () => {
    let url = '/docs';
    let response = await https.app.inject({ method: 'GET', url });
    for (let hops = 0; response.statusCode >= 300 && response.statusCode < 400 && hops < 3; hops++) {
      url = new URL(String(response.headers.location), 'https://licenses.example.test/docs/').pathname;
      response = await https.app.inject({ method: 'GET', url });
    }
    assert.equal(response.statusCode, 200, url);
    assertPageHeaders(response.headers, url);
    const scripts = [...response.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0, 'the page loads scripts');
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /\bsrc=/, 'every script is a file');
      assert.equal(body!.trim(), '', 'no inline script');
    }
  });

  it('HSTS is sent when the public URL is https, and not over plain http', async () => {
    const secure = await https.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    assert.match(String(secure.headers['strict-transport-security']), /^max-age=\d{7,}/);
    const api = await https.app.inject({ method: 'GET', url: `/licensing/${https.organizationId}/key/validate?key=nope` });
    assert.match(String(api.headers['strict-transport-security']), /^max-age=/, 'every response over https');
    const plain = await http.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    assert.equal(plain.headers['strict-transport-security'], undefined);
    assertPageHeaders(plain.headers, 'the page over http');
  });

  it('API answers are never sniffed into something else', async () => {
    for (const url of [`/licensing/${http.organizationId}/key/validate?key=nope`, '/api/v1/products', '/openapi.json', '/nowhere']) {
      const response = await http.app.inject({ method: 'GET', url });
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
    }
  });
});
