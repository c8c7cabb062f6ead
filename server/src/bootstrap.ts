import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { generateApiToken, generatePassword, hashPassword } from './credentials.js';
import { generateSigningKey } from './keys/algorithms.js';
import { MAX_TOKEN_LIFETIME_DAYS, insertApiToken, tokenView, type TokenView } from './services/token-service.js';
import { userView } from './services/user-service.js';
import type { NewDomainEvent, Store } from './store/index.js';
import type { Role, SigningAlgorithm } from './store/schema.js';

export interface CreatedOrganization {
  organizationId: string;
  name: string;
  adminUsername: string;
  adminPassword: string;
  apiToken: string;
}

/** `admin`, or `admin2`, `admin3`, ... when that is taken: usernames are unique across the server. */
async function freeUsername(store: Store, wanted: string): Promise<string> {
  if (!(await store.organizations.usernameTaken(wanted))) return wanted;
  for (let n = 2; ; n++) {
    if (!(await store.organizations.usernameTaken(`${wanted}${n}`))) return `${wanted}${n}`;
  }
}

/**
 * Creates an organization ready to use: its signing key, an owner account with a random password
 * and an API token that acts for that owner. The secrets are returned once and stored only as hashes.
 * The rows and their events (organization.created, user.created, api_token.created) commit in one
 * transaction; the events have no actor: the operator made them, with the CLI or at the first start.
 */
export async function createOrganization(store: Store, clock: Clock, options: { name: string; algorithm?: SigningAlgorithm; adminUsername?: string }): Promise<CreatedOrganization> {
  const organizationId = randomUUID();
  const algorithm = options.algorithm ?? 'ES256';
  const adminUsername = await freeUsername(store, options.adminUsername ?? 'admin');
  const adminPassword = generatePassword();
  const token = generateApiToken();
  // The slow parts (a key pair, an argon2 hash) before the transaction.
  const signingKey = { id: randomUUID(), algorithm, ...generateSigningKey(algorithm) };
  const owner = { id: randomUUID(), username: adminUsername, displayName: 'Administrator', passwordHash: await hashPassword(adminPassword) };
  const newToken = { id: token.id, name: 'initial token', role: 'owner' as const };
  const at = clock.now();
  await store.transaction(async (tx) => {
    await tx.organizations.create({
      id: organizationId,
      name: options.name,
      createdAt: at,
      signingKey,
      owner,
      token: { ...newToken, secretHash: token.secretHash },
    });
    const shownUser = userView({ id: owner.id, organizationId, username: owner.username, displayName: owner.displayName, email: null, role: 'owner', createdAt: at });
    const shownToken = tokenView({
      ...newToken,
      organizationId,
      secretHash: token.secretHash,
      createdAt: at,
      lastUsedAt: null,
      expiresAt: null,
      createdBy: { id: owner.id, username: owner.username, role: 'owner' },
    });
    await tx.events.append(organizationId, at, [
      {
        type: 'organization.created',
        subject: { type: 'organization', id: organizationId },
        actor: OPERATOR,
        data: { before: null, after: { id: organizationId, name: options.name, signingAlgorithm: algorithm, publicKey: signingKey.publicKeyPem } },
      },
      { type: 'user.created', subject: { type: 'user', id: owner.id }, actor: OPERATOR, data: { before: null, after: shownUser } },
      tokenCreated(shownToken),
    ]);
  });
  return { organizationId, name: options.name, adminUsername, adminPassword, apiToken: token.token };
}

/** The actor of what the operator does: none, as for the server's own work. */
const OPERATOR = null;

function tokenCreated(view: TokenView): NewDomainEvent {
  return { type: 'api_token.created', subject: { type: 'token', id: view.id }, actor: OPERATOR, data: { before: null, after: view } };
}

/**
 * Adds an API token to an organization and returns its id and the token; only its hash is kept.
 * `createdBy` is the user it acts for: it never has more rights than they have, and dies with
 * their account. Null (the default) makes an operator's token, as `leasehold token create` does.
 * `expiresInDays` gives it an end that many days from now (at most MAX_TOKEN_LIFETIME_DAYS); none: it never expires.
 * The token and its api_token.created event commit together.
 */
export async function createApiToken(
  store: Store,
  clock: Clock,
  organizationId: string,
  name: string,
  role: Role,
  createdBy: string | null = null,
  expiresInDays?: number,
): Promise<{ id: string; token: string; expiresAt: string | null }> {
  const at = clock.now();
  if (expiresInDays !== undefined && !(Number.isInteger(expiresInDays) && expiresInDays >= 1 && expiresInDays <= MAX_TOKEN_LIFETIME_DAYS)) {
    throw new RangeError(`a token expires in 1 to ${MAX_TOKEN_LIFETIME_DAYS} days, not ${expiresInDays}`);
  }
  const expiresAt = expiresInDays === undefined ? null : at + expiresInDays * 86_400_000;
  return store.transaction(async (tx) => {
    const { token, ...view } = await insertApiToken(tx, { organizationId, name, role, createdBy, createdAt: at, expiresAt });
    await tx.events.append(organizationId, at, [tokenCreated(view)]);
    return { id: view.id, token, expiresAt: view.expiresAt };
  });
}
