import { sql } from 'kysely';
import { usernameKey } from '../usernames.js';
import type { Db } from './db.js';
import { isUniqueViolation } from './db-errors.js';
import { ConflictError } from './errors.js';
import type { Page, PageRequest } from './page.js';
import type { AdminUserTable, Role } from './schema.js';

export interface AdminUser {
  id: string;
  organizationId: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  createdAt: number;
}

export interface AdminUserWithHash extends AdminUser {
  passwordHash: string;
}

export interface Session {
  id: string;
  user: AdminUser;
  csrfToken: string;
  expiresAt: number;
}

function toUser(row: AdminUserTable): AdminUserWithHash {
  return {
    id: row.id,
    organizationId: row.organization_id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    createdAt: Number(row.created_at),
    passwordHash: row.password_hash,
  };
}

function withoutHash({ passwordHash: _, ...user }: AdminUserWithHash): AdminUser {
  return user;
}

export class LastOwnerError extends ConflictError {
  constructor() {
    super('the organization must keep at least one owner');
  }
}

/** People who administer an organization and their sessions. */
export class UserStore {
  constructor(private readonly db: Db) {}

  /** The account with exactly this username. */
  async findByUsername(username: string): Promise<AdminUserWithHash | undefined> {
    const row = await this.db.kysely.selectFrom('admin_user').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  /**
   * The account a sign-in names: the one whose normalized username (`usernameKey`) is the given
   * name's, whatever its case. An older account whose name normalizes like an older one's has no
   * key (migration 005) and is found by its exact spelling only, which then wins.
   */
  async findForSignIn(username: string): Promise<AdminUserWithHash | undefined> {
    const row = await this.db.kysely
      .selectFrom('admin_user')
      .selectAll()
      .where((eb) => eb.or([eb('username_key', '=', usernameKey(username)), eb.and([eb('username_key', 'is', null), eb('username', '=', username)])]))
      .orderBy(sql`case when username_key is null then 0 else 1 end`)
      .limit(1)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async get(organizationId: string, id: string): Promise<AdminUserWithHash | undefined> {
    const row = await this.db.kysely.selectFrom('admin_user').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<AdminUser>> {
    const query = this.db.kysely.selectFrom('admin_user').where('organization_id', '=', organizationId);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('username').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => withoutHash(toUser(r))), total: Number(count.n) };
  }

  async create(user: AdminUserWithHash): Promise<AdminUser> {
    try {
      await this.db.kysely
        .insertInto('admin_user')
        .values({
          id: user.id,
          organization_id: user.organizationId,
          username: user.username,
          username_key: usernameKey(user.username),
          display_name: user.displayName,
          email: user.email,
          password_hash: user.passwordHash,
          role: user.role,
          created_at: user.createdAt,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`the username "${user.username}" is taken`);
      throw err;
    }
    return withoutHash(user);
  }

  /**
   * Changes a user; refuses to demote the organization's last owner. Answers the user as they were
   * and as they are, both read under the lock that orders the changes of the organization's users.
   */
  async update(organizationId: string, id: string, patch: { displayName?: string; email?: string | null; role?: Role }): Promise<{ before: AdminUser; after: AdminUser } | undefined> {
    return this.db.writeTransaction(async (trx) => {
      await this.lockOwners(trx, organizationId);
      const row = await trx.selectFrom('admin_user').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      if (row.role === 'owner' && patch.role !== undefined && patch.role !== 'owner') await this.assertAnotherOwner(trx, organizationId, id);
      const changes: Partial<AdminUserTable> = {};
      if (patch.displayName !== undefined) changes.display_name = patch.displayName;
      if (patch.email !== undefined) changes.email = patch.email;
      if (patch.role !== undefined) changes.role = patch.role;
      if (Object.keys(changes).length > 0) await trx.updateTable('admin_user').set(changes).where('id', '=', id).execute();
      // A changed role takes effect at once: the user signs in again with it.
      if (patch.role !== undefined && patch.role !== row.role) await trx.deleteFrom('admin_session').where('user_id', '=', id).execute();
      return { before: withoutHash(toUser(row)), after: withoutHash(toUser({ ...row, ...changes })) };
    });
  }

  /**
   * Removes a user, their sessions and the API tokens they made; refuses to remove the
   * organization's last owner.
   */
  async delete(organizationId: string, id: string): Promise<AdminUser | undefined> {
    return this.db.writeTransaction(async (trx) => {
      await this.lockOwners(trx, organizationId);
      const row = await trx.selectFrom('admin_user').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      if (row.role === 'owner') await this.assertAnotherOwner(trx, organizationId, id);
      await trx.deleteFrom('admin_session').where('user_id', '=', id).execute();
      // A token never outlives its creator's account (the foreign key cascades too; this says so here).
      await trx.deleteFrom('api_token').where('created_by', '=', id).execute();
      await trx.deleteFrom('admin_user').where('id', '=', id).execute();
      return withoutHash(toUser(row));
    });
  }

  /** Sets a new password hash and ends the user's other sessions; false when the organization has no such user. */
  async setPassword(organizationId: string, id: string, passwordHash: string, keepSessionId?: string): Promise<boolean> {
    return this.db.writeTransaction(async (trx) => {
      const updated = await trx.updateTable('admin_user').set({ password_hash: passwordHash }).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      let sessions = trx.deleteFrom('admin_session').where('user_id', '=', id);
      if (keepSessionId) sessions = sessions.where('id', '!=', keepSessionId);
      await sessions.execute();
      return true;
    });
  }

  /**
   * Serialises the changes that may remove an owner of one organization: on PostgreSQL (READ
   * COMMITTED) two transactions could otherwise each count the other's owner and both remove
   * theirs. Every such change locks the organization's row first. SQLite's write transactions hold
   * the database's write lock from their first statement already.
   */
  private async lockOwners(trx: Db['kysely'], organizationId: string): Promise<void> {
    if (this.db.dialect !== 'postgres') return;
    await trx.selectFrom('organization').select('id').where('id', '=', organizationId).forUpdate().execute();
  }

  private async assertAnotherOwner(trx: Db['kysely'], organizationId: string, exceptId: string): Promise<void> {
    const owners = await trx
      .selectFrom('admin_user')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization_id', '=', organizationId)
      .where('role', '=', 'owner')
      .where('id', '!=', exceptId)
      .executeTakeFirstOrThrow();
    if (Number(owners.n) === 0) throw new LastOwnerError();
  }

  async createSession(session: { id: string; organizationId: string; userId: string; csrfToken: string; createdAt: number; expiresAt: number }): Promise<void> {
    await this.db.kysely
      .insertInto('admin_session')
      .values({
        id: session.id,
        organization_id: session.organizationId,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  /** The unexpired session with this id, with its user. */
  async findSession(id: string, now: number): Promise<Session | undefined> {
    const row = await this.db.kysely
      .selectFrom('admin_session as s')
      .innerJoin('admin_user as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.id as session_id', 's.csrf_token', 's.expires_at'])
      .where('s.id', '=', id)
      .where('s.expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    const { session_id, csrf_token, expires_at, ...user } = row;
    return { id: session_id, user: withoutHash(toUser(user)), csrfToken: csrf_token, expiresAt: Number(expires_at) };
  }

  /** Ends a session; false when it had ended already (signed out at the same moment, expired and deleted). */
  async deleteSession(id: string): Promise<boolean> {
    const deleted = await this.db.kysely.deleteFrom('admin_session').where('id', '=', id).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Deletes expired sessions and throttle records that no longer block anything; returns the sessions deleted. */
  async deleteExpired(now: number, throttleWindowMs: number): Promise<number> {
    const sessions = await this.db.kysely.deleteFrom('admin_session').where('expires_at', '<=', now).executeTakeFirst();
    await this.db.kysely
      .deleteFrom('login_throttle')
      .where('blocked_until', '<=', now)
      .where('first_failure_at', '<', now - throttleWindowMs)
      .execute();
    return Number(sessions.numDeletedRows);
  }
}
