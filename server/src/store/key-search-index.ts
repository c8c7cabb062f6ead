// The keyed index entries of key codes written before they existed (migration 009), and rewritten under a new key-encryption key.
import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import type { Db } from './db.js';
import { foldHashOf, writeKeyGrams } from './key-search.js';
import type { Database } from './schema.js';

/** Keys read per statement. */
const BATCH = 1000;

/**
 * Writes the fold hash and the blind index entries of every key that lacks them, oldest key
 * first, in one transaction: of two codes that differ only in case, the older gets the fold hash
 * (and any case finds it), the younger keeps NULL and answers to its exact spelling only. Runs at
 * every start, after sealing (the codes must be sealed, and the key is needed); most starts find
 * nothing to do with one indexed read. Returns how many keys it indexed.
 */
export async function ensureKeyIndex(db: Db, secrets: SecretBox): Promise<number> {
  const pending = await db.kysely.selectFrom('license_key').select('id').where('indexed', '=', 0).limit(1).executeTakeFirst();
  if (!pending) return 0;
  return db.writeTransaction(async (trx) => {
    // Instances starting together index once: the second finds nothing left.
    if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('leasehold key index ' || current_schema()))`.execute(trx);
    let count = 0;
    for (;;) {
      const rows = await trx.selectFrom('license_key').select(['id', 'organization_id', 'code_sealed']).where('indexed', '=', 0).orderBy('created_at').orderBy('id').limit(BATCH).execute();
      if (rows.length === 0) return count;
      for (const row of rows) {
        const code = secrets.openKeyCode(row.id, row.code_sealed);
        const foldHash = foldHashOf(secrets, row.organization_id, code);
        const holder = await trx.selectFrom('license_key').select('id').where('organization_id', '=', row.organization_id).where('code_fold_hash', '=', foldHash).executeTakeFirst();
        await trx
          .updateTable('license_key')
          .set({ code_fold_hash: holder ? null : foldHash, indexed: 1 })
          .where('id', '=', row.id)
          .execute();
        await writeKeyGrams(trx, secrets, row.organization_id, [{ id: row.id, code }]);
        count++;
      }
    }
  });
}

/**
 * Recomputes, under `to`, what is keyed from the key-encryption key besides the code hash, for one
 * key whose code is `code`: its fold hash (kept NULL for a younger duplicate) and its grams.
 */
export async function reindexKey(trx: Kysely<Database>, to: SecretBox, key: { id: string; organization_id: string; code_fold_hash: string | null }, code: string): Promise<void> {
  await trx
    .updateTable('license_key')
    .set({ code_fold_hash: key.code_fold_hash === null ? null : foldHashOf(to, key.organization_id, code) })
    .where('id', '=', key.id)
    .execute();
  await trx.deleteFrom('license_key_gram').where('key_id', '=', key.id).execute();
  await writeKeyGrams(trx, to, key.organization_id, [{ id: key.id, code }]);
}
