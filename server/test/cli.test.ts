// @sqlite-only: exercises the default single-machine SQLite deployment (files, processes, locks).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { VERSION } from '../src/app.js';
import { tempDir } from './helpers.js';
import { BIN, environmentWithoutServerSettings, freePort, killAll, serve as serveProcess, startProcess, type ServerProcess } from './processes.js';
import { HANG_MS } from './wait.js';

// The CLI as users run it: real child processes of bin/leasehold.js, nothing imported from src/cli.
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STACK_FRAME = /^\s+at .+[:(]/m;

/** The environment of a child: none of the settings the runner may happen to have, quiet logs. */
const childEnv = (extra: Record<string, string> = {}) => environmentWithoutServerSettings({ LOG_LEVEL: 'warn', ...extra });

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

const dir = tempDir();

after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one command to its end (killed after HANG_MS) in the temporary directory. */
async function run(args: string[], env: Record<string, string> = {}, command = process.execPath, prefix: string[] = [BIN], cwd = dir): Promise<Finished> {
  const child = startProcess(command, [...prefix, ...args], { cwd, env: childEnv(env) });
  const exit = await child.exitWithin(HANG_MS);
  if (!exit) await child.kill();
  if (!exit || exit.signal) throw new Error(`leasehold ${args.join(' ')} was ended by ${exit?.signal ?? 'SIGKILL'}\nstdout: ${child.stdout()}\nstderr: ${child.stderr()}`);
  return { status: exit.code, stdout: child.stdout(), stderr: child.stderr() };
}

/** Runs a command that must succeed and returns what it printed. */
async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await run(args, env);
  assert.equal(result.status, 0, `leasehold ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Starts `leasehold serve --port 0` on `database` with the CLI's own defaults (no --log-level flag,
 * nothing from the runner's environment) and resolves once it printed its listening line.
 */
async function serve(database: string, args: string[] = [], env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await serveProcess(['--database', database, ...args], { cwd: dir, withoutServerSettings: true, env: { LOG_LEVEL: 'warn', ...env }, logLevel: null });
  assert.match(server.banner, new RegExp(`^Leasehold ${VERSION.replace(/\./g, '\\.')} listening on http://127\\.0\\.0\\.1:\\d+ `, 'm'), 'the start line names this version');
  return server;
}

/** The credentials `serve` prints when it creates the first organization. */
function credentialsIn(text: string) {
  const field = (label: string) => new RegExp(`^  ${label}:\\s+(.+)$`, 'm').exec(text)?.[1];
  const org = /^(.*) \(([0-9a-f-]{36})\)$/.exec(field('organization') ?? '');
  return {
    name: org?.[1],
    organizationId: org?.[2],
    licensingEndpoint: field('licensing endpoint'),
    adminUsername: field('admin username'),
    adminPassword: field('admin password'),
    apiToken: field('API token'),
  };
}

async function getOrganization(url: string, token: string): Promise<{ status: number; body: { id?: string; name?: string; licensingEndpoint?: string } }> {
  const res = await fetch(`${url}/api/v1/organization`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(HANG_MS) });
  return { status: res.status, body: (await res.json()) as { id?: string; name?: string } };
}

let databases = 0;
/** A path for a database that does not exist yet. */
function newDatabase(): string {
  return join(dir, `db-${++databases}`, 'leasehold.db');
}

