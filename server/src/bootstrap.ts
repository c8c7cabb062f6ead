import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { generateApiToken, generatePassword, hashPassword } from './credentials.js';
import { generateSigningKey } from './keys/algorithms.js';
import type { Store } from './store/index.js';
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
 */
export async function createOrganization(
  store: Store,
  clock: Clock,
  options: { name: string; algorithm?: SigningAlgorithm; adminUsername?: string },
): Promise<CreatedOrganization> {
  const organizationId = randomUUID();
  const algorithm = options.algorithm ?? 'ES256';
  const adminUsername = await freeUsername(store, options.adminUsername ?? 'admin');
  const adminPassword = generatePassword();
  const token = generateApiToken();
  await store.organizations.create({
    id: organizationId,
    name: options.name,
    createdAt: clock.now(),
    signingKey: { id: randomUUID(), algorithm, ...generateSigningKey(algorithm) },
    owner: { id: randomUUID(), username: adminUsername, displayName: 'Administrator', passwordHash: await hashPassword(adminPassword) },
    token: { id: token.id, name: 'initial token', role: 'owner', secretHash: token.secretHash },
  });
  return { organizationId, name: options.name, adminUsername, adminPassword, apiToken: token.token };
}

/**
 * Adds an API token to an organization and returns its id and the token; only its hash is kept.
 * `createdBy` is the user it acts for: it never has more rights than they have, and dies with
 * their account. Null (the default) makes an operator's token, as `leasehold token create` does.
 */
export async function createApiToken(
  store: Store,
  clock: Clock,
  organizationId: string,
  name: string,
  role: Role,
  createdBy: string | null = null,
): Promise<{ id: string; token: string }> {
  const token = generateApiToken();
  await store.tokens.create({ id: token.id, organizationId, name, role, secretHash: token.secretHash, createdAt: clock.now(), createdBy });
  return { id: token.id, token: token.token };
}
