// A license's key codes: stored sealed and found by their keyed hash, so no plain code is kept.
import type { Kysely } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import { keyCodeFold } from '../names.js';
import { isUniqueViolation } from './db-errors.js';
import { foldHashOf, writeKeyGrams } from './key-search.js';
import { ConflictError } from './errors.js';
import type { Database } from './schema.js';

export interface LicenseKey {
  id: string;
  code: string;
  createdAt: number;
}

/** A key code that a change added to a license. */
export interface AddedKey {
  id: string;
  code: string;
}

/** A key code that a change removed from a license. */
export interface RemovedKey {
  id: string;
  code: string;
  /** Leases obtained with it that were active (and unexpired) and are now revoked. */
  revokedLeases: number;
}

/** The key codes of these licenses, opened for display, oldest first. */
export async function readKeys(db: Kysely<Database>, secrets: SecretBox, licenseIds: string[]): Promise<{ licenseId: string; key: LicenseKey }[]> {
  const keys = await db.selectFrom('license_key').select(['id', 'license_id', 'code_sealed', 'created_at']).where('license_id', 'in', licenseIds).execute();
  // Sorted here, as the sealed text sorts at random.
  return keys
    .map((k) => ({ licenseId: k.license_id, key: { id: k.id, code: secrets.openKeyCode(k.id, k.code_sealed), createdAt: Number(k.created_at) } }))
    .sort((a, b) => a.key.createdAt - b.key.createdAt || (a.key.code < b.key.code ? -1 : a.key.code > b.key.code ? 1 : 0));
}

/**
 * Replaces a license's set of key codes: codes that stay keep their identity, leases obtained
 * with a removed code are revoked, and the codes removed and added are answered.
 */
export async function replaceKeys(
  trx: Kysely<Database>,
  secrets: SecretBox,
  organizationId: string,
  licenseId: string,
  keys: { id: string; code: string }[],
  now: number,
): Promise<{ addedKeys: AddedKey[]; removedKeys: RemovedKey[] }> {
  const addedKeys: AddedKey[] = [];
  const removedKeys: RemovedKey[] = [];
  // Codes are compared by their keyed hashes, which the rows keep.
  const hashOf = (code: string) => secrets.keyCodeHash(organizationId, code);
  const current = await trx.selectFrom('license_key').select(['id', 'code_hash', 'code_sealed']).where('license_id', '=', licenseId).execute();
  const wanted = new Set(keys.map((k) => hashOf(k.code)));
  const kept = new Set(current.map((k) => k.code_hash));
  const removed = current.filter((k) => !wanted.has(k.code_hash!));
  if (removed.length > 0) {
    const ids = removed.map((k) => k.id);
    const active = await trx
      .selectFrom('lease')
      .select(['key_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('key_id', 'in', ids)
      .where('state', '=', 'active')
      .where('expires_at', '>', now)
      .groupBy('key_id')
      .execute();
    await trx.updateTable('lease').set({ state: 'revoked', revoked_reason: 'key_removed' }).where('key_id', 'in', ids).execute();
    await trx.deleteFrom('license_key').where('id', 'in', ids).execute();
    for (const k of removed) {
      const revokedLeases = Number(active.find((a) => a.key_id === k.id)?.n ?? 0);
      removedKeys.push({ id: k.id, code: secrets.openKeyCode(k.id, k.code_sealed), revokedLeases });
    }
  }
  const added = keys.filter((k) => !kept.has(hashOf(k.code)));
  await insertKeys(trx, secrets, organizationId, licenseId, added, now);
  addedKeys.push(...added.map((k) => ({ id: k.id, code: k.code })));
  return { addedKeys, removedKeys };
}

/**
 * Adds key codes to a license, with their blind index entries. A code given twice, or already used
 * in the organization, in this case or any other, is a conflict that names the code in use; the
 * unique index on the fold hash decides when two changes race past the check.
 */
export async function insertKeys(trx: Kysely<Database>, secrets: SecretBox, organizationId: string, licenseId: string, keys: { id: string; code: string }[], now: number): Promise<void> {
  if (keys.length === 0) return;
  const codes = keys.map((k) => k.code);
  const folded = codes.map(keyCodeFold);
  const twice = codes.find((code, i) => folded.indexOf(folded[i]!) !== i);
  if (twice !== undefined) throw new ConflictError(`the key code "${twice}" is given twice (key codes that differ only in case are one code)`);
  const rows = keys.map((k) => ({
    id: k.id,
    organization_id: organizationId,
    license_id: licenseId,
    code_sealed: secrets.sealKeyCode(k.id, k.code),
    code_hash: secrets.keyCodeHash(organizationId, k.code),
    code_fold_hash: foldHashOf(secrets, organizationId, k.code),
    indexed: 1,
    created_at: now,
  }));
  const hashes = rows.map((r) => r.code_hash);
  const foldHashes = rows.map((r) => r.code_fold_hash);
  const taken = await trx
    .selectFrom('license_key')
    .select(['id', 'code_sealed'])
    .where('organization_id', '=', organizationId)
    .where((eb) => eb.or([eb('code_hash', 'in', hashes), eb('code_fold_hash', 'in', foldHashes)]))
    .execute();
  if (taken.length > 0) {
    const existing = taken.map((t) => secrets.openKeyCode(t.id, t.code_sealed));
    const clashes = existing.map((code) => {
      const mine = codes[folded.indexOf(keyCodeFold(code))] ?? code;
      return mine === code ? `"${code}"` : `"${mine}" (as "${code}": key codes that differ only in case are one code)`;
    });
    throw new ConflictError(`key code(s) already in use in this organization: ${clashes.join(', ')}`);
  }
  try {
    await trx.insertInto('license_key').values(rows).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('a key code is already in use in this organization, in this case or another');
    throw err;
  }
  await writeKeyGrams(trx, secrets, organizationId, keys);
}