describe('leasehold init', { concurrency: 4 }, () => {
  it('prints exactly one JSON object with the organization id, licensing endpoint and credentials, and creates the database', async () => {
    const database = newDatabase();
    const stdout = await ok(['init', '--database', database, '--org-name', 'Acme', '--json']);
    assert.equal(stdout.trim().split('\n').length, 1, `one line: ${stdout}`);
    const created = JSON.parse(stdout);
    assert.deepEqual(Object.keys(created).sort(), ['adminPassword', 'adminUsername', 'apiToken', 'licensingEndpoint', 'organizationId']);
    assert.match(created.organizationId, UUID);
    assert.equal(created.licensingEndpoint, `http://127.0.0.1:8080/licensing/${created.organizationId}`, 'the default public URL');
    assert.equal(created.adminUsername, 'admin');
    assert.ok(created.adminPassword.length >= 16, 'a real password');
    assert.match(created.apiToken, /^\S{20,}$/);
    assert.ok(existsSync(database));
  });

  it('adds a second organization with another id and another admin username to the same database', async () => {
    const database = newDatabase();
    const first = JSON.parse(await ok(['init', '--database', database, '--org-name', 'First', '--json']));
    const second = JSON.parse(await ok(['init', '--database', database, '--org-name', 'Second', '--json']));
    assert.notEqual(second.organizationId, first.organizationId);
    assert.notEqual(second.adminUsername, first.adminUsername, 'usernames are unique across the server');
    assert.notEqual(second.apiToken, first.apiToken);

    const server = await serve(database);
    try {
      assert.equal((await getOrganization(server.url, first.apiToken)).body.name, 'First');
      assert.equal((await getOrganization(server.url, second.apiToken)).body.name, 'Second');
      assert.doesNotMatch(server.banner, /admin password/, 'the database has organizations: serve creates none');
    } finally {
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.output());
    }
  });

  it('builds the licensing endpoint from --public-url', async () => {
    const created = JSON.parse(await ok(['init', '--database', newDatabase(), '--org-name', 'Acme', '--public-url', 'https://x.example', '--json']));
    assert.equal(created.licensingEndpoint, `https://x.example/licensing/${created.organizationId}`);
  });

  it('prints the licensing endpoint that serve on the same --host and --port then answers at', async () => {
    const database = newDatabase();
    const port = await freePort();
    const created = JSON.parse(await ok(['init', '--database', database, '--org-name', 'Acme', '--host', '127.0.0.1', '--port', String(port), '--json']));
    assert.equal(created.licensingEndpoint, `http://127.0.0.1:${port}/licensing/${created.organizationId}`);
    const server = await serve(database, ['--host', '127.0.0.1', '--port', String(port)]);
    try {
      assert.equal(server.url, `http://127.0.0.1:${port}`);
      const organization = await getOrganization(server.url, created.apiToken);
      assert.equal(organization.body.licensingEndpoint, created.licensingEndpoint, 'the endpoint serve reports is the one init printed');
      const publicKey = await fetch(`${created.licensingEndpoint}/signature.pem`, { signal: AbortSignal.timeout(HANG_MS) });
      assert.equal(publicKey.status, 200, 'the printed endpoint is served');
      assert.match(await publicKey.text(), /-----BEGIN PUBLIC KEY-----/);
    } finally {
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.output());
    }
  });

  it('derives the endpoint from PORT, HOST and PUBLIC_URL as serve does, flags first', async () => {
    const endpoint = async (args: string[], env: Record<string, string>) => {
      const created = JSON.parse(await ok(['init', '--database', newDatabase(), '--org-name', 'Acme', '--json', ...args], env));
      return created.licensingEndpoint.replace(`/licensing/${created.organizationId}`, '');
    };
    assert.equal(await endpoint([], { PORT: '9123' }), 'http://127.0.0.1:9123');
    assert.equal(await endpoint([], { HOST: '::1', PORT: '9124' }), 'http://[::1]:9124');
    assert.equal(await endpoint([], { HOST: '0.0.0.0' }), 'http://127.0.0.1:8080', 'every address: reached on the loopback one, as serve prints it');
    assert.equal(await endpoint(['--port', '9125'], { PORT: '9123' }), 'http://127.0.0.1:9125');
    assert.equal(await endpoint([], { PUBLIC_URL: 'https://licenses.example.test/', PORT: '9123' }), 'https://licenses.example.test');
    assert.equal(await endpoint(['--public-url', 'https://flag.example.test'], { PUBLIC_URL: 'https://env.example.test' }), 'https://flag.example.test');
  });

  it('refuses port 0 without a public URL, since serve only learns its port when it starts, and creates nothing', async () => {
    for (const [args, env] of [
      [['--port', '0'], {}],
      [[], { PORT: '0' }],
    ] as const) {
      const database = newDatabase();
      const result = await run(['init', '--database', database, '--org-name', 'Acme', ...args], env);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /port 0 .*licensing endpoint cannot be known: give --public-url/);
      assert.doesNotMatch(result.stderr, STACK_FRAME);
      assert.equal(result.stdout, '');
      assert.ok(!existsSync(database), 'no database was created');
    }
    const created = JSON.parse(await ok(['init', '--database', newDatabase(), '--org-name', 'Acme', '--port', '0', '--public-url', 'https://x.example', '--json']));
    assert.equal(created.licensingEndpoint, `https://x.example/licensing/${created.organizationId}`);
  });

  it('says in its help where the endpoint it prints comes from, and that serve must get the same settings', async () => {
    const help = await ok(['init', '--help']);
    assert.match(help, /--host <host>/);
    assert.match(help, /--port <port>/);
    assert.match(help, /derived as serve derives it/);
    assert.match(help, /a serve started with\s+other settings serves another URL/);
  });

  it('prints readable lines without --json', async () => {
    const stdout = await ok(['init', '--database', newDatabase(), '--org-name', 'Readable Org']);
    assert.throws(() => JSON.parse(stdout));
    const lines = stdout.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(':')[0]),
      ['organization', 'licensing endpoint', 'admin username', 'admin password', 'API token'],
    );
    assert.match(lines[0]!, /^organization:\s+Readable Org \([0-9a-f-]{36}\)$/);
    assert.match(lines[1]!, /^licensing endpoint:\s+http:\/\/127\.0\.0\.1:8080\/licensing\/[0-9a-f-]{36}$/);
    assert.match(lines[2]!, /^admin username:\s+admin$/);
    assert.match(lines[3]!, /^admin password:\s+\S{16,}$/);
    assert.match(lines[4]!, /^API token:\s+\S{20,}$/);
  });

  it('prints a token that works against the admin API of a server on that database', async () => {
    const database = newDatabase();
    const created = JSON.parse(await ok(['init', '--database', database, '--org-name', 'Token Org', '--json']));
    const server = await serve(database, ['--public-url', 'https://licenses.example']);
    try {
      const res = await getOrganization(server.url, created.apiToken);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, created.organizationId);
      assert.equal(res.body.name, 'Token Org');
      assert.equal(res.body.licensingEndpoint, `https://licenses.example/licensing/${created.organizationId}`);
      assert.equal((await getOrganization(server.url, `${created.apiToken}x`)).status, 401, 'and a wrong token does not');
    } finally {
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.output());
    }
  });
});

