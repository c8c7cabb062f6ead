import { createHash, randomBytes } from 'node:crypto';
import type { NewDomainEvent, Store } from '../store/index.js';
import type { Reservation, ThrottlePolicy } from '../store/login-throttle.js';
import type { AdminUser, Session } from '../store/users.js';
import { usernameKey } from '../usernames.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { failed, invalid, ok, type Outcome } from './outcome.js';
import { transact } from './transact.js';
import { recordSignIn, throttledSince } from './sign-in-record.js';
import { passwordsBusy, userView, type UserView } from './user-service.js';

const SESSION_MS = 12 * 3600_000;

/**
 * At most five failed password checks in 15 minutes per account and per client address: the fifth
 * blocks until the 15 minutes from the first have passed. Attempts are counted before the password
 * is checked.
 */
export const THROTTLE: ThrottlePolicy = { freeFailures: 5, windowMs: 15 * 60_000 };

/** The throttle's key for an account: its id, so no other account (another spelling, another tenant) shares or clears it. */
const accountKey = (userId: string) => `account:${userId}`;

/** The session id stored for a cookie secret: its SHA-256, so the table holds nothing usable. */
export function sessionIdOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The signed-in user, their organization and the CSRF token their changes carry. */
export interface SessionView {
  user: UserView;
  organization: { id: string; name: string };
  csrfToken: string;
}

/** A session just started: what the user is shown, and the secret their cookie carries (nowhere else). */
export interface StartedSession {
  view: SessionView;
  secret: string;
  maxAgeSeconds: number;
}

export interface SignInAttempt {
  username: string;
  password: string;
  /** The client's address, counted by the throttle like the account. */
  address: string;
}

const noSession = (): Outcome<never> => failed({ kind: 'unauthorized', message: 'no session: sign in first' });

/**
 * The event of a session starting or ending. There is no audit entry for these; the session's id is
 * the SHA-256 of its secret, which signs nobody in.
 */
function sessionEvent(type: 'session.started' | 'session.ended', sessionId: string, user: AdminUser): NewDomainEvent {
  return { type, subject: { type: 'session', id: sessionId }, actor: { type: 'user', id: user.id, name: user.username }, data: { userId: user.id, username: user.username } };
}

