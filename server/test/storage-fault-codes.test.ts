import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStorageFault, isUnavailable } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';

describe('which database errors are storage faults', () => {
  const fault = (code: string) => Object.assign(new Error(code), { code });

  it('counts a full disk, a read-only database and I/O errors as storage faults, answered with 503', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_CANTOPEN', 'SQLITE_CORRUPT', '53100', '25006', '58030']) {
      assert.equal(isStorageFault(fault(code)), true, code);
      assert.equal(isUnavailable(fault(code)), true, code);
    }
  });

  it('leaves the request’s own errors and waiting for a lock out', () => {
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', '23505', '22P02', '42P01']) {
      assert.equal(isStorageFault(fault(code)), false, code);
      assert.equal(isUnavailable(fault(code)), false, code);
    }
    assert.equal(isStorageFault(fault('SQLITE_BUSY')), false);
    assert.equal(isUnavailable(fault('SQLITE_BUSY')), true);
  });
});

describe('GET /readyz', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers 200 when the database can be read and written, and leaves the data as it was', async () => {
    const before = server.store.statements;
    const res = await server.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { status: 'ok' });
    assert.ok(server.store.statements > before + 2, 'the check wrote, inside a transaction');
    assert.equal((await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    assert.equal((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
