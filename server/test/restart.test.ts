// @sqlite-only: exercises the default single-machine SQLite deployment (files, processes, locks).
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { connect, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VERSION } from '../src/app.js';
import { tempDir } from './helpers.js';
import { killAll, serve as serveProcess, type ServerProcess } from './processes.js';
import { HANG_MS, waitUntil } from './wait.js';

// What survives the end of a `leasehold serve` process: a crash (SIGKILL) and a graceful stop (SIGTERM).

/**
 * How a server that drained ends: exit code 0. One that has not drained 10 s after the signal gives
 * up and exits 1 (`cli/main.ts`), so this code, not a stopwatch, says the drain finished in time.
 */
const DRAINED = { code: 0, signal: null };

const dir = tempDir();

after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts `leasehold serve --port 0` on a database with the CLI's own defaults (nothing from the
 * runner's environment) and resolves once it printed its listening line.
 */
async function serve(database: string): Promise<ServerProcess> {
  const server = await serveProcess(['--database', database], { cwd: dir, withoutServerSettings: true, env: { LOG_LEVEL: 'warn' }, logLevel: null });
  assert.match(server.banner, new RegExp(`^Leasehold ${VERSION.replace(/\./g, '\\.')} listening on http://127\\.0\\.0\\.1:\\d+ `, 'm'), 'the start line names this version');
  return server;
}

/** The organization and token `serve` prints when it creates the first organization. */
function createdIn(banner: string): { organizationId: string; apiToken: string } {
  const organizationId = /^ {2}organization:\s+.* \(([0-9a-f-]{36})\)$/m.exec(banner)?.[1];
  const apiToken = /^ {2}API token:\s+(\S+)$/m.exec(banner)?.[1];
  assert.ok(organizationId && apiToken, `credentials printed: ${banner}`);
  return { organizationId, apiToken };
}

interface Reply {
  status: number;
  body: any;
}

async function call(url: string, method: 'GET' | 'POST', body?: unknown, token?: string): Promise<Reply> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(HANG_MS),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
}

/** Creates a product with a feature, a customer and a license through the admin API; returns the license key. */
async function createLicense(url: string, token: string, leaseLimit: number | null): Promise<string> {
  const created = async (path: string, body: unknown) => {
    const res = await call(`${url}/api/v1${path}`, 'POST', body, token);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; keys: string[] };
  };
  const product = await created('/products', { name: `product-${Math.random().toString(36).slice(2, 8)}` });
  const feature = await created(`/products/${product.id}/features`, { name: 'core' });
  const customer = await created('/customers', { name: 'Restart customer' });
  return (await created('/licenses', { customerId: customer.id, featureIds: [feature.id], leaseLimit })).keys[0]!;
}

describe('a restart after SIGKILL', () => {
  const database = join(dir, 'killed', 'leasehold.db');
  let org: { organizationId: string; apiToken: string };
  let key: string;
  let lease: string;
  let signaturePem: string;
  let server: ServerProcess;
  const licensing = (path: string) => `${server.url}/licensing/${org.organizationId}${path}`;

  before(async () => {
    const first = await serve(database);
    try {
      org = createdIn(first.banner);
      server = first;
      key = await createLicense(first.url, org.apiToken, 3);
      const obtained = await call(licensing('/lease/obtain'), 'POST', { key, clientId: 'workstation-1' });
      assert.equal(obtained.status, 200, JSON.stringify(obtained.body));
      lease = obtained.body.lease;
      const pem = await call(licensing('/signature.pem'), 'GET');
      assert.equal(pem.status, 200);
      signaturePem = pem.body;
      assert.match(signaturePem, /^-----BEGIN PUBLIC KEY-----/);
    } finally {
      assert.deepEqual(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
    }
    server = await serve(database);
  });

  after(async () => {
    await server?.stop();
  });

  it('starts without creating or printing another organization', () => {
    assert.doesNotMatch(server.banner, /admin password|API token/);
  });

  it('still counts the lease obtained before the crash', async () => {
    const res = await call(`${licensing('/key/validate')}?key=${encodeURIComponent(key)}`, 'GET');
    assert.equal(res.status, 200);
    assert.equal(res.body.isValid, true);
    assert.equal(res.body.leaseLimit, 3);
    assert.equal(res.body.leasesUsed, 1);
  });

  it('validates the lease obtained before the crash', async () => {
    const res = await call(`${licensing('/lease/validate')}?lease=${encodeURIComponent(lease)}`, 'GET');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.isValid, true);
    assert.equal(res.body.validFor[0].features[0].feature, 'core');
  });

  it('publishes the same signature.pem', async () => {
    const res = await call(licensing('/signature.pem'), 'GET');
    assert.equal(res.status, 200);
    assert.equal(res.body, signaturePem);
  });

  it('renews the lease on the same seat', async () => {
    const renewed = await call(licensing('/lease/renew'), 'POST', { lease });
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    assert.equal(renewed.body.success, true);
    const validated = await call(`${licensing('/lease/validate')}?lease=${encodeURIComponent(renewed.body.lease)}`, 'GET');
    assert.equal(validated.body.isValid, true);
    assert.equal((await call(`${licensing('/key/validate')}?key=${encodeURIComponent(key)}`, 'GET')).body.leasesUsed, 1, 'a renewal takes no second seat');
    // The same client gets its seat back rather than a second one.
    const again = await call(licensing('/lease/obtain'), 'POST', { key, clientId: 'workstation-1' });
    assert.equal(again.status, 200);
    assert.equal((await call(`${licensing('/key/validate')}?key=${encodeURIComponent(key)}`, 'GET')).body.leasesUsed, 1);
  });

  it('accepts the API token issued before the crash', async () => {
    const res = await call(`${server.url}/api/v1/organization`, 'GET', undefined, org.apiToken);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, org.organizationId);
  });
});

