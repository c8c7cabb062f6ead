import type { Db } from './db.js';
import type { Role } from './schema.js';

export interface ApiTokenRecord {
  id: string;
  organizationId: string;
  name: string;
  role: Role;
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
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
    return (
      row && {
        id: row.id,
        organizationId: row.organization_id,
        name: row.name,
        role: row.role,
        secretHash: row.secret_hash,
        createdAt: Number(row.created_at),
        lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
      }
    );
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.kysely.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
