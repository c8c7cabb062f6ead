/*
 * What a database error means for the caller, for both dialects: a conflict the request caused
 * (409), or a database that cannot serve now (503). Callers decide from these, never from a
 * driver's codes.
 */

/** True when `err` is the database refusing a duplicate in a unique index. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** True when `err` is the database refusing a row that still has dependents, or a missing parent. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/**
 * True when `err` is the storage failing rather than the request: a full disk, a file or mount that
 * is read-only, an I/O error, a damaged file. It lasts until someone acts (frees space, fixes the
 * mount), so the instance answers 503 and its readiness check fails meanwhile; it resumes by itself
 * once writes work again. PostgreSQL's disk_full (53100), read_only_sql_transaction (25006, a
 * primary that became a standby) and io_error (58030) are the same.
 */
export function isStorageFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB)/.test(code) || ['53100', '25006', '58030', '58000'].includes(code);
}

/** True when `err` means the database cannot serve now (locked too long, unreachable, a storage fault), not that the request was wrong. */
export function isUnavailable(err: unknown): boolean {
  if (isStorageFault(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    // Sockets that cannot reach the server, and PostgreSQL's classes 08 (connection exception),
    // 53 (insufficient resources), 57P (operator intervention: shutdown, cannot connect now), 40001/40P01
    // (serialization failure, deadlock: retrying later succeeds).
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
    if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
  }
  // pg reports a connection that ended, or a pool that could not hand one out in time, without a code.
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is not open/i.test(message);
}
