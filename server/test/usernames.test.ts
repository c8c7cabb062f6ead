import assert from 'node:assert/strict';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { createOrganization } from '../src/bootstrap.js';
import { hashPassword } from '../src/credentials.js';
import { resolveConfig } from '../src/config.js';
import { SecretBox } from '../src/keys/secret-box.js';
import { openStore } from '../src/store/index.js';
import * as initial from '../src/store/migrations/001_initial.js';
import * as accounts from '../src/store/migrations/002_accounts_audit_usage.js';
import * as housekeeping from '../src/store/migrations/003_lease_housekeeping.js';
import { ManualClock, PUBLIC_URL, startTestServer, tempDir, type TestServer } from './helpers.js';
import { createTestSchema, TEST_DATABASE } from './pg.js';

const PASSWORD = 'correct horse battery';

function signIn(server: { app: TestServer['app'] }, username: string, password: string, ip = '127.0.0.1') {
  return server.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress: ip });
}

describe('usernames are unique and signed in with regardless of case and width', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const create = (username: string, token = server.org.apiToken) => server.admin('POST', '/api/v1/users', { username, displayName: username, role: 'viewer', password: PASSWORD }, token);

  it('refuses ADMIN beside admin, and CF_VICTIM in another organization beside cf_victim, with 409', async () => {
    const res = await create('ADMIN');
    assert.equal(res.statusCode, 409, res.body);
    assert.match(res.json().error.message, /taken/);
    assert.equal((await create('cf_victim')).statusCode, 201);
    const other = await server.addOrganization('Attacker');
    assert.equal((await create('CF_VICTIM', other.apiToken)).statusCode, 409);
    assert.equal((await create('Cf_Victim', other.apiToken)).statusCode, 409);
  });

  it('signs in whatever the case (and full-width letters) of the name, as the one account', async () => {
    for (const name of ['cf_victim', 'CF_VICTIM', 'Cf_Victim', 'ｃｆ_ｖｉｃｔｉｍ']) {
      const res = await signIn(server, name, PASSWORD, '10.50.0.1');
      assert.equal(res.statusCode, 200, name);
      assert.equal(res.json().user.username, 'cf_victim');
    }
  });

  it('counts failures of every spelling against the one account', async () => {
    await create('spelled');
    const spellings = ['spelled', 'SPELLED', 'Spelled', 'sPeLLeD', 'SPELLed'];
    for (const [i, name] of spellings.entries()) assert.equal((await signIn(server, name, 'wrong', `10.51.0.${i}`)).statusCode, 401);
    assert.equal((await signIn(server, 'spelled', PASSWORD, '10.51.1.1')).statusCode, 429);
  });

  it('gives a new organization a free name: Admin and Admin2 are taken by admin and admin2, so it gets Admin3', async () => {
    assert.equal(await server.store.organizations.usernameTaken('ADMIN2'), true, 'the second organization has admin2');
    const created = await createOrganization(server.store, server.clock, { name: 'Third', adminUsername: 'Admin' });
    assert.equal(created.adminUsername, 'Admin3');
    assert.equal(await server.store.organizations.usernameTaken('admin3'), true);
    assert.equal(await server.store.organizations.usernameTaken('admin4'), false);
  });
});

describe('a database made before usernames were normalized', () => {
  // Builds the schema as it was (migrations 001 to 003) with two usernames that differ only in case.
  const dir = tempDir();
  let open: () => Promise<{ config: ReturnType<typeof resolveConfig>; drop: () => Promise<void> }>;
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    open = async () => {
      const schema = TEST_DATABASE === 'postgres' ? await createTestSchema() : undefined;
      const config = resolveConfig({ database: schema?.url ?? join(dir, `${randomUUID()}.db`), publicUrl: PUBLIC_URL, logLevel: 'silent' }, {});
      const kysely = new Kysely<any>({
        dialect: schema
          ? new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 1 }) })
          : new SqliteDialect({ database: new BetterSqlite3((config.database as { path: string }).path) }),
      });
      try {
        const migrator = new Migrator({
          db: kysely,
          provider: { getMigrations: async () => ({ '001_initial': initial, '002_accounts_audit_usage': accounts, '003_lease_housekeeping': housekeeping }) },
          migrationTableName: 'leasehold_migration',
          migrationLockTableName: 'leasehold_migration_lock',
          ...(schema ? { migrationTableSchema: schema.name } : {}),
        });
        const { error } = await migrator.migrateToLatest();
        if (error) throw new Error('migrations 001 to 003 failed', { cause: error });
        const org = randomUUID();
        await kysely.insertInto('organization').values({ id: org, name: 'Old', created_at: 1 }).execute();
        const hash = await hashPassword(PASSWORD);
        const user = (username: string, at: number) => ({ id: randomUUID(), organization_id: org, username, display_name: username, email: null, password_hash: hash, role: 'owner', created_at: at });
        await kysely
          .insertInto('admin_user')
          .values([user('Bob', 1), user('BOB', 2), user('alice', 3)])
          .execute();
        await kysely
          .insertInto('api_token')
          .values({ id: randomUUID(), organization_id: org, name: 'old token', role: 'owner', secret_hash: '0'.repeat(64), created_at: 1, last_used_at: null })
          .execute();
        await sql`select 1`.execute(kysely);
      } finally {
        await kysely.destroy();
      }
      return { config, drop: async () => schema?.drop() };
    };
  });

  it('migrates without failing; the older account keeps the name, the younger signs in with its exact spelling only', async () => {
    const { config, drop } = await open();
    const store = await openStore(config.database, { secrets: SecretBox.ephemeral() });
    const app = await buildApp({ config, store, clock: new ManualClock(), logger: false });
    try {
      const as = async (name: string, ip: string) => {
        const res = await signIn({ app }, name, PASSWORD, ip);
        assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
        return res.json().user.username as string;
      };
      assert.equal(await as('Bob', '10.60.0.1'), 'Bob');
      assert.equal(await as('bob', '10.60.0.2'), 'Bob');
      assert.equal(await as('BOB', '10.60.0.3'), 'BOB', 'its exact spelling still reaches the younger account');
      assert.equal(await as('ALICE', '10.60.0.4'), 'alice');
      assert.equal(await store.organizations.usernameTaken('bOb'), true);
      // The two accounts keep separate counts: failures against BOB are not cleared by Bob signing in.
      for (let i = 0; i < 5; i++) assert.equal((await signIn({ app }, 'BOB', 'wrong', `10.61.0.${i}`)).statusCode, 401);
      assert.equal(await as('Bob', '10.61.1.1'), 'Bob');
      assert.equal((await signIn({ app }, 'BOB', PASSWORD, '10.61.1.2')).statusCode, 429);
    } finally {
      await app.close();
      await store.close();
      await drop();
    }
  });
});
