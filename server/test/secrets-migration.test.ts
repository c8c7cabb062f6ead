// A database written by a version that stored secrets in plain text is sealed in place at the
// first start of this one, and goes on working: old keys, old leases, the same signing key.
import assert from 'node:assert/strict';
import { importSPKI, jwtVerify } from 'jose';
import { Migrator, sql, type Kysely } from 'kysely';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { generateApiToken, generateKeyCode } from '../src/credentials.js';
import { resolveConfig, type Config } from '../src/config.js';
import { generateSigningKey } from '../src/keys/algorithms.js';
import { hashLeaseCode, signLeaseCode } from '../src/keys/lease-code.js';
import { openConfiguredStore } from '../src/server.js';
import { openPostgres } from '../src/store/postgres/open-postgres.js';
import { openSqlite } from '../src/store/sqlite/open-sqlite.js';
import type { Store } from '../src/store/index.js';
import * as initial from '../src/store/migrations/001_initial.js';
import * as accounts from '../src/store/migrations/002_accounts_audit_usage.js';
import * as housekeeping from '../src/store/migrations/003_lease_housekeeping.js';
import { ManualClock, PUBLIC_URL, tempDir } from './helpers.js';
import { createTestSchema, TEST_DATABASE, type TestSchema } from './pg.js';
import { copyOfDatabase, tracesOfPrivateKey } from './secrets-copy.js';

interface OldDatabase {
  organizationId: string;
  licenseId: string;
  keyCode: string;
  apiToken: string;
  privateKeyPem: string;
  /** A lease code the old version issued, still active. */
  lease: string;
}

/** Runs migrations 001 to 003 only and writes the rows an organization, a license and a lease left, as the old version wrote them. */
async function buildOldDatabase(config: Config, clock: ManualClock): Promise<OldDatabase> {
  const db = config.database.kind === 'sqlite' ? openSqlite(config.database.path) : openPostgres(config.database.url);
  try {
    const schema = db.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db.kysely)).rows[0]!.s : undefined;
    const migrator = new Migrator({
      db: db.kysely,
      provider: { getMigrations: async () => ({ '001_initial': initial, '002_accounts_audit_usage': accounts, '003_lease_housekeeping': housekeeping }) },
      migrationTableName: 'leasehold_migration',
      migrationLockTableName: 'leasehold_migration_lock',
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw new Error('migrations 001 to 003 failed', { cause: error });

    const k = db.kysely as unknown as Kysely<any>;
    const now = clock.now();
    const organizationId = randomUUID();
    const signingKeyId = randomUUID();
    const pair = generateSigningKey('ES256');
    const token = generateApiToken();
    const customerId = randomUUID();
    const productId = randomUUID();
    const featureId = randomUUID();
    const licenseId = randomUUID();
    const keyId = randomUUID();
    const keyCode = generateKeyCode();
    await k.insertInto('organization').values({ id: organizationId, name: 'Old Org', created_at: now }).execute();
    await k
      .insertInto('signing_key')
      .values({ id: signingKeyId, organization_id: organizationId, algorithm: 'ES256', public_key_pem: pair.publicKeyPem, private_key_pem: pair.privateKeyPem, created_at: now, retired_at: null })
      .execute();
    await k.insertInto('api_token').values({ id: token.id, organization_id: organizationId, name: 'old', role: 'owner', secret_hash: token.secretHash, created_at: now, last_used_at: null }).execute();
    await k.insertInto('customer').values({ id: customerId, organization_id: organizationId, name: 'Old Customer', created_at: now, updated_at: now }).execute();
    await k.insertInto('product').values({ id: productId, organization_id: organizationId, name: 'tool', description: null, created_at: now, updated_at: now }).execute();
    await k.insertInto('feature').values({ id: featureId, organization_id: organizationId, product_id: productId, name: 'core', description: null, created_at: now, updated_at: now }).execute();
    await k
      .insertInto('license')
      .values({ id: licenseId, organization_id: organizationId, customer_id: customerId, lease_limit: 5, expiry: null, comment: null, created_at: now, updated_at: now })
      .execute();
    await k.insertInto('license_feature').values({ license_id: licenseId, feature_id: featureId }).execute();
    await k.insertInto('license_key').values({ id: keyId, organization_id: organizationId, license_id: licenseId, code: keyCode, created_at: now }).execute();

    const leaseId = randomUUID();
    const iat = Math.floor(now / 1000);
    const lease = signLeaseCode(
      { kid: signingKeyId, algorithm: 'ES256', privateKey: createPrivateKey(pair.privateKeyPem) },
      {
        iss: `${PUBLIC_URL}/licensing/${organizationId}`,
        sub: licenseId,
        jti: leaseId,
        iat,
        exp: iat + 3600,
        validFor: [{ product: 'tool', productDescription: null, features: [{ feature: 'core', featureDescription: null }] }],
      },
    );
    await k
      .insertInto('lease')
      .values({
        id: leaseId,
        organization_id: organizationId,
        license_id: licenseId,
        key_id: keyId,
        client_id: null,
        issued_at: now,
        expires_at: (iat + 3600) * 1000,
        state: 'active',
        revoked_reason: null,
        signing_key_id: signingKeyId,
        code_hash: hashLeaseCode(lease),
        replaced_by: null,
        ended_at: null,
      })
      .execute();
    // The old audit log recorded licenses as the API showed them, key codes included.
    await k
      .insertInto('audit_event')
      .values({
        id: `${now.toString(36).padStart(10, '0')}-0000-000000000000`,
        organization_id: organizationId,
        at: now,
        actor_type: 'token',
        actor_id: token.id,
        actor_name: 'old',
        action: 'create',
        resource_type: 'license',
        resource_id: licenseId,
        before_json: null,
        after_json: JSON.stringify({ id: licenseId, customerId, keys: [keyCode], leaseLimit: 5 }),
      })
      .execute();
    return { organizationId, licenseId, keyCode, apiToken: token.token, privateKeyPem: pair.privateKeyPem, lease };
  } finally {
    await db.close();
  }
}

