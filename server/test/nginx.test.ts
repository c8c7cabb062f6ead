// @postgres-only: two Leasehold instances on one PostgreSQL schema behind real nginx, configured by docs/deploy/nginx.conf.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LEASE_CODE_BUDGET } from '../src/keys/lease-code.js';
import { createTestSchema, REQUIRE_PG, skipWithoutPostgres, type TestSchema } from './pg.js';
import { BIN, createLicenseOver, freePort, serve, STOP_MS, type ServerProcess } from './processes.js';
import { HANG_MS, waitUntil } from './wait.js';

const NGINX = '/usr/sbin/nginx';
const EXAMPLE = fileURLToPath(new URL('../../docs/deploy/nginx.conf', import.meta.url));

async function skipReason(): Promise<string | false> {
  const postgres = await skipWithoutPostgres();
  if (postgres) return postgres;
  if (existsSync(NGINX)) return false;
  const reason = `${NGINX} is missing (Debian: apt-get install nginx-light)`;
  if (REQUIRE_PG) throw new Error(`cannot run the nginx test: ${reason}`);
  return reason;
}
const skip = await skipReason();

const portOf = (url: string) => Number(new URL(url).port);

/**
 * Replaces the address after the directive that `pattern` captures as its first group; the pattern
 * must match exactly once, so that a changed example fails here rather than later.
 */
function substitute(text: string, pattern: RegExp, address: string): string {
  const matches = text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
  assert.equal(matches, 1, `the example config has ${pattern} exactly once`);
  return text.replace(new RegExp(pattern.source, 'm'), (_match, directive: string) => `${directive}${address}`);
}

interface Answer {
  status: number;
  body: any;
  headers: Headers;
  /** The instances nginx tried, in order ("127.0.0.1:port"); the last one answered. */
  upstreams: string[];
}

/** A JSON call over real HTTP that also reports which instance nginx passed it to. */
async function request(url: string, method: 'GET' | 'POST' = 'GET', body?: unknown, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the assertion message
  }
  const upstreams = (res.headers.get('x-leasehold-upstream') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { status: res.status, body: parsed, headers: res.headers, upstreams };
}

function describeAnswer(a: Answer): string {
  return `${a.status} via ${a.upstreams.join(', ') || '-'}: ${JSON.stringify(a.body)}`;
}