describe('SIGTERM with requests in flight', () => {
  it('answers every request it accepted completely, exits 0, and leaves a database that counts exactly the leases it granted', async () => {
    const database = join(dir, 'drained', 'leasehold.db');
    const first = await serve(database);
    const org = createdIn(first.banner);
    const endpoint = (url: string) => `${url}/licensing/${org.organizationId}`;
    let key: string;
    let held: string[];
    type Outcome = { kind: 'response'; status: number; body: { success?: boolean; lease?: string } } | { kind: 'no response' } | { kind: 'incomplete'; error: string };
    let obtains: Outcome[];
    let releases: Outcome[];
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    try {
      key = await createLicense(first.url, org.apiToken, null);
      held = [];
      for (let i = 0; i < 20; i++) held.push((await call(`${endpoint(first.url)}/lease/obtain`, 'POST', { key })).body.lease);

      // A request either gets no response at all (refused once the server stopped listening) or a
      // complete one; a response cut off in the middle is the failure this test looks for.
      // SIGTERM once some answers came back, while the rest are being worked on.
      let answers = 0;
      let enoughAnswered!: () => void;
      const answered = new Promise<void>((resolve) => (enoughAnswered = resolve));
      const post = async (path: string, body: unknown): Promise<Outcome> => {
        let res: Response;
        try {
          res = await fetch(`${endpoint(first.url)}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(HANG_MS),
          });
        } catch {
          return { kind: 'no response' };
        }
        if (++answers === 25) enoughAnswered();
        try {
          return { kind: 'response', status: res.status, body: JSON.parse(await res.text()) };
        } catch (err) {
          return { kind: 'incomplete', error: String(err) };
        }
      };
      // Releases of the held leases mixed in among the obtains, so that some come before the signal and some after.
      const obtaining: Promise<Outcome>[] = [];
      const releasing: Promise<Outcome>[] = [];
      for (let i = 0; i < 200; i++) {
        obtaining.push(post('/lease/obtain', { key, clientId: `client-${i}` }));
        if (i % 10 === 5) releasing.push(post('/lease/release', { lease: held[releasing.length] }));
      }
      const inFlight = Promise.all([Promise.all(obtaining), Promise.all(releasing)]);
      await answered;
      const stopping = first.stop('SIGTERM');
      [obtains, releases] = await inFlight;
      exit = await stopping;
    } finally {
      await first.stop('SIGKILL');
    }

    // Within the 10 s after which the server gives up draining and exits 1.
    assert.deepEqual(exit, DRAINED, first.output());
    const all = [...obtains, ...releases];
    assert.deepEqual(
      all.filter((o) => o.kind === 'incomplete'),
      [],
      'no response was cut off',
    );
    const responses = all.filter((o) => o.kind === 'response');
    assert.ok(responses.length > 0);
    assert.deepEqual(
      responses.filter((r) => !(r.status === 200 && r.body.success === true) && r.status !== 503),
      [],
      'every response is a success or a 503 for a request that came in while closing',
    );
    assert.deepEqual(
      responses.filter((r) => r.status === 503 && r.body.success !== false),
      [],
      "a 503 while closing answers in the licensing API's own shape",
    );
    const granted = obtains.flatMap((o) => (o.kind === 'response' && o.status === 200 ? [o.body.lease!] : []));
    const released = held.filter((_, i) => releases[i]!.kind === 'response' && (releases[i] as { status: number }).status === 200);
    assert.ok(granted.length > 0, 'some obtains were answered');

    const sqlite = new Database(database, { fileMustExist: true });
    try {
      assert.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      sqlite.close();
    }

    const second = await serve(database);
    try {
      const used = await call(`${endpoint(second.url)}/key/validate?key=${encodeURIComponent(key)}`, 'GET');
      assert.equal(used.body.leasesUsed, held.length - released.length + granted.length, `${granted.length} granted, ${released.length} of ${held.length} released`);
      for (const lease of granted) {
        const res = await call(`${endpoint(second.url)}/lease/validate?lease=${encodeURIComponent(lease)}`, 'GET');
        assert.equal(res.body.isValid, true, 'every lease granted before the stop is valid after it');
      }
      for (const lease of released) {
        const res = await call(`${endpoint(second.url)}/lease/validate?lease=${encodeURIComponent(lease)}`, 'GET');
        assert.equal(res.body.errorCode, 'LEASE_RELEASED', 'every release answered before the stop was kept');
      }
    } finally {
      assert.equal((await second.stop()).code, 0, second.output());
    }
  });

  it('finishes a request whose body was still arriving at SIGTERM, then exits 0 although the client keeps the connection open', async () => {
    const database = join(dir, 'kept-alive', 'leasehold.db');
    const first = await serve(database);
    const org = createdIn(first.banner);
    const port = Number(new URL(first.url).port);
    let key: string;
    let socket: Socket | undefined;
    let reply: string;
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    try {
      key = await createLicense(first.url, org.apiToken, 2);
      // A raw connection, so that the test decides when the body arrives and that the client never hangs up.
      socket = connect(port, '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      const until = (what: string, done: () => boolean) => waitUntil(what, done, { intervalMs: 10, diagnostics: () => `received: ${received}` });
      const body = JSON.stringify({ key, clientId: 'slow-client' });
      // Expect: 100-continue makes the server say when it has the request: from then on it is in flight.
      socket.write(
        `POST /licensing/${org.organizationId}/lease/obtain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
      );
      await until('100 Continue', () => received.includes('100 Continue'));

      const stopping = first.stop('SIGTERM');
      // The server is closing once it refuses new connections; only then does the body arrive.
      const refused = () =>
        new Promise<boolean>((resolve) => {
          const probe = connect(port, '127.0.0.1');
          probe.once('connect', () => {
            probe.destroy();
            resolve(false);
          });
          probe.once('error', () => resolve(true));
        });
      await waitUntil('the server to stop listening after SIGTERM', refused, { intervalMs: 10, diagnostics: () => first.output() });
      socket.write(body);
      const complete = () => {
        const final = received.slice(received.indexOf('100 Continue'));
        const head = final.indexOf('\r\n\r\n', final.indexOf('\r\n\r\n') + 4);
        const length = /^content-length: (\d+)$/im.exec(final)?.[1];
        return head >= 0 && length !== undefined && Buffer.byteLength(final.slice(head + 4)) >= Number(length);
      };
      await until('the response', complete);
      reply = received;
      exit = await stopping;
    } finally {
      socket?.destroy();
      await first.stop('SIGKILL');
    }

    assert.match(reply, /\r\n\r\nHTTP\/1\.1 200 OK\r\n/, reply);
    assert.match(reply, /"success":true/);
    // An idle kept-alive connection (72 s keep-alive) must not hold the exit up until the server gives up.
    assert.deepEqual(exit, DRAINED, `an idle kept-alive connection held the exit up: ${first.output()}`);

    const second = await serve(database);
    try {
      const used = await call(`${second.url}/licensing/${org.organizationId}/key/validate?key=${encodeURIComponent(key)}`, 'GET');
      assert.equal(used.body.leasesUsed, 1, 'the lease answered during the shutdown was kept');
    } finally {
      assert.equal((await second.stop()).code, 0, second.output());
    }
  });
});
