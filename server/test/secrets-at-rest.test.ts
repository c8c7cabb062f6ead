// A copy of the database alone must let nobody sign a lease or use a key code.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createOrganization } from '../src/bootstrap.js';
import { resolveConfig } from '../src/config.js';
import { Keychain } from '../src/keys/keychain.js';
import { SealError, SecretBox } from '../src/keys/secret-box.js';
import { openConfiguredStore } from '../src/server.js';
import { createLicense, licensingClient, ManualClock, startTestServer, tempDir, type TestServer } from './helpers.js';
import { createTestSchema, TEST_DATABASE, type TestSchema } from './pg.js';
import { copyOfDatabase, readColumn, tracesOfPrivateKey } from './secrets-copy.js';

const sqlite = TEST_DATABASE === 'sqlite';

describe('a stolen copy of the database', () => {
  let server: TestServer;
  after(() => server?.close());

  it('holds no private signing key and no key code, and what it stores cannot sign or be opened without the key', async () => {
    server = await startTestServer();
    const license = await createLicense(server, { leaseLimit: 3 });
    const custom = 'ACME-CUSTOM-CODE-2030-GOLD';
    const patched = await server.admin('PATCH', `/api/v1/licenses/${license.licenseId}`, { keys: [license.key, custom] });
    assert.equal(patched.statusCode, 200);
    assert.deepEqual(patched.json().keys.sort(), [license.key, custom].sort(), 'admins still see the codes');
    const obtained = await licensingClient(server).obtain(custom, { clientId: 'host-1' });
    assert.equal(obtained.statusCode, 200, obtained.body);
    assert.equal((await licensingClient(server).validateKey(license.key)).json().isValid, true);

    const record = (await server.store.signingKeys.current(server.org.organizationId))!;
    const pem = server.store.secrets.openPrivateKey(record.id, record.sealedPrivateKey);
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);

    const copy = await copyOfDatabase(server.config.database);
    assert.ok(copy.length > 0);
    for (const code of [license.key, custom]) assert.equal(copy.includes(code), false, `the key code ${code} is in the copy`);
    for (const trace of tracesOfPrivateKey(pem)) assert.equal(copy.includes(trace), false, 'the private key is in the copy');

    const stored = await readColumn(server.config.database, 'signing_key', 'private_key_pem');
    assert.equal(stored.length, 1);
    assert.throws(() => createPrivateKey(stored[0]!.value), 'the stored private key does not parse as a key');
    assert.throws(() => SecretBox.ephemeral().openPrivateKey(stored[0]!.id, stored[0]!.value), SealError, 'another key does not open it');
    const hashes = await readColumn(server.config.database, 'license_key', 'code_hash');
    const unkeyed = createHash('sha256').update(custom).digest('hex');
    assert.equal(
      hashes.some((h) => h.value === unkeyed),
      false,
      'a code cannot be checked by hashing a guess',
    );
  });
});

/** A database and key-file setting for one test: an SQLite file in a new directory, or a schema. */
async function freshDatabase(): Promise<{ database: string; dir: string; schema?: TestSchema; drop: () => Promise<void> }> {
  const dir = tempDir();
  const schema = sqlite ? undefined : await createTestSchema();
  return {
    database: schema?.url ?? join(dir, 'data', 'leasehold.db'),
    dir,
    schema,
    drop: async () => {
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('the key-encryption key', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('must be the one the database was sealed with: another one fails the start with a clear message, the right one works', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const keyA = randomBytes(32).toString('base64');
    const keyB = randomBytes(32).toString('base64url');
    const clock = new ManualClock();
    const configA = resolveConfig({ database: db.database }, { LEASEHOLD_SECRET_KEY: keyA });
    const first = await openConfiguredStore(configA);
    const org = await createOrganization(first, clock, { name: 'Sealed' });
    await first.close();

    const configB = resolveConfig({ database: db.database }, { LEASEHOLD_SECRET_KEY: keyB });
    await assert.rejects(openConfiguredStore(configB), /sealed with key [0-9a-f]{16}, but the configured key is [0-9a-f]{16}, from LEASEHOLD_SECRET_KEY/);

    const again = await openConfiguredStore(configA);
    try {
      const signer = await new Keychain(again, clock, 0).current(org.organizationId);
      assert.equal(signer?.privateKey.type, 'private', 'the right key opens the private key');
    } finally {
      await again.close();
    }
  });
});
