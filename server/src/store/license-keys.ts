// A license's key codes: stored sealed and found by their keyed hash, so no plain code is kept.
import type { Kysely } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import { isUniqueViolation } from './db-errors.js';
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

/** Adds key codes to a license; a code given twice, or already used in the organization, is a conflict. */
export async function insertKeys(trx: Kysely<Database>, secrets: SecretBox, organizationId: string, licenseId: string, keys: { id: string; code: string }[], now: number): Promise<void> {
  if (keys.length === 0) return;
  const codes = keys.map((k) => k.code);
  if (new Set(codes).size !== codes.length) throw new ConflictError('the same key code is given twice');
  const rows = keys.map((k) => ({
    id: k.id,
    organization_id: organizationId,
    license_id: licenseId,
    code_sealed: secrets.sealKeyCode(k.id, k.code),
    code_hash: secrets.keyCodeHash(organizationId, k.code),
    created_at: now,
  }));
  const hashes = rows.map((r) => r.code_hash);
  const taken = new Set((await trx.selectFrom('license_key').select('code_hash').where('organization_id', '=', organizationId).where('code_hash', 'in', hashes).execute()).map((t) => t.code_hash));
  if (taken.size > 0) throw new ConflictError(`key code(s) already in use: ${codes.filter((_, i) => taken.has(hashes[i]!)).join(', ')}`);
  try {
    await trx.insertInto('license_key').values(rows).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('a key code is already in use');
    throw err;
  }
}
