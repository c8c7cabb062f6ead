// `leasehold secrets rotate`: every secret resealed under a new key, in one transaction.
import assert from 'node:assert/strict';
import { importSPKI, jwtVerify } from 'jose';
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { resolveConfig } from '../src/config.js';
import { SealError } from '../src/keys/secret-box.js';
import { loadSecretKey } from '../src/keys/secret-key.js';
import { openConfiguredStore } from '../src/server.js';
import { ManualClock, PUBLIC_URL, tempDir } from './helpers.js';
import { createTestSchema, TEST_DATABASE, type TestSchema } from './pg.js';
import { BIN } from './processes.js';
import { HANG_MS } from './wait.js';
import { copyOfDatabase, readColumn } from './secrets-copy.js';

describe('leasehold secrets rotate', () => {
  const dir = tempDir();
  let schema: TestSchema | undefined;
  after(async () => {
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], keyFile: string) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: HANG_MS, env: { ...process.env, LEASEHOLD_SECRET_KEY: '', LEASEHOLD_SECRET_KEY_FILE: keyFile } });

  it('reseals every secret under the new key: the old key opens nothing, keys, leases and the signing key go on working', async () => {
    schema = TEST_DATABASE === 'postgres' ? await createTestSchema() : undefined;
    const database = schema?.url ?? join(dir, 'leasehold.db');
    const oldKey = join(dir, 'old.key');
    const newKey = join(dir, 'new.key');
    const init = cli(['init', '--database', database, '--org-name', 'Rotating', '--json'], oldKey);
    assert.equal(init.status, 0, init.stderr);
    const org = JSON.parse(init.stdout) as { organizationId: string; apiToken: string };

    // A license and a lease under the old key.
    const clock = new ManualClock();
    const config = (keyFile: string) => resolveConfig({ database, publicUrl: PUBLIC_URL, logLevel: 'silent' }, { LEASEHOLD_SECRET_KEY_FILE: keyFile });
    const serveWith = async (keyFile: string) => {
      const store = await openConfiguredStore(config(keyFile));
      const app = await buildApp({ config: config(keyFile), store, clock, logger: false });
      const call = (method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${org.apiToken}` }, ...(payload ? { payload } : {}) });
      return { call, close: async () => (await app.close(), await store.close()) };
    };
    const licensing = `/licensing/${org.organizationId}`;
    const first = await serveWith(oldKey);
    const customer = (await first.call('POST', '/api/v1/customers', { name: 'C' })).json();
    const code = 'ROTATE-ME-2030-0000-KEY';
    const license = await first.call('POST', '/api/v1/licenses', { customerId: customer.id, featureIds: [], keys: [code, 'SECOND-KEY-0001-0002'] });
    assert.equal(license.statusCode, 201, license.body);
    const before = (await first.call('POST', `${licensing}/lease/obtain`, { key: code })).json().lease as string;
    const pem = (await first.call('GET', `${licensing}/signature.pem`)).body;
    await first.close();
    const sealedBefore = await readColumn(config(oldKey).database, 'signing_key', 'private_key_pem');
    const foldBefore = await readColumn(config(oldKey).database, 'license_key', 'code_fold_hash');

    const rotated = cli(['secrets', 'rotate', '--database', database, '--new-key-file', newKey], oldKey);
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /resealed 1 signing key\(s\) and 2 license key code\(s\) under key [0-9a-f]{16}/);
    assert.equal(statSync(newKey).mode & 0o777, 0o600, 'the new key file was created 0600');

    await assert.rejects(openConfiguredStore(config(oldKey)), /sealed with key [0-9a-f]{16}, but the configured key is/);
    const sealedAfter = await readColumn(config(oldKey).database, 'signing_key', 'private_key_pem');
    assert.notEqual(sealedAfter[0]!.value, sealedBefore[0]!.value);
    assert.throws(() => loadSecretKey({ kind: 'file', path: oldKey }, { create: false }).openPrivateKey(sealedAfter[0]!.id, sealedAfter[0]!.value), SealError);

    const second = await serveWith(newKey);
    try {
      assert.equal((await second.call('GET', `${licensing}/key/validate?key=${code}`)).json().isValid, true);
      assert.equal((await second.call('GET', `${licensing}/lease/validate?lease=${before}`)).json().isValid, true);
      assert.equal((await second.call('GET', `${licensing}/signature.pem`)).body, pem, 'the same signing key');
      const after = (await second.call('POST', `${licensing}/lease/obtain`, { key: 'SECOND-KEY-0001-0002' })).json().lease as string;
      await jwtVerify(after, await importSPKI(pem, 'ES256'), { currentDate: new Date(clock.now()) });
      assert.deepEqual((await second.call('GET', `/api/v1/licenses/${license.json().id}`)).json().keys.sort(), [code, 'SECOND-KEY-0001-0002'].sort());
      // The fold hash and the blind index are keyed from the KEK too: recomputed, so any case and any part still find the key.
      const foldAfter = await readColumn(config(newKey).database, 'license_key', 'code_fold_hash');
      for (const row of foldAfter) assert.notEqual(row.value, foldBefore.find((b) => b.id === row.id)?.value);
      assert.equal((await second.call('GET', `${licensing}/key/validate?key=${code.toLowerCase()}`)).json().isValid, true);
      const found = (await second.call('GET', `/api/v1/licenses?q=me2030`)).json<{ items: { id: string }[] }>();
      assert.deepEqual(
        found.items.map((l) => l.id),
        [license.json().id],
      );
      const copy = await copyOfDatabase(config(newKey).database);
      assert.equal(copy.includes(code), false);
    } finally {
      await second.close();
    }

    // With a key that is not the database's, nothing changes.
    const wrong = cli(['secrets', 'rotate', '--database', database, '--new-key-file', join(dir, 'third.key')], oldKey);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /sealed with key [0-9a-f]{16}, but the configured key is [0-9a-f]{16}, from the key file .*old\.key/);
    assert.deepEqual(await readColumn(config(newKey).database, 'signing_key', 'private_key_pem'), sealedAfter);
  });
});
