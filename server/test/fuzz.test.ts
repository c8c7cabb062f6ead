import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { createLicense, startTestServer, type TestLicense, type TestServer } from './helpers.js';

/**
 * Random requests to every route of both APIs, on whichever database the suite runs: whatever
 * arrives, the answer is never a 5xx. The generator is seeded, so a failure names the seed and the
 * request that reproduces it (LEASEHOLD_FUZZ_SEED, LEASEHOLD_FUZZ_ROUNDS change the run).
 */
const SEED = Number(process.env.LEASEHOLD_FUZZ_SEED ?? 20261201);
const ROUNDS = Number(process.env.LEASEHOLD_FUZZ_ROUNDS ?? 25);

/** mulberry32: small, fast and good enough to spread inputs. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

/** Strings that have broken servers: empty, huge, NUL, control and astral characters, SQL, paths, numbers as text. */
function nastyString(r: Random, known: readonly string[]): string {
  const choices = [
    () => '',
    () => '\u0000',
    () => `a\u0000b`,
    () => 'x'.repeat(r.pick([1, 63, 64, 65, 100, 101, 128, 129, 200, 201, 256, 257, 1024, 5000, 70_000])),
    () => "' OR 1=1 --",
    () => '../../etc/passwd',
    () => '%00%ff%fe',
    () => '\ud83d\ude00'.repeat(r.int(300)),
    () => '\ud800',
    () => '\u202e\u0007\u001b[31m',
    () => String(r.int(1e9)),
    () => '-1',
    () => '1e309',
    () => 'NaN',
    () => '2027-06-31T00:00:00Z',
    () => '0000-00-00',
    () => '9999-12-31T23:59:59.999Z',
    () => '00000000-0000-0000-0000-000000000000',
    () => crypto.randomUUID(),
    () => r.pick(known),
    () => r.pick(known) + '\u0000',
    () => r.pick(known).toUpperCase(),
  ];
  // NUL is what PostgreSQL refuses to store and SQLite stores: the likeliest difference between them.
  if (r.next() < 0.2) return r.pick(['\u0000', 'a\u0000b', `${r.pick(known)}\u0000`]);
  return r.pick(choices)();
}

function nastyValue(r: Random, known: readonly string[], depth = 0): unknown {
  const choices: (() => unknown)[] = [
    () => nastyString(r, known),
    () => nastyString(r, known),
    () => r.pick([0, -1, 1, 1.5, -0.5, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, 86_400, 1e12]),
    () => r.pick([true, false, null]),
    () => (depth < 3 ? Array.from({ length: r.int(4) }, () => nastyValue(r, known, depth + 1)) : []),
    () => (depth < 3 ? { $ne: '', [nastyString(r, known)]: nastyValue(r, known, depth + 1) } : {}),
    () => (r.next() < 0.2 ? JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"polluted": true}}}') : {}),
  ];
  return r.pick(choices)();
}

interface Operation {
  method: string;
  path: string;
  properties: string[];
}

/** Every route of the OpenAPI document with the body fields its schema names. */
function operations(document: { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: object } }> } }>> }): Operation[] {
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      found.push({ method: method.toUpperCase(), path, properties: Object.keys(schema?.properties ?? {}) });
    }
  }
  return found;
}

