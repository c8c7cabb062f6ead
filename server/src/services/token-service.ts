import { generateApiToken } from '../credentials.js';
import type { Store } from '../store/index.js';
import type { Role } from '../store/schema.js';
import type { ApiTokenRecord } from '../store/tokens.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { failed, invalid, notFound, ok, type Outcome } from './outcome.js';
import { atLeast, lacksRole } from './roles.js';
import { transact } from './transact.js';

/** A token as the admin API shows it, and as the audit log and events record it: never its secret or hash. */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  createdBy: { id: string; username: string } | null;
}

/** A token just made: its view, and the token itself, shown this once. */
export interface CreatedToken extends TokenView {
  token: string;
}

export function tokenView(token: ApiTokenRecord): TokenView {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    createdAt: isoTime(token.createdAt),
    lastUsedAt: isoTime(token.lastUsedAt),
    expiresAt: isoTime(token.expiresAt),
    createdBy: token.createdBy && { id: token.createdBy.id, username: token.createdBy.username },
  };
}

/**
 * Adds an API token with `tx`, the transaction that records it; only the hash of its secret is kept.
 * `createdBy` is the user it acts for (null: an operator's token).
 */
export async function insertApiToken(
  tx: Store,
  token: { organizationId: string; name: string; role: Role; createdBy: string | null; createdAt: number; expiresAt?: number | null },
): Promise<CreatedToken> {
  const generated = generateApiToken();
  await tx.tokens.create({ id: generated.id, secretHash: generated.secretHash, ...token, expiresAt: token.expiresAt ?? null });
  const record = await tx.tokens.get(generated.id);
  if (!record) throw new Error(`the API token ${generated.id} is not there after its insert`);
  return { ...tokenView(record), token: generated.token };
}

/** The furthest ahead a token's expiry may be: a credential that outlives two years is better made without one, on purpose. */
export const MAX_TOKEN_LIFETIME_DAYS = 730;
const DAY_MS = 86_400_000;

/** Whether a token is past its expiry at `now`: from then on it is refused like an unknown token. */
export const tokenExpired = (token: { expiresAt: number | null }, now: number): boolean => token.expiresAt !== null && token.expiresAt <= now;

/** An expiry asked for at `now`: a time after now and at most MAX_TOKEN_LIFETIME_DAYS ahead; null or absent is never. */
export function tokenExpiryOf(text: string | null | undefined, now: number): Outcome<number | null> {
  if (text === undefined || text === null) return ok(null);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return invalid('body.expiresAt is not a valid date-time', [{ field: 'expiresAt', message: 'not a valid date-time' }]);
  if (ms <= now) return invalid('body.expiresAt must be in the future', [{ field: 'expiresAt', message: 'must be in the future' }]);
  if (ms > now + MAX_TOKEN_LIFETIME_DAYS * DAY_MS) {
    return invalid(`body.expiresAt must be at most ${MAX_TOKEN_LIFETIME_DAYS} days ahead`, [{ field: 'expiresAt', message: `at most ${MAX_TOKEN_LIFETIME_DAYS} days ahead` }]);
  }
  return ok(ms);
}

/** API tokens, managed by owners. A token acts for the user who made it and never has more rights than they have. */
export class TokenService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The organization's tokens, with whether each is past its expiry now (an expired token stays listed until it is revoked). */
  async list(caller: Caller): Promise<Outcome<{ items: (TokenView & { expired: boolean })[] }>> {
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    const now = this.deps.clock.now();
    return ok({ items: (await this.deps.store.tokens.list(caller.organizationId)).map((token) => ({ ...tokenView(token), expired: tokenExpired(token, now) })) });
  }

  /** The new token acts for the same user as the caller: a token made with a token is that user's too. */
  async create(caller: Caller, token: { name: string; role: Role; expiresAt?: string | null }): Promise<Outcome<CreatedToken & { expired: false }>> {
    const { store, clock } = this.deps;
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    if (!atLeast(caller.role, token.role)) return failed({ kind: 'forbidden', message: `a token cannot have more rights than you: you have the ${caller.role} role` });
    const now = clock.now();
    const expiresAt = tokenExpiryOf(token.expiresAt, now);
    if (!expiresAt.ok) return expiresAt;
    return transact(store, async (tx) => {
      const created = await insertApiToken(tx, { organizationId: caller.organizationId, name: token.name, role: token.role, createdBy: caller.userId, createdAt: now, expiresAt: expiresAt.value });
      const { token: _, ...view } = created;
      await recordChange(tx, caller, now, { action: 'create', resourceType: 'token', resourceId: view.id, after: view, event: 'api_token.created' });
      return ok({ ...created, expired: false as const });
    });
  }

  async revoke(caller: Caller, id: string): Promise<Outcome<void>> {
    const { store, clock } = this.deps;
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    return transact(store, async (tx) => {
      const revoked = await tx.tokens.revoke(caller.organizationId, id);
      if (!revoked) return notFound('token');
      await recordChange(tx, caller, clock.now(), { action: 'delete', resourceType: 'token', resourceId: id, before: tokenView(revoked), event: 'api_token.deleted' });
      return ok(undefined);
    });
  }
}
