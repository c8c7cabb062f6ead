import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/*
 * The database file holds every license and lease of the installation: only the user Leasehold
 * runs as may read it, whatever the umask it was started with and whatever an older version left.
 */

/**
 * Opens an SQLite file so that only its owner can read it: the directory Leasehold creates is
 * 0700, and the database, -wal and -shm files are 0600. Files are created under umask 077 (SQLite
 * gives -wal and -shm the database file's mode); files an older version made readable by others
 * lose the group and other bits, here and once WAL mode made its files exist.
 */
export function openPrivately(path: string): BetterSqlite3.Database {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // process.umask cannot be changed in a worker thread; the chmod below covers that case.
  const previous = isMainThread ? process.umask(0o077) : undefined;
  try {
    keepPrivate(path);
    const native = new BetterSqlite3(path);
    native.pragma('journal_mode = WAL');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) keepPrivate(file);
    return native;
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

/** Takes the group and other permissions off a file of ours, when it exists and has any. */
function keepPrivate(file: string): void {
  try {
    const { mode } = statSync(file);
    if ((mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
  } catch (err) {
    // Not there (yet), or not ours to change: another user's file keeps the mode its owner chose.
    if (!['ENOENT', 'EPERM'].includes((err as { code?: string }).code ?? '')) throw err;
  }
}
