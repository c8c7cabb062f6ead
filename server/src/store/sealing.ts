import { sql, type Kysely } from 'kysely';
import { maskKeyCode } from '../credentials.js';
import { SecretBox } from '../keys/secret-box.js';
import type { Db } from './db.js';
import { reindexKey } from './key-search-index.js';
import type { Database } from './schema.js';

/** The database's secrets are sealed with another key-encryption key than the one configured. */
export class SealingKeyMismatch extends Error {
  constructor(
    readonly recorded: string,
    readonly configured: string,
  ) {
    super(`the database's secrets are sealed with key ${recorded}, but the configured key is ${configured}`);
    this.name = 'SealingKeyMismatch';
  }
}

const SLOT = 'current';
/** Rows read per statement while sealing or resealing a whole table. */
const BATCH = 1000;

async function recordedKeyId(db: Kysely<Database>): Promise<string | undefined> {
  return (await db.selectFrom('sealing_key').select('key_id').where('slot', '=', SLOT).executeTakeFirst())?.key_id;
}

/** Serialises sealing across PostgreSQL instances of one schema (SQLite's write transaction already holds the file's lock). */
async function lockSealing(db: Db, trx: Kysely<Database>): Promise<void> {
  if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('leasehold sealing ' || current_schema()))`.execute(trx);
}

/** The key-encryption key, or how to get it once the id of the key the database was sealed with is known (undefined: none yet). */
export type SecretsSource = SecretBox | ((recordedKeyId: string | undefined) => SecretBox);

/**
 * Checks at start that the key is the one the database's secrets are sealed with, and on the
 * first start of a database (new, or made by a version that stored secrets in plain text) seals
 * every plain secret and records the key's id, in one transaction. Most starts read one row.
 * Returns the key.
 */
export async function ensureSealed(db: Db, source: SecretsSource, now: number): Promise<SecretBox> {
  const recorded = await recordedKeyId(db.kysely);
  const secrets = typeof source === 'function' ? source(recorded) : source;
  if (recorded !== undefined) {
    if (recorded !== secrets.keyId) throw new SealingKeyMismatch(recorded, secrets.keyId);
    return secrets;
  }
  const sealed = await db.writeTransaction(async (trx) => {
    await lockSealing(db, trx);
    const again = await recordedKeyId(trx);
    if (again !== undefined) {
      if (again !== secrets.keyId) throw new SealingKeyMismatch(again, secrets.keyId);
      return 0;
    }
    const count = await sealPlainSecrets(trx, secrets);
    await trx.insertInto('sealing_key').values({ slot: SLOT, key_id: secrets.keyId, sealed_at: now }).execute();
    return count;
  });
  // The plain texts just replaced must not linger in free pages or the WAL.
  if (sealed > 0) await db.forgetFreedContent();
  return secrets;
}

/** Rows of `table`, BATCH at a time in id order, each batch read after the previous one was handled. */
async function forEachBatch<Row extends { id: string }>(read: (after: string) => Promise<Row[]>, handle: (rows: Row[]) => Promise<void>): Promise<void> {
  for (let after = ''; ;) {
    const rows = await read(after);
    if (rows.length === 0) return;
    await handle(rows);
    after = rows[rows.length - 1]!.id;
  }
}

/** Seals private keys and key codes a version before sealing left in plain text, and masks key codes in the audit log. */
async function sealPlainSecrets(trx: Kysely<Database>, secrets: SecretBox): Promise<number> {
  let count = 0;
  const signingKeys = await trx.selectFrom('signing_key').select(['id', 'private_key_pem']).execute();
  for (const key of signingKeys.filter((k) => !SecretBox.isSealed(k.private_key_pem))) {
    count++;
    await trx
      .updateTable('signing_key')
      .set({ private_key_pem: secrets.sealPrivateKey(key.id, key.private_key_pem) })
      .where('id', '=', key.id)
      .execute();
  }
  await forEachBatch(
    (after) => trx.selectFrom('license_key').select(['id', 'organization_id', 'code_sealed']).where('code_hash', 'is', null).where('id', '>', after).orderBy('id').limit(BATCH).execute(),
    async (rows) => {
      count += rows.length;
      for (const row of rows) {
        // Before sealing, code_sealed holds the plain code (migration 004 moved it there).
        await trx
          .updateTable('license_key')
          .set({ code_sealed: secrets.sealKeyCode(row.id, row.code_sealed), code_hash: secrets.keyCodeHash(row.organization_id, row.code_sealed) })
          .where('id', '=', row.id)
          .execute();
      }
    },
  );
  await forEachBatch(
    (after) => trx.selectFrom('audit_event').select(['id', 'before_json', 'after_json']).where('resource_type', '=', 'license').where('id', '>', after).orderBy('id').limit(BATCH).execute(),
    async (rows) => {
      for (const row of rows) {
        const before = maskKeys(row.before_json);
        const after = maskKeys(row.after_json);
        if (before !== row.before_json || after !== row.after_json) {
          count++;
          await trx.updateTable('audit_event').set({ before_json: before, after_json: after }).where('id', '=', row.id).execute();
        }
      }
    },
  );
  return count;
}

/** A license as the audit log recorded it, with its key codes masked as the audit log now records them. */
function maskKeys(json: string | null): string | null {
  if (json === null) return null;
  const value = JSON.parse(json) as { keys?: unknown };
  if (!Array.isArray(value.keys) || value.keys.every((k) => typeof k !== 'string' || k.startsWith('…'))) return json;
  const keys: unknown[] = value.keys;
  return JSON.stringify({ ...value, keys: keys.map((k) => (typeof k === 'string' && !k.startsWith('…') ? maskKeyCode(k) : k)) });
}

/**
 * Reseals every secret under `to`, in one transaction: private keys and key code copies are
 * opened with `from` and sealed with `to`, key code hashes recomputed under `to`, and `to`
 * recorded as the database's key. Fails, changing nothing, unless `from` is the recorded key.
 * Returns what it resealed.
 */
export async function resealSecrets(db: Db, from: SecretBox, to: SecretBox, now: number): Promise<{ signingKeys: number; keyCodes: number }> {
  const counts = await db.writeTransaction(async (trx) => {
    await lockSealing(db, trx);
    const recorded = await recordedKeyId(trx);
    if (recorded !== from.keyId) throw new SealingKeyMismatch(recorded ?? 'none', from.keyId);
    const counts = { signingKeys: 0, keyCodes: 0 };
    await forEachBatch(
      (after) => trx.selectFrom('signing_key').select(['id', 'private_key_pem']).where('id', '>', after).orderBy('id').limit(BATCH).execute(),
      async (rows) => {
        for (const row of rows) {
          const pem = from.openPrivateKey(row.id, row.private_key_pem);
          await trx
            .updateTable('signing_key')
            .set({ private_key_pem: to.sealPrivateKey(row.id, pem) })
            .where('id', '=', row.id)
            .execute();
          counts.signingKeys++;
        }
      },
    );
    await forEachBatch(
      (after) => trx.selectFrom('license_key').select(['id', 'organization_id', 'code_sealed', 'code_fold_hash', 'indexed']).where('id', '>', after).orderBy('id').limit(BATCH).execute(),
      async (rows) => {
        for (const row of rows) {
          const code = from.openKeyCode(row.id, row.code_sealed);
          await trx
            .updateTable('license_key')
            .set({ code_sealed: to.sealKeyCode(row.id, code), code_hash: to.keyCodeHash(row.organization_id, code) })
            .where('id', '=', row.id)
            .execute();
          // The fold hash and the blind index are keyed from the KEK too; a key not yet indexed is left to the next start.
          if (row.indexed === 1) await reindexKey(trx, to, row, code);
          counts.keyCodes++;
        }
      },
    );
    await trx.updateTable('sealing_key').set({ key_id: to.keyId, sealed_at: now }).where('slot', '=', SLOT).execute();
    return counts;
  });
  // What the old key sealed must not linger in free pages or the WAL.
  await db.forgetFreedContent();
  return counts;
}
