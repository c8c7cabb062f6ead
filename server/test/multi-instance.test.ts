// @postgres-only: several Leasehold instances on one PostgreSQL database behave as one server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { resolveConfig } from '../src/config.js';
import { SecretBox } from '../src/keys/secret-box.js';
import { openStore, type Store } from '../src/store/index.js';
import { createLicense, PUBLIC_URL, startTestServer, type TestServer } from './helpers.js';
import { createTestSchema, skipWithoutPostgres, type TestSchema } from './pg.js';
import { BIN, call, createLicenseOver, serve, type ServerProcess } from './processes.js';
import { waitUntil } from './wait.js';

const skip = await skipWithoutPostgres();

describe('four instances on one PostgreSQL database', { skip }, () => {
  let schema: TestSchema;
  const instances: ServerProcess[] = [];
  let org: { organizationId: string; apiToken: string };
  const endpoint = (i: number) => `${instances[i % instances.length]!.url}/licensing/${org.organizationId}`;

  before(async () => {
    schema = await createTestSchema();
    // Ten instances start at once on an empty database; the advisory lock lets one of them migrate.
    const starting = await Promise.allSettled(Array.from({ length: 10 }, () => serve(['--database', schema.url, '--no-bootstrap'], { startMs: 180_000 })));
    const started = starting.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failures = starting.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    for (const extra of started.slice(4)) await extra.stop();
    instances.push(...started.slice(0, 4));
    assert.deepEqual(failures, [], 'every instance started');
    const init = spawnSync(process.execPath, [BIN, 'init', '--database', schema.url, '--org-name', 'Shared', '--json'], { encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    org = JSON.parse(init.stdout);
  });

  after(async () => {
    const exits = await Promise.all(instances.map((s) => s.stop()));
    await schema?.drop();
    assert.deepEqual(
      exits.filter((e) => e.code !== 0),
      [],
      'every instance drains and exits 0',
    );
  });

  it('migrated the schema exactly once although ten instances started at once', async () => {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: string }>('select name, count(*) as n from leasehold_migration group by name order by name');
      assert.ok(rows.length >= 2, 'the migrations are recorded');
      assert.deepEqual(
        rows.filter((r) => Number(r.n) !== 1),
        [],
        'each migration ran once',
      );
    } finally {
      await client.end();
    }
  });

  it('validates on B a lease obtained through A, releases it through C, and D sees it released', async () => {
    const license = await createLicenseOver(instances[0]!.url, org.apiToken, 3);
    const obtained = await call(`${endpoint(0)}/lease/obtain`, 'POST', { key: license.key, clientId: 'roaming' });
    assert.equal(obtained.status, 200, JSON.stringify(obtained.body));
    const lease = obtained.body.lease as string;
    const onB = await call(`${endpoint(1)}/lease/validate?lease=${encodeURIComponent(lease)}`);
    assert.equal(onB.body.isValid, true, JSON.stringify(onB.body));
    assert.equal((await call(`${endpoint(2)}/lease/release`, 'POST', { lease })).status, 200);
    const onD = await call(`${endpoint(3)}/lease/validate?lease=${encodeURIComponent(lease)}`);
    assert.equal(onD.body.errorCode, 'LEASE_RELEASED');
    assert.equal((await call(`${endpoint(1)}/key/validate?key=${encodeURIComponent(license.key)}`)).body.leasesUsed, 0);
  });

  it('gives exactly 25 leases to 400 obtains fired at once across the four instances', async () => {
    const license = await createLicenseOver(instances[1]!.url, org.apiToken, 25);
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => call(`${endpoint(i)}/lease/obtain`, 'POST', { key: license.key, clientId: `client-${i}` })));
    assert.deepEqual(
      answers.filter((a) => !(a.status === 200 || (a.status === 409 && a.body.errorCode === 'LEASE_LIMIT_REACHED'))),
      [],
      'every answer is a lease or LEASE_LIMIT_REACHED',
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 25);
    for (let i = 0; i < 4; i++) {
      assert.equal((await call(`${endpoint(i)}/key/validate?key=${encodeURIComponent(license.key)}`)).body.leasesUsed, 25, `instance ${i} counts 25`);
    }
  });

  it('gives one client that obtains through every instance at once one seat', async () => {
    const license = await createLicenseOver(instances[2]!.url, org.apiToken, 5);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => call(`${endpoint(i)}/lease/obtain`, 'POST', { key: license.key, clientId: 'restarting-client' })));
    assert.ok(answers.some((a) => a.status === 200));
    assert.ok(
      answers.every((a) => a.status === 200),
      `a client holding the seat is never refused: ${answers.map((a) => a.status).join(',')}`,
    );
    assert.equal((await call(`${endpoint(3)}/key/validate?key=${encodeURIComponent(license.key)}`)).body.leasesUsed, 1);
  });

  it('lets exactly one of 50 simultaneous renewals of one lease across the instances succeed', async () => {
    const license = await createLicenseOver(instances[3]!.url, org.apiToken, 2);
    const lease = (await call(`${endpoint(0)}/lease/obtain`, 'POST', { key: license.key })).body.lease as string;
    const renewals = await Promise.all(Array.from({ length: 50 }, (_, i) => call(`${endpoint(i)}/lease/renew`, 'POST', { lease })));
    assert.equal(renewals.filter((r) => r.status === 200).length, 1, renewals.map((r) => `${r.status} ${r.body.errorCode ?? ''}`).join(','));
    assert.ok(renewals.every((r) => r.status === 200 || (r.status === 409 && r.body.errorCode === 'LEASE_RELEASED')));
    assert.equal((await call(`${endpoint(1)}/key/validate?key=${encodeURIComponent(license.key)}`)).body.leasesUsed, 1);
  });

  it('accepts on every instance an API token created through one', async () => {
    const created = await call(`${instances[0]!.url}/api/v1/tokens`, 'POST', { name: 'made on A', role: 'viewer' }, org.apiToken);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 1; i < 4; i++) assert.equal((await call(`${instances[i]!.url}/api/v1/organization`, 'GET', undefined, created.body.token)).status, 200);
  });
});