describe('leasehold token create', () => {
  const database = newDatabase();
  let org: { organizationId: string; apiToken: string };

  it('prints a new token that authenticates', async () => {
    org = JSON.parse(await ok(['init', '--database', database, '--org-name', 'Tokens', '--json']));
    const stdout = await ok(['token', 'create', '--database', database, '--org', org.organizationId, '--name', 'ci', '--role', 'viewer']);
    const token = stdout.trim();
    assert.equal(stdout, `${token}\n`, 'the token alone, on one line');
    assert.notEqual(token, org.apiToken);
    const server = await serve(database);
    try {
      const res = await getOrganization(server.url, token);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, org.organizationId);
    } finally {
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.output());
    }
  });

  it('refuses an organization id that is not in the database, on stderr with a non-zero exit', async () => {
    const result = await run(['token', 'create', '--database', database, '--org', '00000000-0000-4000-8000-000000000000']);
    assert.notEqual(result.status, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no organization 00000000-0000-4000-8000-000000000000/);
    assert.doesNotMatch(result.stderr, STACK_FRAME);
  });

  it('gives the token an end with --expires-in <days>, and refuses a number of days outside 1..730 with a non-zero exit', async () => {
    const before = Date.now();
    const token = (await ok(['token', 'create', '--database', database, '--org', org.organizationId, '--name', 'expiring', '--expires-in', '30'])).trim();
    const after = Date.now();
    for (const days of ['0', '731', '1.5', 'soon']) {
      const refused = await run(['token', 'create', '--database', database, '--org', org.organizationId, '--expires-in', days]);
      assert.notEqual(refused.status, 0, days);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /must be a whole number of days, 1\.\.730/);
    }
    const server = await serve(database);
    try {
      assert.equal((await getOrganization(server.url, token)).status, 200, 'it works until then');
      const res = await fetch(`${server.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${org.apiToken}` } });
      const listed = ((await res.json()) as { items: { name: string; expiresAt: string | null }[] }).items.filter((t) => t.name === 'expiring');
      assert.equal(listed.length, 1, 'the refused ones made no token');
      const expiresAt = Date.parse(listed[0]!.expiresAt!);
      assert.ok(expiresAt >= before + 30 * 86_400_000 && expiresAt <= after + 30 * 86_400_000, listed[0]!.expiresAt!);
    } finally {
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.output());
    }
  });

  it('refuses a malformed organization id with exit code 2', async () => {
    const result = await run(['token', 'create', '--database', database, '--org', 'not-an-id']);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--org must be an organization id/);
  });

  it('refuses a database that does not exist instead of creating an empty one', async () => {
    const missing = newDatabase();
    const result = await run(['token', 'create', '--database', missing, '--org', '00000000-0000-4000-8000-000000000000']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /no database/i);
    assert.doesNotMatch(result.stderr, STACK_FRAME);
    assert.equal(existsSync(missing), false);
  });
});

