import { randomUUID } from 'node:crypto';
import type { Page, PageRequest } from '../store/index.js';
import type { Role } from '../store/schema.js';
import type { AdminUser } from '../store/users.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { failed, notFound, ok, type Outcome } from './outcome.js';
import { lacksRole } from './roles.js';
import { transact } from './transact.js';

/** A user as the admin API shows them, and as the audit log and events record them: never the password hash. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  createdAt: string;
}

export function userView(user: AdminUser): UserView {
  return { id: user.id, username: user.username, displayName: user.displayName, email: user.email, role: user.role, createdAt: isoTime(user.createdAt) };
}

/** The refusal when the password queue is full: the caller retries shortly. */
export const passwordsBusy = (): Outcome<never> => failed({ kind: 'busy', message: 'the server is checking too many passwords at once; retry shortly' });

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  role: Role;
  password: string;
}

export interface UserChange {
  displayName?: string;
  email?: string | null;
  role?: Role;
}

/**
 * The people who administer an organization. Everyone may list them; only owners change them, and
 * the organization always keeps an owner (decided in the store's transaction, `store/users.ts`).
 * Passwords are hashed before a transaction starts, never while it holds locks.
 */
export class UserService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(caller: Caller, page: PageRequest): Promise<Outcome<Page<UserView>>> {
    const result = await this.deps.store.users.list(caller.organizationId, page);
    return ok({ items: result.items.map(userView), total: result.total });
  }

  async create(caller: Caller, user: NewUser): Promise<Outcome<UserView>> {
    const { store, clock, passwords } = this.deps;
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    const hashed = await passwords.hash(user.password);
    if (!hashed.done) return passwordsBusy();
    return transact(store, async (tx) => {
      const created = userView(
        await tx.users.create({
          id: randomUUID(),
          organizationId: caller.organizationId,
          username: user.username,
          displayName: user.displayName,
          email: user.email ?? null,
          role: user.role,
          createdAt: clock.now(),
          passwordHash: hashed.value,
        }),
      );
      await recordChange(tx, caller, clock.now(), { action: 'create', resourceType: 'user', resourceId: created.id, after: created });
      return ok(created);
    });
  }

  /** A changed role ends the user's sessions (the store does it), so it takes effect at once. */
  async update(caller: Caller, id: string, change: UserChange): Promise<Outcome<UserView>> {
    const { store, clock } = this.deps;
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    return transact(store, async (tx) => {
      const changed = await tx.users.update(caller.organizationId, id, change);
      if (!changed) return notFound('user');
      const before = userView(changed.before);
      const after = userView(changed.after);
      await recordChange(tx, caller, clock.now(), { action: 'update', resourceType: 'user', resourceId: id, before, after });
      return ok(after);
    });
  }

  /** Removes the user with their sessions and the API tokens they made. */
  async delete(caller: Caller, id: string): Promise<Outcome<void>> {
    const { store, clock } = this.deps;
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    return transact(store, async (tx) => {
      const removed = await tx.users.delete(caller.organizationId, id);
      if (!removed) return notFound('user');
      await recordChange(tx, caller, clock.now(), { action: 'delete', resourceType: 'user', resourceId: id, before: userView(removed) });
      return ok(undefined);
    });
  }

  /** Sets a user's password for them; every session of theirs ends. */
  async resetPassword(caller: Caller, id: string, password: string): Promise<Outcome<void>> {
    const { store, clock, passwords } = this.deps;
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    // Looked up first, so that an unknown user costs no hash.
    if (!(await store.users.get(caller.organizationId, id))) return notFound('user');
    const hashed = await passwords.hash(password);
    if (!hashed.done) return passwordsBusy();
    return transact(store, async (tx) => {
      if (!(await tx.users.setPassword(caller.organizationId, id, hashed.value))) return notFound('user');
      await recordChange(tx, caller, clock.now(), { action: 'reset_password', resourceType: 'user', resourceId: id });
      return ok(undefined);
    });
  }
}