describe('caches across instances', { skip }, () => {
  // Two instances in this process on one database, each with its own cache, on one manual clock.
  let a: TestServer;
  let b: { app: Awaited<ReturnType<typeof buildApp>>; store: Store };

  before(async () => {
    a = await startTestServer();
    assert.equal(a.config.database.kind, 'postgres');
    const config = resolveConfig({ publicUrl: PUBLIC_URL, logLevel: 'silent' }, {});
    const store = await openStore(a.config.database, { secrets: a.store.secrets });
    b = { store, app: await buildApp({ config: { ...config, database: a.config.database }, store, clock: a.clock, logger: false }) };
  });
  after(async () => {
    await b?.app.close();
    await b?.store.close();
    await a?.close();
  });

  it('shows a signing key rotated on A on B within LEASEHOLD_CACHE_TTL_MS (default 5 s), and not before B cached it', async () => {
    const pem = async () => (await b.app.inject({ url: `${a.licensingPath}/signature.pem` })).body;
    const before = await pem();
    assert.equal((await a.admin('POST', '/api/v1/organization/signing-keys/rotate')).statusCode, 200);
    const after = (await a.app.inject({ url: `${a.licensingPath}/signature.pem` })).body;
    assert.notEqual(after, before, 'A signs with the new key at once');
    assert.equal(await pem(), before, 'B still uses the key it cached');
    a.clock.advance(a.config.cacheTtlMs / 1000 - 0.001);
    assert.equal(await pem(), before, 'until the TTL has passed');
    a.clock.advance(0.002);
    assert.equal(await pem(), after, 'then B signs with the new key');
    assert.equal(a.config.cacheTtlMs, 5000);
  });
});

describe('usage history across instances', { skip }, () => {
  // Two instances in this process on one database, on one manual clock, both serving and flushing.
  let a: TestServer;
  let b: { app: Awaited<ReturnType<typeof buildApp>>; store: Store };

  before(async () => {
    a = await startTestServer();
    const store = await openStore(a.config.database, { secrets: a.store.secrets });
    b = { store, app: await buildApp({ config: a.config, store, clock: a.clock, logger: false }) };
  });
  after(async () => {
    await b?.app.close();
    await b?.store.close();
    await a?.close();
  });

  it('counts the peak and each refusal once while both instances obtain and flush at once', async () => {
    const license = await createLicense(a, { leaseLimit: 5 });
    const obtain = (app: typeof b.app) => app.inject({ method: 'POST', url: `${a.licensingPath}/lease/obtain`, payload: { key: license.key, expiry: 7200 } });
    const answers = [];
    for (let round = 0; round < 4; round++) {
      const calls = Array.from({ length: 10 }, (_, i) => obtain(i % 2 === 0 ? a.app : b.app));
      const flushes = [a.app.usage.flush(), b.app.usage.flush()];
      answers.push(...(await Promise.all(calls)).map((res) => res.statusCode));
      await Promise.all(flushes);
      // The hold (30 s) runs out: the next round's flushes race to take the history.
      a.clock.advance(31);
    }
    assert.equal(answers.filter((status) => status === 200).length, 5);
    assert.equal(answers.filter((status) => status === 409).length, 35);
    // Flushed until the history has read past the last of these events (a reader takes an event
    // only once the transactions older than it, other tests' too, have ended).
    const [last] = await a.store.events.list(a.org.organizationId, { types: ['lease.obtained', 'lease.refused'], limit: 1 });
    await waitUntil('the usage history past the last lease event', async () => {
      await Promise.all([a.app.usage.flush(), b.app.usage.flush()]);
      const cursor = (await a.store.eventSubscriptions.get('usage-history'))?.cursor;
      return cursor !== undefined && (cursor.tx > last!.cursor.tx || (cursor.tx === last!.cursor.tx && cursor.id >= last!.cursor.id));
    });
    const rows = await a.store.usage.rows(a.org.organizationId, 0, Number.MAX_SAFE_INTEGER, license.licenseId);
    assert.deepEqual(
      rows.map((r) => [r.peakLeases, r.refused]),
      [[5, 35]],
    );
  });
});

describe('several Leasehold databases in one PostgreSQL database, one schema each', { skip }, () => {
  it('migrates each schema on its own, although the other one already holds the migration tables', async () => {
    const first = await createTestSchema();
    const second = await createTestSchema();
    try {
      for (const schema of [first, second]) {
        const store = await openStore(schema.config, { secrets: SecretBox.ephemeral() });
        try {
          assert.equal(await store.organizations.count(), 0);
        } finally {
          await store.close();
        }
      }
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ schema: string }>("select table_schema as schema from information_schema.tables where table_name = 'lease' and table_schema in ($1, $2)", [
          first.name,
          second.name,
        ]);
        assert.deepEqual(rows.map((r) => r.schema).sort(), [first.name, second.name].sort());
      } finally {
        await client.end();
      }
    } finally {
      await first.drop();
      await second.drop();
    }
  });
});
