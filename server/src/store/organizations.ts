import { usernameKey } from '../usernames.js';
import type { SecretBox } from '../keys/secret-box.js';
import type { Db } from './db.js';
import type { Role, SigningAlgorithm } from './schema.js';

export interface Organization {
  id: string;
  name: string;
  createdAt: number;
}

export interface NewOrganization {
  id: string;
  name: string;
  createdAt: number;
  signingKey: { id: string; algorithm: SigningAlgorithm; publicKeyPem: string; privateKeyPem: string };
  owner: { id: string; username: string; displayName: string; passwordHash: string };
  token: { id: string; name: string; role: Role; secretHash: string };
}

/** Organizations: the tenants. Everything else belongs to exactly one. */
export class OrganizationStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  /** Creates an organization with its first signing key, owner and API token, all or nothing. */
  async create(org: NewOrganization): Promise<void> {
    await this.db.writeTransaction(async (trx) => {
      await trx.insertInto('organization').values({ id: org.id, name: org.name, created_at: org.createdAt }).execute();
      await trx
        .insertInto('signing_key')
        .values({
          id: org.signingKey.id,
          organization_id: org.id,
          algorithm: org.signingKey.algorithm,
          public_key_pem: org.signingKey.publicKeyPem,
          private_key_pem: this.secrets.sealPrivateKey(org.signingKey.id, org.signingKey.privateKeyPem),
          created_at: org.createdAt,
          retired_at: null,
        })
        .execute();
      await trx
        .insertInto('admin_user')
        .values({
          id: org.owner.id,
          organization_id: org.id,
          username: org.owner.username,
          username_key: usernameKey(org.owner.username),
          display_name: org.owner.displayName,
          email: null,
          password_hash: org.owner.passwordHash,
          role: 'owner',
          created_at: org.createdAt,
        })
        .execute();
      await trx
        .insertInto('api_token')
        .values({
          id: org.token.id,
          organization_id: org.id,
          name: org.token.name,
          role: org.token.role,
          secret_hash: org.token.secretHash,
          created_at: org.createdAt,
          last_used_at: null,
          // The first token is the first owner's: it has no more rights than they have.
          created_by: org.owner.id,
          expires_at: null,
        })
        .execute();
    });
  }

  async get(id: string): Promise<Organization | undefined> {
    const row = await this.db.kysely.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, name: row.name, createdAt: Number(row.created_at) };
  }

  async count(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Locks the organization's row until the transaction ends (PostgreSQL; SQLite's write lock
   * already serialises writers), so that changes to it are made one after the other.
   */
  async lock(id: string): Promise<void> {
    if (this.db.dialect === 'postgres') await this.db.kysely.selectFrom('organization').select('id').where('id', '=', id).forUpdate().execute();
  }

  async rename(id: string, name: string): Promise<void> {
    await this.db.kysely.updateTable('organization').set({ name }).where('id', '=', id).execute();
  }

  /**
   * Usernames are unique across the server, so that signing in needs no organization, and compared
   * normalized (`usernameKey`): `Admin` is taken when `admin` exists.
   */
  async usernameTaken(username: string): Promise<boolean> {
    const row = await this.db.kysely
      .selectFrom('admin_user')
      .select('id')
      .where((eb) => eb.or([eb('username_key', '=', usernameKey(username)), eb('username', '=', username)]))
      .executeTakeFirst();
    return row !== undefined;
  }
}
