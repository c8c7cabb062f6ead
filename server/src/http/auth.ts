import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { parseApiToken, secretMatches } from '../credentials.js';
import type { Store } from '../store/index.js';
import type { Role } from '../store/schema.js';
import { ApiError } from './errors.js';

/** Who is calling the admin API. */
export interface Principal {
  organizationId: string;
  role: Role;
  tokenId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** A token's last use is written at most this often, so reads do not each cost a write. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Authenticates `Authorization: Bearer <API token>`. The token names its row; the secret is checked
 * against the stored hash in constant time. Viewers may only read.
 */
export function bearerAuth(store: Store, clock: Clock) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer +(\S{1,200})$/i.exec(header) : null;
    if (!match) throw new ApiError(401, 'UNAUTHORIZED', 'an API token is required: Authorization: Bearer <token>');
    const parsed = parseApiToken(match[1]!);
    const token = parsed && (await store.tokens.get(parsed.id));
    if (!parsed || !token || !secretMatches(parsed.secret, token.secretHash)) {
      throw new ApiError(401, 'UNAUTHORIZED', 'the API token is not valid');
    }
    const now = clock.now();
    if (token.lastUsedAt === null || now - token.lastUsedAt > TOUCH_INTERVAL_MS) await store.tokens.touch(token.id, now);
    if (token.role === 'viewer' && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new ApiError(403, 'FORBIDDEN', 'this token may only read');
    }
    request.principal = { organizationId: token.organizationId, role: token.role, tokenId: token.id };
  };
}
