import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SESSION_COOKIE } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { callerOf, valueOf } from '../http/outcome.js';
import { SessionService } from '../services/session-service.js';
import type { AdminDeps } from './deps.js';
import { Password, UserReply } from './user-schemas.js';

const tags = ['session'];

export const SessionReply = Type.Object({
  user: UserReply,
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token with every change made with this session.' }),
});

export interface SessionDeps extends AdminDeps {
  /** Whether cookies must be marked Secure: the public URL is https. */
  secureCookies: boolean;
}

/** Signing in: starts a session (HttpOnly, SameSite=Strict cookie) for a username and password. */
export const signInRoutes: FastifyPluginAsyncTypebox<SessionDeps> = async (app, deps) => {
  const sessions = new SessionService(deps);
  app.post(
    '/session',
    {
      schema: {
        summary: 'Sign in',
        description:
          "Attempts are counted per account (any spelling of its username) and per client address before the password is checked: at most 5 failures in 15 minutes, then every attempt answers 429 with Retry-After until those 15 minutes have passed. A success clears the account's count. 503 with Retry-After when the server is checking too many passwords at once.",
        tags,
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: SessionReply },
      },
    },
    async (request, reply) => {
      const outcome = await sessions.signIn({ ...request.body, address: request.ip });
      // Wrong credentials have a code of their own, which the web app tells apart from a lost session.
      if (!outcome.ok && outcome.failure.kind === 'unauthorized') throw new ApiError(401, 'INVALID_CREDENTIALS', outcome.failure.message);
      const started = valueOf(outcome, reply);
      reply.setCookie(SESSION_COOKIE, started.secret, { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, maxAge: started.maxAgeSeconds });
      return started.view;
    },
  );
};

/** The signed-in user's own session: who they are, signing out, changing their password. */
export const sessionRoutes: FastifyPluginAsyncTypebox<SessionDeps> = async (app, deps) => {
  const sessions = new SessionService(deps);

  app.get('/session', { schema: { summary: 'The signed-in user, their organization and the CSRF token', tags, response: { 200: SessionReply } } }, async (request, reply) =>
    valueOf(await sessions.current(callerOf(request)), reply),
  );

  app.delete('/session', { config: { selfService: true }, schema: { summary: 'Sign out', tags } }, async (request, reply) => {
    valueOf(await sessions.signOut(callerOf(request)), reply);
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
      valueOf(await sessions.changePassword(callerOf(request), request.body), reply);
      return reply.code(204).send();
    },
  );
};