describe('fuzzing both APIs', () => {
  let server: TestServer;
  let license: TestLicense;
  let known: string[];
  let lease: string;
  let ops: Operation[];
  before(async () => {
    server = await startTestServer();
    license = await createLicense(server, { leaseLimit: 3 });
    lease = (await server.app.inject({ method: 'POST', url: `${server.licensingPath}/lease/obtain`, payload: { key: license.key } })).json().lease as string;
    known = [license.key, lease, license.licenseId, license.customerId, license.productId, license.featureIds[0]!, server.org.organizationId, server.org.apiToken];
    // The licensing API first, while the license it is given still exists: the admin API's turn
    // may change or delete it (it holds an owner's token).
    const byApi = (op: Operation) => (op.path.startsWith('/licensing/') ? 0 : 1);
    ops = operations((await server.app.inject({ method: 'GET', url: '/openapi.json' })).json()).sort((a, b) => byApi(a) - byApi(b));
    assert.ok(ops.some((o) => o.path.startsWith('/licensing/')) && ops.some((o) => o.path.startsWith('/api/v1/')), 'both APIs are described');
  });
  after(() => server.close());

  /** A lone surrogate cannot be percent-encoded as UTF-8: send the bytes of one, which is as bad. */
  const encode = (text: string) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return '%ED%A0%80';
    }
  };

  /** Fills `{name}` path parameters: mostly ids that exist, sometimes anything. */
  const fillPath = (r: Random, path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => encode(name === 'organizationId' && r.next() < 0.8 ? server.org.organizationId : r.next() < 0.5 ? r.pick(known) : nastyString(r, known)));

  /** Every request built here has a string URL and, if any, a string body: failures quote them. */
  type FuzzRequest = Omit<InjectOptions, 'url' | 'payload'> & { url: string; payload?: string };

  function request(r: Random, op: Operation): FuzzRequest {
    const url = fillPath(r, op.path);
    const fields = [...op.properties, 'key', 'lease', 'expiry', 'clientId', 'limit', 'offset', 'q'];
    const query = new URLSearchParams();
    for (let i = r.int(4); i > 0; i--) {
      const value = nastyValue(r, known);
      query.append(r.pick(fields), typeof value === 'string' ? value : JSON.stringify(value));
    }
    const headers: Record<string, string> = r.next() < 0.9 ? { authorization: `Bearer ${server.org.apiToken}` } : {};
    if (r.next() < 0.1) headers['x-forwarded-for'] = nastyString(r, known).replace(/[^\x20-\x7e]/g, '');
    // From many addresses, so that the limit on failed lookups (which the fuzzing trips at once from
    // one address) does not hide the code behind it.
    const remoteAddress = `10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`;
    const options: FuzzRequest = { method: op.method, url: `${url}${query.size ? `?${query}` : ''}`, headers, remoteAddress };
    if (op.method === 'GET' || op.method === 'DELETE' || r.next() < 0.1) return options;
    const body: Record<string, unknown> = {};
    // Half the time every field but one gets a value that passes the first checks (the real key,
    // the real lease), so that the code behind them is reached: a NUL in a client id only matters
    // with a valid key.
    const plausible: Record<string, () => unknown> = { key: () => license.key, lease: () => lease, expiry: () => r.pick([60, '60', null]), clientId: () => 'client-1' };
    const nasty = r.pick(op.properties.length > 0 ? op.properties : ['']);
    const mostlyValid = r.next() < 0.5;
    for (const field of op.properties) {
      if (mostlyValid && field !== nasty && plausible[field]) body[field] = plausible[field]();
      else if (mostlyValid && field === nasty) body[field] = r.next() < 0.5 ? nastyString(r, known) : nastyValue(r, known);
      else if (!mostlyValid && r.next() < 0.7) body[field] = nastyValue(r, known);
    }
    if (r.next() < 0.2) body[nastyString(r, known)] = nastyValue(r, known);
    switch (r.int(6)) {
      case 0:
        headers['content-type'] = 'application/x-www-form-urlencoded';
        options.payload = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
        break;
      case 1:
        headers['content-type'] = 'application/json';
        options.payload = r.pick(['{', '{"key":', 'null', '[]', '"text"', '1', '{"a":1}{"b":2}', '\u0000', JSON.stringify(body).slice(0, -1)]);
        break;
      case 2:
        headers['content-type'] = r.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16']);
        options.payload = JSON.stringify(body);
        break;
      default:
        headers['content-type'] = 'application/json';
        options.payload = JSON.stringify(r.next() < 0.1 ? nastyValue(r, known) : body);
    }
    return options;
  }

  it(`never answers 5xx to ${ROUNDS} random requests per route (seed ${SEED})`, async () => {
    const r = random(SEED);
    const failures: string[] = [];
    let sent = 0;
    for (const op of ops) {
      // The licensing API takes anyone's requests, unauthenticated: it gets more of them.
      const rounds = op.path.startsWith('/licensing/') ? ROUNDS * 20 : ROUNDS;
      for (let round = 0; round < rounds; round++) {
        const options = request(r, op);
        const response = await server.app.inject(options);
        sent++;
        if (response.statusCode >= 500) {
          failures.push(`${response.statusCode} for ${options.method} ${options.url.slice(0, 300)} ${(options.payload ?? '').slice(0, 300)}: ${response.body.slice(0, 300)}`);
        }
      }
    }
    assert.ok(sent >= ops.length * ROUNDS);
    assert.deepEqual(failures, [], `seed ${SEED}`);
  });

  it('the server still works after the fuzzing: a new license gives a lease', async () => {
    // The fuzzing may have changed or deleted what it was given (it holds an owner's token); what
    // matters is that nothing it sent broke the server or its database.
    const fresh = await createLicense(server, { leaseLimit: 1 });
    const obtained = await server.app.inject({ method: 'POST', url: `${server.licensingPath}/lease/obtain`, payload: { key: fresh.key } });
    assert.equal(obtained.statusCode, 200, obtained.body);
    const health = await server.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
  });
});
