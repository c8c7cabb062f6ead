import type { Kysely } from 'kysely';

/**
 * An API token may be given an end: `expires_at` (ms), NULL for a token that never expires, which
 * every token made before this migration stays. Authentication reads it with the token's row, so
 * it needs no index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_token').addColumn('expires_at', 'bigint').execute();
}
