import { generateApiToken } from '../credentials.js';
import type { Store } from '../store/index.js';
import type { Role } from '../store/schema.js';
import type { ApiTokenRecord } from '../store/tokens.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { failed, notFound, ok, type Outcome } from './outcome.js';
import { atLeast, lacksRole } from './roles.js';
import { transact } from './transact.js';

/** A token as the admin API shows it, and as the audit log and events record it: never its secret or hash. */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
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
    createdBy: token.createdBy && { id: token.createdBy.id, username: token.createdBy.username },
  };
}

/**
 * Adds an API token with `tx`, the transaction that records it; only the hash of its secret is kept.
 * `createdBy` is the user it acts for (null: an operator's token).
 */
export async function insertApiToken(tx: Store, token: { organizationId: string; name: string; role: Role; createdBy: string | null; createdAt: number }): Promise<CreatedToken> {
  const generated = generateApiToken();
  await tx.tokens.create({ id: generated.id, secretHash: generated.secretHash, ...token });
  const record = await tx.tokens.get(generated.id);
  if (!record) throw new Error(`the API token ${generated.id} is not there after its insert`);
  return { ...tokenView(record), token: generated.token };
}

/** API tokens, managed by owners. A token acts for the user who made it and never has more rights than they have. */
export class TokenService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(caller: Caller): Promise<Outcome<{ items: TokenView[] }>> {
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    return ok({ items: (await this.deps.store.tokens.list(caller.organizationId)).map(tokenView) });
  }

  /** The new token acts for the same user as the caller: a token made with a token is that user's too. */
  async create(caller: Caller, token: { name: string; role: Role }): Promise<Outcome<CreatedToken>> {
    const { store, clock } = this.deps;
    const refused = lacksRole(caller, 'owner');
    if (refused) return refused;
    if (!atLeast(caller.role, token.role)) return failed({ kind: 'forbidden', message: `a token cannot have more rights than you: you have the ${caller.role} role` });
    return transact(store, async (tx) => {
      const created = await insertApiToken(tx, { organizationId: caller.organizationId, name: token.name, role: token.role, createdBy: caller.userId, createdAt: clock.now() });
      const { token: _, ...view } = created;
      await recordChange(tx, caller, clock.now(), { action: 'create', resourceType: 'token', resourceId: view.id, after: view, event: 'api_token.created' });
      return ok(created);
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
