import type { Kysely } from 'kysely';
import { usernameKey } from '../../usernames.js';

/**
 * Account safety:
 * - `admin_user.username_key`, the normalized username (see `usernameKey`), unique. An older
 *   database may hold names that normalize alike (`Bob` and `BOB`); the migration must not fail on
 *   them, so the oldest account of each such group gets the key and the younger ones keep a NULL
 *   key: they still sign in, with their exact spelling only, and no new name can take any spelling
 *   of the key.
 * - `api_token.created_by`, the user who made the token; a token dies with that user's account.
 *   NULL is a token made by the operator (the CLI), and every token made before this migration,
 *   whose creator nobody recorded: those keep the rights of their own role, as before.
 */
/** The accounts table as this migration finds and leaves it: written against that, not today's schema. */
interface AccountTables {
  admin_user: { id: string; username: string; username_key: string | null; created_at: number };
}

export async function up(db: Kysely<AccountTables>): Promise<void> {
  await db.schema.alterTable('admin_user').addColumn('username_key', 'text').execute();
  const users = await db.selectFrom('admin_user').select(['id', 'username']).orderBy('created_at').orderBy('id').execute();
  const seen = new Set<string>();
  for (const user of users) {
    const key = usernameKey(user.username);
    if (seen.has(key)) continue;
    seen.add(key);
    await db.updateTable('admin_user').set({ username_key: key }).where('id', '=', user.id).execute();
  }
  await db.schema.createIndex('admin_user_by_username_key').on('admin_user').column('username_key').unique().execute();

  await db.schema
    .alterTable('api_token')
    .addColumn('created_by', 'text', (c) => c.references('admin_user.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('api_token_by_creator').on('api_token').column('created_by').execute();
}
