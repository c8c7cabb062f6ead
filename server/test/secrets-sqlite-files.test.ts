// @sqlite-only: the key file and the modes of the files that hold an SQLite database.
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createOrganization } from '../src/bootstrap.js';
import { resolveConfig } from '../src/config.js';
import { openConfiguredStore } from '../src/server.js';
import { createLicense, ManualClock, startTestServer, tempDir, type TestServer } from './helpers.js';
import { BIN } from './processes.js';
import { HANG_MS } from './wait.js';

const mode = (path: string) => statSync(path).mode & 0o777;

/** A new directory for an SQLite database and its key file. */
function freshDatabase(): { database: string; dir: string; drop: () => Promise<void> } {
  const dir = tempDir();
  return { database: join(dir, 'data', 'leasehold.db'), dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe('the key-encryption key of an SQLite database', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('comes from a key file beside the SQLite database by default, created 0600 at the first start; a lost key file fails the start and is not replaced', async () => {
    const db = freshDatabase();
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

  it('is refused when malformed, without echoing it, and when given twice', () => {
    const dir = tempDir();
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [BIN, 'init', '--database', join(dir, 'x.db'), '--org-name', 'X'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: HANG_MS });
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

describe('SQLite files', () => {
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