describe('a database from before secrets were sealed', () => {
  const dir = tempDir();
  let schema: TestSchema | undefined;
  let store: Store | undefined;
  after(async () => {
    await store?.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is sealed in place at the first start, and its keys, leases and signing key go on working', async () => {
    schema = TEST_DATABASE === 'postgres' ? await createTestSchema() : undefined;
    const env = schema ? { LEASEHOLD_SECRET_KEY_FILE: join(dir, 'leasehold.key') } : {};
    const config = resolveConfig({ database: schema?.url ?? join(dir, 'leasehold.db'), publicUrl: PUBLIC_URL, logLevel: 'silent' }, env);
    const clock = new ManualClock();
    const old = await buildOldDatabase(config, clock);
    const before = await copyOfDatabase(config.database);
    assert.ok(before.includes(old.keyCode), 'the old version left the key code in plain text');

    store = await openConfiguredStore(config);
    const app = await buildApp({ config, store, clock, logger: false });
    const licensing = `/licensing/${old.organizationId}`;
    const admin = (url: string) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${old.apiToken}` } });

    const key = await app.inject({ method: 'GET', url: `${licensing}/key/validate`, query: { key: old.keyCode } });
    assert.equal(key.json().isValid, true, key.body);
    const lease = await app.inject({ method: 'GET', url: `${licensing}/lease/validate`, query: { lease: old.lease } });
    assert.equal(lease.json().isValid, true, lease.body);

    // The same key pair signs: a lease from before and one from now verify with the published key.
    const publicKey = await importSPKI((await app.inject({ method: 'GET', url: `${licensing}/signature.pem` })).body, 'ES256');
    const obtained = await app.inject({ method: 'POST', url: `${licensing}/lease/obtain`, payload: { key: old.keyCode, clientId: 'after-upgrade' } });
    assert.equal(obtained.statusCode, 200, obtained.body);
    for (const code of [old.lease, obtained.json().lease as string]) {
      await jwtVerify(code, publicKey, { currentDate: new Date(clock.now()), issuer: `${PUBLIC_URL}${licensing}` });
    }

    const license = await admin(`/licenses/${old.licenseId}`);
    assert.deepEqual(license.json().keys, [old.keyCode], 'admins still see the code');
    assert.equal((await admin(`/licenses?q=${old.keyCode}`)).json().total, 1, 'the search by key finds it');
    const audit = (await admin('/audit?resourceType=license')).json().items as { after: { keys: string[] } }[];
    assert.deepEqual(audit[0]!.after.keys, [`…${old.keyCode.slice(-4)}`], 'the audit log keeps the code masked');

    const copy = await copyOfDatabase(config.database);
    assert.equal(copy.includes(old.keyCode), false, 'the key code is in the database');
    for (const trace of tracesOfPrivateKey(old.privateKeyPem)) assert.equal(copy.includes(trace), false, 'the private key is in the database');

    // A later start finds everything sealed and changes nothing.
    await app.close();
    await store.close();
    store = await openConfiguredStore(config);
    assert.equal((await store.leases.findKey(old.organizationId, old.keyCode))?.licenseId, old.licenseId);
  });
});
