import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeSecretKey, generateSecretKey, SecretBox } from './secret-box.js';

/** Where the key-encryption key comes from (see config.ts). Never the key itself in a file path's place. */
export type SecretKeySource =
  | { kind: 'env'; name: string; value: string }
  | { kind: 'file'; path: string }
  /** An SQLite database in memory: its secrets die with it, and so may its key. */
  | { kind: 'ephemeral' };

/** The key file is not there, and a new key would not open the database's secrets. */
export class MissingKeyFile extends Error {
  constructor(readonly path: string) {
    super(`the key file ${path} does not exist`);
    this.name = 'MissingKeyFile';
  }
}

/**
 * Writes a new random key to `path` unless a file is there already. The key is written and synced
 * to a file of its own (0600) first, then linked into place, which fails when the name exists: two
 * processes starting at once on a new database agree on one key, and nobody ever reads half a file.
 * Returns true when this call created it.
 */
export function createKeyFile(path: string, key = generateSecretKey()): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${key}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temporary);
  }
}

function readKeyFile(path: string): SecretBox {
  const key = decodeSecretKey(readFileSync(path, 'utf8'));
  if (!key) throw new Error(`the secret key file ${path} does not hold a key of 32 bytes in base64 or base64url`);
  return new SecretBox(key);
}

/**
 * Loads the key-encryption key. A key file that does not exist is created with a new random key
 * when `create` (the database has no secrets sealed yet), else it is a MissingKeyFile.
 */
export function loadSecretKey(source: SecretKeySource, options: { create: boolean }): SecretBox {
  if (source.kind === 'ephemeral') return SecretBox.ephemeral();
  if (source.kind === 'env') {
    const key = decodeSecretKey(source.value);
    // The value itself never goes into a message.
    if (!key) throw new Error(`${source.name} must be a key of 32 bytes in base64 or base64url`);
    return new SecretBox(key);
  }
  try {
    return readKeyFile(source.path);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  if (!options.create) throw new MissingKeyFile(source.path);
  createKeyFile(source.path);
  return readKeyFile(source.path);
}
