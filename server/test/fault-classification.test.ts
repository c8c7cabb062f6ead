import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFault } from '../src/store/index.js';

describe('the store names what a database error means', () => {
  const fault = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('names storage faults, which last until an operator acts', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR_WRITE', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', '53100', '25006', '58030']) {
      assert.equal(classifyFault(fault(code)), 'storage', code);
    }
  });

  it('names a database that cannot serve now: a lock held too long, a connection lost, a server shutting down', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_LOCKED', 'ECONNREFUSED', 'ECONNRESET', '08006', '57P01', '53300', '40001', '40P01']) {
      assert.equal(classifyFault(fault(code)), 'unavailable', code);
    }
    assert.equal(classifyFault(new Error('Connection terminated unexpectedly')), 'unavailable');
  });

  it('names a reference that changed under the request: a foreign key that failed', () => {
    assert.equal(classifyFault(fault('SQLITE_CONSTRAINT_FOREIGNKEY')), 'reference_changed');
    assert.equal(classifyFault(fault('23503')), 'reference_changed');
  });

  it('names nothing else: those are faults of the server', () => {
    for (const value of [fault('SQLITE_CONSTRAINT_UNIQUE'), fault('23505'), fault('42P01'), new Error('bug'), null, undefined, 'text']) {
      assert.equal(classifyFault(value), undefined, String(value));
    }
  });
});
