import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { parseApiToken, secretMatches } from '../credentials.js';
import type { Store } from '../store/index.js';
import type { Caller } from '../services/caller.js';
import { lower } from '../services/roles.js';
import { sessionIdOf } from '../services/session-service.js';
import { tokenExpired } from '../services/token-service.js';
import { ApiError } from './errors.js';

/**
 * Who is calling the admin API, and how they proved it: the services' `Caller`. `userId` is the
 * signed-in user or the API token's creator (null for an operator's token); `sessionId` is set for
 * a signed-in user's session (cookie) and unset for an API token.
 */
export type Principal = Caller;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** A change to the caller's own session or password: allowed to every role, viewers too. */
    selfService?: boolean;
  }
}

export const SESSION_COOKIE = 'lh_session';

/** A token's last use is written at most this often, so reads do not each cost a write. */
const TOUCH_INTERVAL_MS = 60_000;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Authenticates an admin request: `Authorization: Bearer <API token>`, or the session cookie of a
 * signed-in user. A cookie-authenticated write must also carry the session's CSRF token in
 * `X-CSRF-Token`: a page on another site can make the browser send the cookie, never the header.
 * Viewers may only read.
 */
export function authenticate(store: Store, clock: Clock) {
  return async (request: FastifyRequest): Promise<void> => {
    const now = clock.now();
    const header = request.headers.authorization;
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    let principal: Principal;
    if (header !== undefined) {
      const match = typeof header === 'string' ? /^Bearer +(\S{1,200})$/i.exec(header) : null;
      if (!match) throw new ApiError(401, 'UNAUTHORIZED', 'the Authorization header must be "Bearer <API token>"');
      const parsed = parseApiToken(match[1]!);
      // One statement: the token and its creator's current role.
      const token = parsed && (await store.tokens.get(parsed.id));
      // An expired token gets the same answer as an unknown one: the reply tells a caller nothing about which tokens exist.
      if (!parsed || !token || !secretMatches(parsed.secret, token.secretHash) || tokenExpired(token, now)) throw new ApiError(401, 'UNAUTHORIZED', 'the API token is not valid');
      if (token.lastUsedAt === null || now - token.lastUsedAt > TOUCH_INTERVAL_MS) await store.tokens.touch(token.id, now);
      // A token never has more rights than its creator has now: demoting them demotes their tokens.
      const role = token.createdBy ? lower(token.role, token.createdBy.role) : token.role;
      principal = { organizationId: token.organizationId, role, actor: { type: 'token', id: token.id, name: token.name }, userId: token.createdBy?.id ?? null };
    } else {
      const secret = request.cookies[SESSION_COOKIE];
      const session = secret && secret.length <= 100 ? await store.users.findSession(sessionIdOf(secret), now) : undefined;
      if (!session) throw new ApiError(401, 'UNAUTHORIZED', 'sign in, or send an API token: Authorization: Bearer <token>');
      if (write) {
        const csrf = request.headers['x-csrf-token'];
        if (typeof csrf !== 'string' || !sameSecret(csrf, session.csrfToken)) {
          throw new ApiError(403, 'CSRF_FAILED', 'a change made with a session needs the X-CSRF-Token header');
        }
      }
      principal = {
        organizationId: session.user.organizationId,
        role: session.user.role,
        actor: { type: 'user', id: session.user.id, name: session.user.username },
        userId: session.user.id,
        sessionId: session.id,
      };
    }
    if (principal.role === 'viewer' && write && !request.routeOptions.config.selfService) throw new ApiError(403, 'FORBIDDEN', 'a viewer may only read');
    request.principal = principal;
  };
}
