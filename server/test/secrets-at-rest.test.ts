// A copy of the database alone must let nobody sign a lease or use a key code.
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createOrganization } from '../src/bootstrap.js';
import { resolveConfig } from '../src/config.js';
import { Keychain } from '../src/keys/keychain.js';
import { SealError, SecretBox } from '../src/keys/secret-box.js';
import { openConfiguredStore } from '../src/server.js';
import { createLicense, licensingClient, ManualClock, startTestServer, tempDir, type TestServer } from './helpers.js';
import { createTestSchema, TEST_DATABASE, type TestSchema } from './pg.js';
import { BIN } from './processes.js';
import { copyOfDatabase, readColumn, tracesOfPrivateKey } from './secrets-copy.js';

const sqlite = TEST_DATABASE === 'sqlite';
const mode = (path: string) => statSync(path).mode & 0o777;

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
    assert.equal(hashes.some((h) => h.value === unkeyed), false, 'a code cannot be checked by hashing a guess');
  });
});

/** A database and key-file setting for one test: an SQLite file in a new directory, or a schema. */
async function freshDatabase(): Promise<{ database: string; dir: string; schema?: TestSchema; drop(): Promise<void> }> {
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

  it('comes from a key file beside the SQLite database by default, created 0600 at the first start; a lost key file fails the start and is not replaced', { skip: !sqlite }, async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const config = resolveConfig({ database: db.database }, {});
    const keyFile = join(db.dir, 'data', 'leasehold.key');
    assert.deepEqual(config.secretKey, { kind: 'file', path: keyFile });
    const store = await openConfiguredStore(config);
    await createOrganization(store, new ManualClock(), { name: 'Filed' });
    await store.close();
    assert.equal(mode(keyFile), 0o600);

    rmSync(keyFile);
    await assert.rejects(openConfiguredStore(config), (err: Error) => {
      assert.ok(err.message.startsWith(`the database's secrets are sealed with a key, but the key file ${keyFile} does not exist: give Leasehold the key`), err.message);
      return true;
    });
    assert.equal(existsSync(keyFile), false, 'no new key is made to be mistaken for the lost one');
  });

  it('is refused when malformed, without echoing it, and when given twice', { skip: !sqlite }, () => {
    const dir = tempDir();
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [BIN, 'init', '--database', join(dir, 'x.db'), '--org-name', 'X'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
    const short = run({ LEASEHOLD_SECRET_KEY: 'c2hvcnQta2V5' });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /LEASEHOLD_SECRET_KEY must be a key of 32 bytes in base64 or base64url/);
    assert.equal(short.stderr.includes('c2hvcnQta2V5'), false);
    const both = run({ LEASEHOLD_SECRET_KEY: randomBytes(32).toString('base64'), LEASEHOLD_SECRET_KEY_FILE: join(dir, 'k') });
    assert.equal(both.status, 2);
    assert.match(both.stderr, /set LEASEHOLD_SECRET_KEY or LEASEHOLD_SECRET_KEY_FILE, not both/);
    const badFile = join(dir, 'bad.key');
    writeFileSync(badFile, 'not a key\n', { mode: 0o600 });
    const bad = run({ LEASEHOLD_SECRET_KEY_FILE: badFile });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /the secret key file .*bad\.key does not hold a key of 32 bytes/);
  });
});

describe('SQLite files', { skip: !sqlite }, () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('are readable by their owner only: the directory Leasehold creates 0700, the database, -wal, -shm and key files 0600', async () => {
    const root = tempDir();
    dirs.push(root);
    const dir = join(root, 'data');
    // Whatever the umask says: the test runner's is usually 022, which makes files 0644.
    const previous = process.umask(0o022);
    let server: TestServer | undefined;
    try {
      server = await startTestServer({ dir });
      await createLicense(server);
      const path = join(dir, 'leasehold.db');
      assert.equal(mode(dir), 0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`, join(dir, 'leasehold.key')]) assert.equal(mode(file), 0o600, file);
      // A file made by something else meanwhile is made as the umask says: Leasehold restored it.
      writeFileSync(join(root, 'other'), 'x');
      assert.equal(mode(join(root, 'other')), 0o644);
    } finally {
      process.umask(previous);
      await server?.close();
    }
  });

  it('made readable by others by an older version lose the group and other permissions when opened', async () => {
    const root = tempDir();
    dirs.push(root);
    const dir = join(root, 'old');
    mkdirSync(dir);
    const path = join(dir, 'leasehold.db');
    const old = new BetterSqlite3(path);
    old.pragma('journal_mode = WAL');
    old.exec('create table t (x)');
    chmodSync(path, 0o644);
    for (const file of [`${path}-wal`, `${path}-shm`]) chmodSync(file, 0o644);
    const server = await startTestServer({ dir });
    try {
      old.close();
      for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(mode(file), 0o600, file);
    } finally {
      await server.close();
    }
  });
});
