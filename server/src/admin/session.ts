import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { generatePassword, hashPassword, verifyPassword } from '../credentials.js';
import { SESSION_COOKIE, sessionIdOf } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import type { AdminUser } from '../store/users.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';
import { UserReply, userReply } from './users.js';

const tags = ['session'];
const SESSION_MS = 12 * 3600_000;
/** Five failures in 15 minutes are free; each further one doubles the wait, up to 15 minutes. */
const THROTTLE = { freeFailures: 5, windowMs: 15 * 60_000, maxBlockMs: 15 * 60_000 };

export const SessionReply = Type.Object({
  user: UserReply,
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token with every change made with this session.' }),
});

export const Password = Type.String({ minLength: 10, maxLength: 200, description: '10 to 200 characters.' });

// Verifying against this when the username is unknown makes both failures take the same time.
let dummyHash: Promise<string> | undefined;

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
        description: 'Failed attempts are slowed down per username and per client address: after 5 in 15 minutes, each further one doubles a wait (429 with Retry-After).',
        tags,
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: SessionReply },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const now = clock.now();
      const keys = [`user:${username.toLowerCase()}`, `ip:${request.ip}`];
      const blockedUntil = Math.max(...(await Promise.all(keys.map((k) => store.users.blockedUntil(k)))));
      if (blockedUntil > now) {
        const seconds = Math.ceil((blockedUntil - now) / 1000);
        reply.header('retry-after', String(seconds));
        throw new ApiError(429, 'TOO_MANY_ATTEMPTS', `too many failed sign-ins; try again in ${seconds} s`);
      }
      const user = await store.users.findByUsername(username);
      dummyHash ??= hashPassword(generatePassword());
      const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
      if (!user || !valid) {
        for (const key of keys) await store.users.recordFailure(key, clock.now(), THROTTLE);
        throw new ApiError(401, 'INVALID_CREDENTIALS', 'the username or password is not right');
      }
      await store.users.clearFailures(keys[0]!);
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
        description: 'Your other sessions end; this one goes on.',
        tags,
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const current = await session(request.principal!.sessionId);
      const { currentPassword, newPassword } = request.body as { currentPassword: string; newPassword: string };
      const user = await store.users.get(current.user.organizationId, current.user.id);
      if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'body.currentPassword is not your current password', [
          { field: 'body.currentPassword', message: 'is not your current password' },
        ]);
      }
      await store.users.setPassword(user.id, await hashPassword(newPassword), current.id);
      await recordChange(deps, request, { action: 'change_password', resourceType: 'user', resourceId: user.id });
      return reply.code(204).send();
    },
  );
};
