import type { Db } from './db.js';
import type { ApiTokenTable, Role } from './schema.js';

export interface ApiTokenRecord {
  id: string;
  organizationId: string;
  name: string;
  role: Role;
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** When it stops being accepted (ms); null: never. */
  expiresAt: number | null;
  /**
   * The user who made the token, with their current role; null for a token the operator made
   * (`leasehold token create`) or one made before creators were recorded.
   */
  createdBy: { id: string; username: string; role: Role } | null;
}

type TokenRow = ApiTokenTable & { creator_username: string | null; creator_role: Role | null };

function toRecord(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    role: row.role,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    createdBy: row.created_by === null ? null : { id: row.created_by, username: row.creator_username!, role: row.creator_role! },
  };
}

/** API tokens. Only a hash of each token's secret is kept. */
export class TokenStore {
  constructor(private readonly db: Db) {}

  /** Tokens with their creator's name and current role, in one statement. */
  private withCreator() {
    return (
      this.db.kysely
        .selectFrom('api_token as t')
        .leftJoin('admin_user as u', 'u.id', 't.created_by')
        .selectAll('t')
        .select(['u.username as creator_username', 'u.role as creator_role'])
        // A token whose creator is gone is no token (deleting the user deletes them in the same transaction).
        .where((eb) => eb.or([eb('t.created_by', 'is', null), eb('u.id', 'is not', null)]))
    );
  }

  async create(token: Omit<ApiTokenRecord, 'lastUsedAt' | 'createdBy'> & { createdBy: string | null }): Promise<void> {
    await this.db.kysely
      .insertInto('api_token')
      .values({
        id: token.id,
        organization_id: token.organizationId,
        name: token.name,
        role: token.role,
        secret_hash: token.secretHash,
        created_at: token.createdAt,
        last_used_at: null,
        created_by: token.createdBy,
        expires_at: token.expiresAt,
      })
      .execute();
  }

  /** The token and its creator's current role, in one statement: authentication reads it at every request. */
  async get(id: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.withCreator().where('t.id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(organizationId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.withCreator().where('t.organization_id', '=', organizationId).orderBy('t.created_at').orderBy('t.id').execute();
    return rows.map((row) => toRecord(row as TokenRow));
  }

  /**
   * Deletes a token; returns it as it was, or undefined when the organization has no such token.
   * Of simultaneous revocations of one token only the one whose delete removed the row answers it
   * (on PostgreSQL the others wait for it, then delete nothing), so the revocation is recorded once.
   */
  async revoke(organizationId: string, id: string): Promise<ApiTokenRecord | undefined> {
    const token = await this.get(id);
    if (token?.organizationId !== organizationId) return undefined;
    const deleted = await this.db.kysely.deleteFrom('api_token').where('id', '=', id).where('organization_id', '=', organizationId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0 ? token : undefined;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.kysely.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