describe('bad input', { concurrency: 4 }, () => {
  const cases: { name: string; args: (database: string) => string[]; env?: Record<string, string>; stderr: RegExp; status?: number }[] = [
    { name: 'serve --port 70000', args: (db) => ['serve', '--database', db, '--port', '70000'], stderr: /port must be between 0 and 65535, got 70000/, status: 2 },
    { name: 'serve --port abc', args: (db) => ['serve', '--database', db, '--port', 'abc'], stderr: /port must be a whole number, got "abc"/, status: 2 },
    { name: 'PORT=abc serve', args: (db) => ['serve', '--database', db], env: { PORT: 'abc' }, stderr: /port must be a whole number, got "abc"/, status: 2 },
    { name: 'serve --public-url ftp://x', args: (db) => ['serve', '--database', db, '--port', '0', '--public-url', 'ftp://x'], stderr: /public URL must be http or https/, status: 2 },
    {
      name: 'serve --log-level loud',
      args: (db) => ['serve', '--database', db, '--port', '0', '--log-level', 'loud'],
      stderr: /log level must be one of fatal, error, warn, info, debug, trace, silent/,
      status: 2,
    },
    { name: 'serve --max-lease-seconds 5', args: (db) => ['serve', '--database', db, '--port', '0', '--max-lease-seconds', '5'], stderr: /max lease seconds must be between 60/, status: 2 },
    { name: 'serve --bogus', args: (db) => ['serve', '--database', db, '--port', '0', '--bogus'], stderr: /unknown option '--bogus'/ },
    { name: 'serve --org-name ""', args: (db) => ['serve', '--database', db, '--port', '0', '--org-name', ''], stderr: /--org-name.*must be 1\.\.200 characters/ },
    { name: 'init without --org-name', args: (db) => ['init', '--database', db], stderr: /required option '--org-name <name>' not specified/ },
    { name: 'init --algorithm HS256', args: (db) => ['init', '--database', db, '--org-name', 'Acme', '--algorithm', 'HS256'], stderr: /--algorithm.*HS256.*Allowed choices are ES256, EdDSA, RS256/ },
    { name: 'init --public-url ftp://x', args: (db) => ['init', '--database', db, '--org-name', 'Acme', '--public-url', 'ftp://x'], stderr: /public URL must be http or https/, status: 2 },
    { name: 'init --bogus', args: (db) => ['init', '--database', db, '--org-name', 'Acme', '--bogus'], stderr: /unknown option '--bogus'/ },
    { name: 'a PostgreSQL URL without a host', args: () => ['serve', '--port', '0', '--database', 'postgres:///leasehold'], stderr: /database URL names no host/, status: 2 },
    {
      name: 'a PostgreSQL server that is not there',
      args: () => ['serve', '--port', '0', '--database', 'postgres://127.0.0.1:1/leasehold'],
      stderr: /cannot reach the database postgres:\/\/127\.0\.0\.1:1\/leasehold: connect ECONNREFUSED/,
      status: 1,
    },
    { name: 'an unsupported database URL', args: () => ['serve', '--port', '0', '--database', 'mysql://localhost/leasehold'], stderr: /unsupported database URL scheme/, status: 2 },
    {
      name: 'LEASEHOLD_TRUST_PROXY=everyone serve',
      args: (db) => ['serve', '--database', db, '--port', '0'],
      env: { LEASEHOLD_TRUST_PROXY: '10.0.0.1,everyone' },
      stderr: /LEASEHOLD_TRUST_PROXY: "everyone" is not an IP address or CIDR range/,
      status: 2,
    },
    {
      name: 'LEASEHOLD_SOURCE_MAPS=maybe serve',
      args: (db) => ['serve', '--database', db, '--port', '0'],
      env: { LEASEHOLD_SOURCE_MAPS: 'maybe' },
      stderr: /LEASEHOLD_SOURCE_MAPS must be on or off \(1 or 0\), got "maybe"/,
      status: 2,
    },
    { name: 'init --port 70000', args: (db) => ['init', '--database', db, '--org-name', 'Acme', '--port', '70000'], stderr: /port must be between 0 and 65535, got 70000/, status: 2 },
    { name: 'serve --workers 0', args: (db) => ['serve', '--database', db, '--port', '0', '--workers', '0'], stderr: /workers must be between 1 and 64, got 0/, status: 2 },
  ];

  for (const c of cases) {
    it(`${c.name}: exits non-zero with a clear message, no stack trace, and creates nothing`, async () => {
      const database = newDatabase();
      const result = await run(c.args(database), c.env);
      assert.notEqual(result.status, 0, result.stdout);
      if (c.status !== undefined) assert.equal(result.status, c.status);
      assert.match(result.stderr, c.stderr);
      assert.doesNotMatch(result.stderr, STACK_FRAME, 'no stack trace');
      assert.doesNotMatch(result.stdout, /listening on|admin password/);
      assert.equal(existsSync(join(database, '..')), false, 'no database file, not even its directory');
      assert.equal(existsSync(join(dir, 'data')), false, 'nothing at the default database path either');
    });
  }
});

