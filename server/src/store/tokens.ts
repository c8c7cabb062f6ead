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
}

function toRecord(row: ApiTokenTable): ApiTokenRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    role: row.role,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

/** API tokens. Only a hash of each token's secret is kept. */
export class TokenStore {
  constructor(private readonly db: Db) {}

  async create(token: Omit<ApiTokenRecord, 'lastUsedAt'>): Promise<void> {
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
      })
      .execute();
  }

  async get(id: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.db.kysely.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(organizationId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.db.kysely.selectFrom('api_token').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** Deletes a token; returns it, or undefined when the organization has no such token. */
  async revoke(organizationId: string, id: string): Promise<ApiTokenRecord | undefined> {
    const token = await this.get(id);
    if (!token || token.organizationId !== organizationId) return undefined;
    await this.db.kysely.deleteFrom('api_token').where('id', '=', id).where('organization_id', '=', organizationId).execute();
    return token;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.kysely.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
