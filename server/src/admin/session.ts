import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { SESSION_COOKIE, sessionIdOf } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import type { Clock } from '../clock.js';
import type { Reservation, ThrottlePolicy } from '../store/login-throttle.js';
import { usernameKey } from '../usernames.js';
import type { AdminUser } from '../store/users.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';
import { UserReply, userReply } from './users.js';

const tags = ['session'];
const SESSION_MS = 12 * 3600_000;
/**
 * At most five failed password checks in 15 minutes per account and per client address: the fifth
 * blocks until the 15 minutes from the first have passed. Attempts are counted before the password
 * is checked.
 */
export const THROTTLE: ThrottlePolicy = { freeFailures: 5, windowMs: 15 * 60_000 };

/** The throttle's key for an account: its id, so no other account (another spelling, another tenant) shares or clears it. */
const accountKey = (userId: string) => `account:${userId}`;

export const SessionReply = Type.Object({
  user: UserReply,
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token with every change made with this session.' }),
});

export const Password = Type.String({ minLength: 10, maxLength: 200, description: '10 to 200 characters.' });

/** Refuses an attempt on a blocked key: 429 with Retry-After. */
function refuseBlocked(reply: FastifyReply, reservation: Reservation & { allowed: false }, clock: Clock, what: string): never {
  const seconds = Math.max(1, Math.ceil((reservation.blockedUntil - clock.now()) / 1000));
  reply.header('retry-after', String(seconds));
  throw new ApiError(429, 'TOO_MANY_ATTEMPTS', `too many ${what}; try again in ${seconds} s`);
}

/** The server hashes as many passwords as it can at once and has a full queue: 503 with Retry-After. */
export function refuseBusy(reply: FastifyReply): never {
  reply.header('retry-after', '1');
  throw new ApiError(503, 'BUSY', 'the server is checking too many passwords at once; retry shortly');
}

export interface SessionDeps extends AdminDeps {
  /** Whether cookies must be marked Secure: the public URL is https. */
  secureCookies: boolean;
}

/** Signing in: starts a session (HttpOnly, SameSite=Strict cookie) for a username and password. */
export const signInRoutes: FastifyPluginAsync<SessionDeps> = async (app, deps) => {
  const { store, clock } = deps;
  app.post(
    '/session',
    {
      schema: {
        summary: 'Sign in',
        description:
          'Attempts are counted per account (any spelling of its username) and per client address before the password is checked: at most 5 failures in 15 minutes, then every attempt answers 429 with Retry-After until those 15 minutes have passed. A success clears the account\'s count. 503 with Retry-After when the server is checking too many passwords at once.',
        tags,
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: SessionReply },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const now = clock.now();
      if (deps.passwords.busy()) refuseBusy(reply);
      const user = await store.users.findForSignIn(username);
      const keys = [user ? accountKey(user.id) : `name:${usernameKey(username)}`, `ip:${request.ip}`];
      // Counted before the password is checked, so simultaneous attempts cannot outrun the count.
      const reservation = await store.loginThrottle.reserve(keys, now, THROTTLE);
      if (!reservation.allowed) refuseBlocked(reply, reservation, clock, 'failed sign-ins');
      const checked = await deps.passwords.verify(user?.passwordHash, password);
      if (!checked.done) {
        for (const key of keys) await store.loginThrottle.release(key, THROTTLE);
        refuseBusy(reply);
      }
      if (!user || !checked.value) throw new ApiError(401, 'INVALID_CREDENTIALS', 'the username or password is not right');
      await store.loginThrottle.clear(keys[0]!);
      await store.loginThrottle.release(keys[1]!, THROTTLE);
      const { passwordHash: _, ...signedIn } = user;
      return startSession(deps, reply, signedIn, now);
    },
  );
};

async function startSession(deps: SessionDeps, reply: FastifyReply, user: AdminUser, now: number) {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await deps.store.users.createSession({ id: sessionIdOf(secret), organizationId: user.organizationId, userId: user.id, csrfToken, createdAt: now, expiresAt: now + SESSION_MS });
  reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, maxAge: SESSION_MS / 1000 });
  const organization = await deps.store.organizations.get(user.organizationId);
  return { user: userReply(user), organization: { id: user.organizationId, name: organization?.name ?? '' }, csrfToken };
}

/** The signed-in user's own session: who they are, signing out, changing their password. */
export const sessionRoutes: FastifyPluginAsync<SessionDeps> = async (app, deps) => {
  const { store, clock } = deps;
  const session = async (sessionId: string | undefined) => {
    const found = sessionId ? await store.users.findSession(sessionId, clock.now()) : undefined;
    if (!found) throw new ApiError(401, 'UNAUTHORIZED', 'no session: sign in first');
    return found;
  };

  app.get('/session', { schema: { summary: 'The signed-in user, their organization and the CSRF token', tags, response: { 200: SessionReply } } }, async (request) => {
    const current = await session(request.principal!.sessionId);
    const organization = await store.organizations.get(current.user.organizationId);
    return { user: userReply(current.user), organization: { id: current.user.organizationId, name: organization?.name ?? '' }, csrfToken: current.csrfToken };
  });

  app.delete('/session', { config: { selfService: true }, schema: { summary: 'Sign out', tags } }, async (request, reply) => {
    const current = await session(request.principal!.sessionId);
    await store.users.deleteSession(current.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.put(
    '/session/password',
    {
      config: { selfService: true },
      schema: {
        summary: 'Change your own password',
        description: 'Your other sessions end; this one goes on. Wrong current passwords count against the account like failed sign-ins (429 with Retry-After).',
        tags,
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const current = await session(request.principal!.sessionId);
      const { currentPassword, newPassword } = request.body as { currentPassword: string; newPassword: string };
      const user = await store.users.get(current.user.organizationId, current.user.id);
      if (!user) throw new ApiError(401, 'UNAUTHORIZED', 'no session: sign in first');
      // Guessing the current password through a session counts against the account as sign-ins do.
      const key = accountKey(user.id);
      if (deps.passwords.busy()) refuseBusy(reply);
      const reservation = await store.loginThrottle.reserve([key], clock.now(), THROTTLE);
      if (!reservation.allowed) refuseBlocked(reply, reservation, clock, 'wrong passwords');
      const checked = await deps.passwords.verify(user.passwordHash, currentPassword);
      if (!checked.done) {
        await store.loginThrottle.release(key, THROTTLE);
        refuseBusy(reply);
      }
      if (!checked.value) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'body.currentPassword is not your current password', [
          { field: 'body.currentPassword', message: 'is not your current password' },
        ]);
      }
      await store.loginThrottle.clear(key);
      const hashed = await deps.passwords.hash(newPassword);
      if (!hashed.done) refuseBusy(reply);
      await store.users.setPassword(user.id, hashed.value, current.id);
      await recordChange(deps, request, { action: 'change_password', resourceType: 'user', resourceId: user.id });
      return reply.code(204).send();
    },
  );
};
