// @sqlite-only: exercises the default single-machine SQLite deployment (files, processes, locks).
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { createLicense, licensingClient, startTestServer, type TestLicense, type TestServer } from './helpers.js';

describe('when another process holds the database write lock too long', () => {
  let server: TestServer;
  let license: TestLicense;
  before(async () => {
    server = await startTestServer({ env: { LEASEHOLD_SQLITE_BUSY_TIMEOUT_MS: '50' } });
    license = await createLicense(server, { leaseLimit: 2 });
  });
  after(() => server.close());

  it('answers 503 with Retry-After instead of failing, writes nothing, and works again once the lock is gone', async () => {
    const client = licensingClient(server);
    assert.equal(server.config.database.kind, 'sqlite');
    const other = new BetterSqlite3(server.config.database.kind === 'sqlite' ? server.config.database.path : '');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const res = await client.obtain(license.key);
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.headers['retry-after'], '1');
      assert.equal(res.json().success, false);
      const created = await server.admin('POST', '/api/v1/customers', { name: 'Blocked' });
      assert.equal(created.statusCode, 503, created.body);
      assert.equal(created.json().error.code, 'UNAVAILABLE');
      assert.equal((await client.validateKey(license.key)).json().leasesUsed, 0, 'reads go on while a writer holds the lock');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal((await client.obtain(license.key)).statusCode, 200);
    assert.equal((await client.validateKey(license.key)).json().leasesUsed, 1);
    const customers = (await server.admin('GET', '/api/v1/customers?q=Blocked')).json();
    assert.equal(customers.total, 0, 'the refused create left nothing behind');
  });
});
