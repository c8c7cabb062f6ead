// Key search by any part of a code: a blind index of keyed n-gram hashes narrows the candidates, the opened codes decide.
import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import { keyCodeFold, keySearchForm } from '../names.js';
import type { Database } from './schema.js';

/**
 * The length of the grams the index holds. A search term whose letters and digits are fewer
 * matches no key code (it still matches comments and customer names). Three keeps a typed
 * fragment short while leaving few candidates: a random 25-character code has 23 grams, so any
 * one gram is shared by roughly one key in 1,400 of a Crockford alphabet.
 */
export const GRAM_LENGTH = 3;

/**
 * The most candidates a search opens. A fragment shared by more keys (a prefix every code of an
 * organization starts with) matches, beyond this, by its grams alone: in SQL, without opening
 * any code, which can include a code that holds the grams apart rather than in one run.
 */
export const CANDIDATE_LIMIT = 1000;

/** Index rows per insert statement: three parameters each, well below SQLite's limit. */
const ROWS_PER_INSERT = 300;

/** The distinct grams of a search form. */
export function gramsOf(form: string): string[] {
  const grams = new Set<string>();
  for (let i = 0; i + GRAM_LENGTH <= form.length; i++) grams.add(form.slice(i, i + GRAM_LENGTH));
  return [...grams];
}

/** What a key code is kept unique and looked up by, in any case. */
export function foldHashOf(secrets: SecretBox, organizationId: string, code: string): string {
  return secrets.keyCodeFoldHash(organizationId, keyCodeFold(code));
}

/** Writes the blind index entries of these key codes (whose rows exist). */
export async function writeKeyGrams(trx: Kysely<Database>, secrets: SecretBox, organizationId: string, keys: readonly { id: string; code: string }[]): Promise<void> {
  const rows = keys.flatMap((k) => gramsOf(keySearchForm(k.code)).map((gram) => ({ organization_id: organizationId, gram: secrets.keyGramHash(organizationId, gram), key_id: k.id })));
  // Distinct grams may still hash alike once cut to 64 bits; the primary key takes each once.
  const unique = [...new Map(rows.map((r) => [`${r.key_id}\n${r.gram}`, r])).values()];
  for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('license_key_gram')
      .values(unique.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
}

/** How a search term narrows licenses by their key codes. */
export type KeyMatch =
  /** The term is too short for the index: only an exact code (any case) matches. */
  | { kind: 'exact' }
  /** The licenses whose opened codes contain the term. */
  | { kind: 'licenses'; licenseIds: string[] }
  /** Too many candidates to open: keys holding every gram of the term. */
  | { kind: 'grams'; grams: string[] };

/** The keys of the organization that hold every one of these gram hashes. */
export function keysWithGrams(db: Kysely<Database>, organizationId: string, grams: readonly string[]) {
  return db
    .selectFrom('license_key_gram')
    .select('key_id')
    .where('organization_id', '=', organizationId)
    .where('gram', 'in', grams)
    .groupBy('key_id')
    .having(sql<number>`count(*)`, '=', grams.length);
}

/** Finds the licenses whose key codes contain `term` (letters and digits only, any case): at most `limit` codes are opened. */
export async function matchKeys(db: Kysely<Database>, secrets: SecretBox, organizationId: string, term: string, limit = CANDIDATE_LIMIT): Promise<KeyMatch> {
  const form = keySearchForm(term);
  if (form.length < GRAM_LENGTH) return { kind: 'exact' };
  const grams = [...new Set(gramsOf(form).map((gram) => secrets.keyGramHash(organizationId, gram)))];
  // The gram rows are the organization's alone (and their hashes bound to it): filtering the keys
  // by organization again would lead SQLite to walk all of its keys instead of these few by id.
  const candidates = await db
    .selectFrom('license_key as k')
    .select(['k.id', 'k.license_id', 'k.code_sealed'])
    .where('k.id', 'in', keysWithGrams(db, organizationId, grams))
    .limit(limit + 1)
    .execute();
  if (candidates.length > limit) return { kind: 'grams', grams };
  const licenseIds = candidates.filter((k) => keySearchForm(secrets.openKeyCode(k.id, k.code_sealed)).includes(form)).map((k) => k.license_id);
  return { kind: 'licenses', licenseIds: [...new Set(licenseIds)] };
}
