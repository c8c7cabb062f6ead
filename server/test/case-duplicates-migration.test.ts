// Migration 009 on a database that already holds names and key codes differing only in case.
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { createApiToken } from '../src/bootstrap.js';
import { resolveConfig } from '../src/config.js';
import { SecretBox } from '../src/keys/secret-box.js';
import { openStore } from '../src/store/index.js';
import * as initial from '../src/store/migrations/001_initial.js';
import * as accounts from '../src/store/migrations/002_accounts_audit_usage.js';
import * as housekeeping from '../src/store/migrations/003_lease_housekeeping.js';
import * as secretsAtRest from '../src/store/migrations/004_secrets_at_rest.js';
import * as accountSafety from '../src/store/migrations/005_account_safety.js';
import * as licensingThrottle from '../src/store/migrations/006_licensing_throttle.js';
import { domainEvents } from '../src/store/migrations/007_domain_events.js';
import * as leaseExpiry from '../src/store/migrations/008_lease_expiry.js';
import { ManualClock, PUBLIC_URL, tempDir } from './helpers.js';
import { createTestSchema, TEST_DATABASE } from './pg.js';

describe('a database made before names and key codes were compared in any case', () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates without failing: the older of each pair keeps the name or code in every case, the younger its exact spelling only', async () => {
    const schema = TEST_DATABASE === 'postgres' ? await createTestSchema() : undefined;
    const config = resolveConfig({ database: schema?.url ?? join(dir, `${randomUUID()}.db`), publicUrl: PUBLIC_URL, logLevel: 'silent' }, {});
    const kysely = new Kysely<any>({
      dialect: schema
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 1 }) })
        : new SqliteDialect({ database: new BetterSqlite3((config.database as { path: string }).path) }),
    });
    const org = randomUUID();
    const ids = { older: randomUUID(), younger: randomUUID(), coreOld: randomUUID(), coreNew: randomUUID(), customer: randomUUID(), licenseOld: randomUUID(), licenseNew: randomUUID() };
    try {
      const migrations = {
        '001_initial': initial,
        '002_accounts_audit_usage': accounts,
        '003_lease_housekeeping': housekeeping,
        '004_secrets_at_rest': secretsAtRest,
        '005_account_safety': accountSafety,
        '006_licensing_throttle': licensingThrottle,
        '007_domain_events': domainEvents(schema ? 'postgres' : 'sqlite'),
        '008_lease_expiry': leaseExpiry,
      };
      const migrator = new Migrator({
        db: kysely,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'leasehold_migration',
        migrationLockTableName: 'leasehold_migration_lock',
        ...(schema ? { migrationTableSchema: schema.name } : {}),
      });
      const { error } = await migrator.migrateToLatest();
      if (error) throw new Error('migrations 001 to 008 failed', { cause: error });
      await kysely.insertInto('organization').values({ id: org, name: 'Old', created_at: 1 }).execute();
      const named = (id: string, name: string, at: number) => ({ id, organization_id: org, name, description: null, created_at: at, updated_at: at });
      await kysely
        .insertInto('product')
        .values([named(ids.older, 'EDITOR', 1), named(ids.younger, 'editor', 2)])
        .execute();
      await kysely
        .insertInto('feature')
        .values([
          { ...named(ids.coreOld, 'core', 1), product_id: ids.older },
          { ...named(ids.coreNew, 'CORE', 2), product_id: ids.older },
        ])
        .execute();
      await kysely
        .insertInto('customer')
        .values({ id: ids.customer, organization_id: org, name: 'Initech', contact_name: null, contact_email: null, phone: null, comment: null, created_at: 1, updated_at: 1 })
        .execute();
      const license = (id: string, at: number) => ({ id, organization_id: org, customer_id: ids.customer, lease_limit: null, expiry: null, comment: null, created_at: at, updated_at: at });
      await kysely
        .insertInto('license')
        .values([license(ids.licenseOld, 1), license(ids.licenseNew, 2)])
        .execute();
      // Plain codes, as a database from before sealing holds them: the first start seals, then indexes.
      const key = (licenseId: string, code: string, at: number) => ({ id: randomUUID(), organization_id: org, license_id: licenseId, code_sealed: code, code_hash: null, created_at: at });
      await kysely
        .insertInto('license_key')
        .values([key(ids.licenseOld, 'OLDKEY-ABCDEF-0001', 1), key(ids.licenseNew, 'oldkey-abcdef-0001', 2)])
        .execute();
    } finally {
      await kysely.destroy();
    }

    const store = await openStore(config.database, { secrets: SecretBox.ephemeral() });
    const clock = new ManualClock();
    const app = await buildApp({ config, store, clock, logger: false });
    try {
      const { token } = await createApiToken(store, clock, org, 'test', 'owner');
      const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      const products = (await call('GET', '/api/v1/products')).json();
      assert.deepEqual(products.items.map((p: { name: string }) => p.name).sort(), ['EDITOR', 'editor'], 'both products are kept');
      const refused = await call('POST', '/api/v1/products', { name: 'Editor' });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().error.message, /"EDITOR" already exists/, 'the older holds the name');
      assert.equal((await call('PATCH', `/api/v1/products/${ids.younger}`, { name: 'editor-two' })).statusCode, 200, 'the younger can move to a free name');
      assert.equal((await call('POST', '/api/v1/products', { name: 'EDITOR-TWO' })).statusCode, 409, 'and then holds that name in every case');
      assert.equal((await call('POST', `/api/v1/products/${ids.older}/features`, { name: 'Core' })).statusCode, 409);

      const found = async (code: string) => (await store.leases.findKey(org, code))?.licenseId;
      assert.equal(await found('OLDKEY-ABCDEF-0001'), ids.licenseOld);
      assert.equal(await found('Oldkey-Abcdef-0001'), ids.licenseOld, 'any other case finds the older code');
      assert.equal(await found('oldkey-abcdef-0001'), ids.licenseNew, 'its exact spelling still reaches the younger');
      const searched = (await call('GET', '/api/v1/licenses?q=keyabc')).json();
      assert.deepEqual(searched.items.map((l: { id: string }) => l.id).sort(), [ids.licenseOld, ids.licenseNew].sort(), 'both codes are in the blind index');
      assert.equal((await call('GET', '/api/v1/licenses?q=initech')).json().total, 2, 'customer names got their keys');
    } finally {
      await app.close();
      await store.close();
      await schema?.drop();
    }
  });
});