describe('leasehold serve', { concurrency: 4 }, () => {
  it("prints the first organization's credentials once on an empty database, and keeps that organization on the next start", async () => {
    const database = newDatabase();
    const first = await serve(database, ['--org-name', 'Bootstrapped']);
    let created: ReturnType<typeof credentialsIn>;
    try {
      created = credentialsIn(first.banner);
      assert.equal(first.banner.match(/admin password:/g)?.length, 1, 'printed once');
      assert.equal(created.name, 'Bootstrapped');
      assert.match(created.organizationId ?? '', UUID);
      assert.equal(created.licensingEndpoint, `${first.url}/licensing/${created.organizationId}`, 'the endpoint names the port actually bound');
      assert.equal(created.adminUsername, 'admin');
      assert.match(created.adminPassword ?? '', /^\S{16,}$/);
      assert.match(created.apiToken ?? '', /^\S{20,}$/);
      assert.match(first.banner, /listening on http:\/\/127\.0\.0\.1:\d+ \(public URL http:\/\/127\.0\.0\.1:\d+, database .*leasehold\.db\)\n$/, 'the listening line comes last');

      const health = await fetch(`${first.url}/healthz`, { signal: AbortSignal.timeout(HANG_MS) });
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.equal((await getOrganization(first.url, created.apiToken!)).body.id, created.organizationId);
    } finally {
      assert.deepEqual(await first.stop(), { code: 0, signal: null }, first.output());
    }

    const second = await serve(database, ['--org-name', 'Another']);
    try {
      assert.doesNotMatch(second.banner, /admin password|API token|created your first organization/, 'no credentials the second time');
      const org = await getOrganization(second.url, created.apiToken!);
      assert.equal(org.status, 200, 'the same organization and token');
      assert.equal(org.body.id, created.organizationId);
      assert.equal(org.body.name, 'Bootstrapped');
    } finally {
      assert.deepEqual(await second.stop(), { code: 0, signal: null }, second.output());
    }
  });

  it('creates no organization with --no-bootstrap', async () => {
    const database = newDatabase();
    const bare = await serve(database, ['--no-bootstrap']);
    try {
      assert.doesNotMatch(bare.banner, /admin password|created your first organization/);
      assert.equal((await fetch(`${bare.url}/healthz`, { signal: AbortSignal.timeout(HANG_MS) })).status, 200);
    } finally {
      assert.deepEqual(await bare.stop(), { code: 0, signal: null }, bare.output());
    }
    // The database still has no organization: the next start without the flag creates the first one.
    const next = await serve(database);
    try {
      assert.match(next.banner, /created your first organization/);
    } finally {
      assert.deepEqual(await next.stop(), { code: 0, signal: null }, next.output());
    }
  });

  it('exits 0 on SIGINT as on SIGTERM', async () => {
    const server = await serve(newDatabase(), ['--no-bootstrap']);
    assert.deepEqual(await server.stop('SIGINT'), { code: 0, signal: null }, server.output());
  });

  it('fails with a clear message when the port is taken, and creates no organization whose secrets nobody saw', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    const database = newDatabase();
    try {
      const result = await run(['serve', '--database', database, '--port', String(port)]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(`port is already in use.*127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(result.stderr, STACK_FRAME);
      assert.doesNotMatch(result.stdout, /admin password|listening on/);
    } finally {
      blocker.close();
    }
    const next = await serve(database);
    try {
      assert.match(next.banner, /created your first organization/, 'the failed start left the database without an organization');
    } finally {
      assert.deepEqual(await next.stop(), { code: 0, signal: null }, next.output());
    }
  });

  it('takes its settings from the environment when no flag is given', async () => {
    const database = newDatabase();
    const server = await serve(database, ['--no-bootstrap'], { PUBLIC_URL: 'https://env.example/', DATABASE_URL: join(dir, 'ignored.db') });
    try {
      assert.match(server.banner, /\(public URL https:\/\/env\.example, database .*leasehold\.db\)/, 'the flag wins over DATABASE_URL');
      assert.equal(existsSync(join(dir, 'ignored.db')), false);
    } finally {
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.output());
    }
  });
});

describe('npx leasehold', () => {
  it('runs the CLI from the repository root', async () => {
    const result = await run(['--no', '--', 'leasehold', '--version'], {}, process.platform === 'win32' ? 'npx.cmd' : 'npx', [], REPO_ROOT);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), VERSION);
  });
});