/** Signing in and out, and the signed-in user's own password. */
export class SessionService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Refuses an attempt on a blocked key, saying when to try again. */
  private tooMany(reservation: Reservation & { allowed: false }, what: string): Outcome<never> {
    const seconds = Math.max(1, Math.ceil((reservation.blockedUntil - this.deps.clock.now()) / 1000));
    return failed({ kind: 'throttled', message: `too many ${what}; try again in ${seconds} s`, retryAfterSeconds: seconds });
  }

  private async organizationOf(store: Store, user: AdminUser): Promise<SessionView['organization']> {
    const organization = await store.organizations.get(user.organizationId);
    return { id: user.organizationId, name: organization?.name ?? '' };
  }

  private async sessionOf(caller: Caller): Promise<Session | undefined> {
    return caller.sessionId ? this.deps.store.users.findSession(caller.sessionId, this.deps.clock.now()) : undefined;
  }

  /**
   * Starts a session for a username and password. The attempt is counted before the password is
   * checked (so simultaneous attempts cannot outrun the count), and given back when the check did
   * not happen (the password queue was full) or succeeded; a success also clears the account's
   * count. An unknown username is checked against a throw-away hash, so it costs the same.
   */
  async signIn(attempt: SignInAttempt): Promise<Outcome<StartedSession>> {
    const { store, clock, passwords } = this.deps;
    const now = clock.now();
    if (passwords.busy()) return passwordsBusy();
    const user = await store.users.findForSignIn(attempt.username);
    const [account, address] = [user ? accountKey(user.id) : `name:${usernameKey(attempt.username)}`, `ip:${attempt.address}`];
    const reservation = await store.loginThrottle.reserve([account, address], now, THROTTLE);
    if (!reservation.allowed) {
      // The first refusal of a block on a known account is recorded; the others only counted, so a flood writes nothing.
      const blockStart = reservation.blockedUntil - THROTTLE.windowMs;
      if (user) {
        // Decided under the account's throttle row, so that of simultaneous refusals one records the block.
        await store.transaction(async (tx) => {
          await tx.loginThrottle.lock(account);
          if (!(await throttledSince(tx, user, blockStart))) await recordSignIn(tx, user, attempt, now, { result: 'throttled', blockedUntil: isoTime(reservation.blockedUntil) });
        });
      }
      return this.tooMany(reservation, 'failed sign-ins');
    }
    const checked = await passwords.verify(user?.passwordHash, attempt.password);
    if (!checked.done) {
      await store.transaction(async (tx) => {
        for (const key of [account, address]) await tx.loginThrottle.release(key, THROTTLE);
      });
      return passwordsBusy();
    }
    if (user && !checked.value) {
      const blockedUntil = reservation.blocks[account];
      await store.transaction((tx) => recordSignIn(tx, user, attempt, now, { result: 'wrong_password', blockedUntil: blockedUntil === undefined ? null : isoTime(blockedUntil) }));
    }
    if (!user || !checked.value) return failed({ kind: 'unauthorized', message: 'the username or password is not right' });
    const { passwordHash: _, ...signedIn } = user;
    const secret = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const id = sessionIdOf(secret);
    return transact(store, async (tx) => {
      await tx.loginThrottle.clear(account);
      await tx.loginThrottle.release(address, THROTTLE);
      await tx.users.createSession({ id, organizationId: user.organizationId, userId: user.id, csrfToken, createdAt: now, expiresAt: now + SESSION_MS });
      await tx.events.append(user.organizationId, now, [sessionEvent('session.started', id, signedIn)]);
      await recordSignIn(tx, user, attempt, now, { result: 'success' });
      return ok({ view: { user: userView(signedIn), organization: await this.organizationOf(tx, signedIn), csrfToken }, secret, maxAgeSeconds: SESSION_MS / 1000 });
    });
  }

  /** The caller's session: who they are, their organization and the CSRF token. */
  async current(caller: Caller): Promise<Outcome<SessionView>> {
    const session = await this.sessionOf(caller);
    if (!session) return noSession();
    return ok({ user: userView(session.user), organization: await this.organizationOf(this.deps.store, session.user), csrfToken: session.csrfToken });
  }

  /** Ends the caller's session. Of simultaneous sign-outs of one session, the one that ended it records it. */
  async signOut(caller: Caller): Promise<Outcome<void>> {
    const { store, clock } = this.deps;
    const session = await this.sessionOf(caller);
    if (!session) return noSession();
    return transact(store, async (tx) => {
      if (await tx.users.deleteSession(session.id)) await tx.events.append(session.user.organizationId, clock.now(), [sessionEvent('session.ended', session.id, session.user)]);
      return ok(undefined);
    });
  }

  /**
   * Changes the signed-in user's password; their other sessions end, this one goes on. A wrong
   * current password counts against the account as a failed sign-in does.
   */
  async changePassword(caller: Caller, change: { currentPassword: string; newPassword: string }): Promise<Outcome<void>> {
    const { store, clock, passwords } = this.deps;
    const session = await this.sessionOf(caller);
    if (!session) return noSession();
    const user = await store.users.get(session.user.organizationId, session.user.id);
    if (!user) return noSession();
    const key = accountKey(user.id);
    if (passwords.busy()) return passwordsBusy();
    const reservation = await store.loginThrottle.reserve([key], clock.now(), THROTTLE);
    if (!reservation.allowed) return this.tooMany(reservation, 'wrong passwords');
    const checked = await passwords.verify(user.passwordHash, change.currentPassword);
    if (!checked.done) {
      await store.loginThrottle.release(key, THROTTLE);
      return passwordsBusy();
    }
    if (!checked.value) return invalid('body.currentPassword is not your current password', [{ field: 'body.currentPassword', message: 'is not your current password' }]);
    await store.loginThrottle.clear(key);
    const hashed = await passwords.hash(change.newPassword);
    if (!hashed.done) return passwordsBusy();
    return transact(store, async (tx) => {
      if (!(await tx.users.setPassword(user.organizationId, user.id, hashed.value, session.id))) return noSession();
      await recordChange(tx, caller, clock.now(), { action: 'change_password', resourceType: 'user', resourceId: user.id });
      return ok(undefined);
    });
  }
}