/** The claims of a lease code (a compact JWS), without verifying it. */
function claims(lease: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(lease.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('two instances behind nginx with docs/deploy/nginx.conf', { skip }, () => {
  let schema: TestSchema | undefined;
  let prefix: string | undefined;
  const instances: ServerProcess[] = [];
  let nginx: ChildProcess | undefined;
  let nginxExited: Promise<unknown> | undefined;
  let nginxErrors = '';
  let stdoutPath: string | undefined;
  /** What nginx wrote: its error log (stderr) and its access log (stdout). */
  const nginxOutput = () => `${nginxErrors}${stdoutPath && existsSync(stdoutPath) ? readFileSync(stdoutPath, 'utf8') : ''}`;
  let nginxUrl: string;
  let org: { organizationId: string; licensingEndpoint: string; apiToken: string };
  let endpoint: string;
  let license: { id: string; key: string };
  const leases: string[] = [];
  const upstreamOf = (i: number) => `127.0.0.1:${portOf(instances[i]!.url)}`;
  const diagnostics = () => `\n--- nginx ---\n${nginxOutput().slice(-4000)}\n--- instance 1 ---\n${instances[0]?.output().slice(-2000)}\n--- instance 2 ---\n${instances[1]?.output().slice(-2000)}`;

  before(async () => {
    schema = await createTestSchema();
    const nginxPort = await freePort();
    nginxUrl = `http://127.0.0.1:${nginxPort}`;

    const init = spawnSync(process.execPath, [BIN, 'init', '--database', schema.url, '--org-name', 'Behind nginx', '--public-url', nginxUrl, '--json'], { encoding: 'utf8', timeout: HANG_MS });
    assert.equal(init.status, 0, init.stderr);
    org = JSON.parse(init.stdout);
    endpoint = `${nginxUrl}/licensing/${org.organizationId}`;

    const started = await Promise.allSettled([1, 2].map(() => serve(['--database', schema!.url, '--no-bootstrap', '--public-url', nginxUrl])));
    for (const s of started) if (s.status === 'fulfilled') instances.push(s.value);
    const failed = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    assert.deepEqual(failed, [], 'both instances start');

    // The example config with its three ports replaced, in a prefix directory of its own.
    prefix = mkdtempSync(join(tmpdir(), 'leasehold-nginx-'));
    // nginx started as root runs its workers as an unprivileged user, which must reach the temp directories.
    chmodSync(prefix, 0o755);
    let conf = readFileSync(EXAMPLE, 'utf8');
    conf = substitute(conf, /^(\s*server\s+)127\.0\.0\.1:8081\b/, upstreamOf(0));
    conf = substitute(conf, /^(\s*server\s+)127\.0\.0\.1:8082\b/, upstreamOf(1));
    conf = substitute(conf, /^(\s*listen\s+)8080\b/, `127.0.0.1:${nginxPort}`);
    writeFileSync(join(prefix, 'nginx.conf'), conf);

    // The access log goes to /dev/stdout, which nginx opens by name: that works for a file, a pipe
    // or a terminal, not for the socket pair Node gives a child for 'pipe'. So stdout is a file.
    stdoutPath = join(prefix, 'stdout.log');
    const stdout = openSync(stdoutPath, 'a');
    try {
      const check = spawnSync(NGINX, ['-p', prefix, '-c', 'nginx.conf', '-e', 'stderr', '-t'], { stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8' });
      assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
      const child = spawn(NGINX, ['-p', prefix, '-c', 'nginx.conf', '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', stdout, 'pipe'] });
      nginx = child;
      nginxExited = once(child, 'exit');
      child.stderr!.on('data', (chunk: Buffer) => {
        nginxErrors = (nginxErrors + chunk.toString()).slice(-100_000);
      });
    } finally {
      closeSync(stdout);
    }
    const child = nginx;

    const health = await waitUntil(
      'nginx to answer /healthz',
      async () => {
        assert.equal(child.exitCode, null, `nginx exited: ${nginxOutput()}`);
        const answer = await request(`${nginxUrl}/healthz`).catch(() => undefined);
        return answer?.status === 200 ? answer : undefined;
      },
      { diagnostics },
    );
    assert.deepEqual(health.body, { status: 'ok' });
  });

  after(async () => {
    if (nginx?.exitCode === null && nginx.signalCode === null) {
      nginx.kill('SIGKILL');
      await nginxExited;
    }
    await Promise.all(instances.map((s) => s.stop('SIGKILL')));
    await schema?.drop();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it('names the nginx URL as the licensing endpoint, not an instance URL', async () => {
    assert.equal(org.licensingEndpoint, endpoint, 'init --public-url');
    const organization = await request(`${nginxUrl}/api/v1/organization`, 'GET', undefined, org.apiToken);
    assert.equal(organization.status, 200, describeAnswer(organization));
    assert.equal(organization.body.licensingEndpoint, endpoint);
  });

  it('passes requests to both instances', async () => {
    license = await createLicenseOver(nginxUrl, org.apiToken, 3);
    const answered = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const validated = await request(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`);
      assert.equal(validated.status, 200, describeAnswer(validated));
      assert.equal(validated.body.isValid, true);
      assert.equal(validated.upstreams.length, 1, 'no retries while both instances are up');
      answered.add(validated.upstreams[0]!);
    }
    assert.deepEqual([...answered].sort(), [upstreamOf(0), upstreamOf(1)].sort(), `both instances answered${diagnostics()}`);
  });

  it('passes lease/validate a lease code of the largest size the server issues, in the query string', async () => {
    // A request line of 8 KiB is nginx's default; the server's codes stay under LEASE_CODE_BUDGET.
    const payload = Buffer.from(JSON.stringify({ jti: '00000000-0000-4000-8000-000000000000', pad: '' })).toString('base64url');
    const code = `eyJhbGciOiJFUzI1NiJ9.${payload}.${'s'.repeat(LEASE_CODE_BUDGET - 22 - payload.length)}`;
    assert.equal(code.length, LEASE_CODE_BUDGET);
    const validated = await request(`${endpoint}/lease/validate?lease=${encodeURIComponent(code)}`);
    assert.equal(validated.status, 404, describeAnswer(validated));
    assert.equal(validated.body.errorCode, 'LEASE_INVALID', 'Leasehold answered, not nginx');
  });

  it('holds the lease limit of 3 across the instances and issues leases for the nginx endpoint', async () => {
    const answered = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const obtained = await request(`${endpoint}/lease/obtain`, 'POST', { key: license.key, clientId: `seat-${i}` });
      assert.equal(obtained.status, 200, describeAnswer(obtained));
      assert.equal(obtained.body.success, true);
      assert.equal(claims(obtained.body.lease).iss, endpoint, 'the lease names the public URL as its issuer');
      leases.push(obtained.body.lease);
      answered.add(obtained.upstreams.at(-1)!);
    }
    assert.equal(answered.size, 2, 'the three seats were taken through both instances');
    const fourth = await request(`${endpoint}/lease/obtain`, 'POST', { key: license.key, clientId: 'seat-3' });
    assert.equal(fourth.status, 409, describeAnswer(fourth));
    assert.equal(fourth.body.errorCode, 'LEASE_LIMIT_REACHED');
    for (const lease of leases) {
      const validated = await request(`${endpoint}/lease/validate?lease=${encodeURIComponent(lease)}`);
      assert.equal(validated.body.isValid, true, describeAnswer(validated));
    }
  });

  it('goes on serving through instance 2 after instance 1 drains on SIGTERM', async () => {
    assert.deepEqual(await instances[0]!.stop('SIGTERM'), { code: 0, signal: null }, instances[0]!.output());
    const second = upstreamOf(1);

    const validated = await request(`${endpoint}/lease/validate?lease=${encodeURIComponent(leases[0]!)}`);
    assert.equal(validated.status, 200, describeAnswer(validated));
    assert.equal(validated.body.isValid, true);
    assert.equal(validated.upstreams.at(-1), second, describeAnswer(validated));

    const released = await request(`${endpoint}/lease/release`, 'POST', { lease: leases[0] });
    assert.equal(released.status, 200, describeAnswer(released));
    assert.equal(released.body.success, true);
    assert.equal(released.upstreams.at(-1), second, describeAnswer(released));

    // A POST that nginx could not even send to the stopped instance goes to the other one.
    const obtained = await request(`${endpoint}/lease/obtain`, 'POST', { key: license.key, clientId: 'after-failover' });
    assert.equal(obtained.status, 200, describeAnswer(obtained));
    assert.equal(obtained.upstreams.at(-1), second);

    for (let i = 0; i < 6; i++) {
      const key = await request(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`);
      assert.equal(key.status, 200, describeAnswer(key));
      assert.equal(key.body.leasesUsed, 3);
      assert.equal(key.upstreams.at(-1), second, describeAnswer(key));
    }
  });

  it('answers 503 with Retry-After when no instance is left, and stops on SIGQUIT', async () => {
    assert.deepEqual(await instances[1]!.stop('SIGTERM'), { code: 0, signal: null }, instances[1]!.output());
    const answer = await request(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`);
    assert.equal(answer.status, 503, describeAnswer(answer));
    assert.equal(answer.headers.get('retry-after'), '1');
    assert.equal(answer.body.isValid, false);
    assert.equal(answer.body.errorCode, null);
    const admin = await request(`${nginxUrl}/api/v1/organization`, 'GET', undefined, org.apiToken);
    assert.equal(admin.status, 503, describeAnswer(admin));
    assert.equal(admin.body.error.code, 'UNAVAILABLE');

    nginx!.kill('SIGQUIT');
    const deadline = setTimeout(() => nginx!.kill('SIGKILL'), STOP_MS);
    const [code, signal] = (await nginxExited) as [number | null, NodeJS.Signals | null];
    clearTimeout(deadline);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `nginx shuts down gracefully${diagnostics()}`);
    assert.match(nginxOutput(), /"GET \/licensing\/[^"]+\/key\/validate\?key=[^"]+" 200 \d+ upstream=127\.0\.0\.1:\d+/, 'the access log went to stdout');
  });
});
