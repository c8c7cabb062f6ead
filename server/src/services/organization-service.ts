import type { Store } from '../store/index.js';
import type { SigningAlgorithm } from '../store/schema.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { notFound, ok, type Outcome } from './outcome.js';
import { transact } from './transact.js';

/** The organization as the admin API shows it. */
export interface OrganizationView {
  id: string;
  name: string;
  licensingEndpoint: string;
  signingAlgorithm: SigningAlgorithm;
  publicKey: string;
}

export interface OrganizationChange {
  name?: string;
  /** Another algorithm than the current key's rotates to a new key of it. */
  signingAlgorithm?: SigningAlgorithm;
}

/** The caller's organization: its name, licensing endpoint and signing key. */
export class OrganizationService {
  constructor(private readonly deps: ServiceDeps) {}

  private async view(store: Store, organizationId: string): Promise<OrganizationView | undefined> {
    const [org, key] = await Promise.all([store.organizations.get(organizationId), store.signingKeys.current(organizationId)]);
    if (!org || !key) return undefined;
    return { id: org.id, name: org.name, licensingEndpoint: this.deps.endpointOf(org.id), signingAlgorithm: key.algorithm, publicKey: key.publicKeyPem };
  }

  async get(caller: Caller): Promise<Outcome<OrganizationView>> {
    const view = await this.view(this.deps.store, caller.organizationId);
    return view ? ok(view) : notFound('organization');
  }

  /**
   * Renames the organization and/or moves it to another signing algorithm: one transaction with
   * its audit entry and event. The organization's row is locked first, so two changes at once are
   * made one after the other and each records the state it changed.
   */
  async update(caller: Caller, change: OrganizationChange): Promise<Outcome<OrganizationView>> {
    const { store, clock, keychain } = this.deps;
    const organizationId = caller.organizationId;
    // Generated outside the transaction (an RSA key takes a while); unused when the algorithm stays.
    const current = change.signingAlgorithm === undefined ? undefined : await store.signingKeys.current(organizationId);
    const newKey = change.signingAlgorithm !== undefined && current && current.algorithm !== change.signingAlgorithm ? keychain.newKey(organizationId, change.signingAlgorithm) : undefined;
    const outcome = await transact(store, async (tx) => {
      await tx.organizations.lock(organizationId);
      const before = await this.view(tx, organizationId);
      if (!before) return notFound('organization');
      if (change.name !== undefined) await tx.organizations.rename(organizationId, change.name);
      if (newKey && before.signingAlgorithm !== newKey.algorithm) await tx.signingKeys.rotate(newKey);
      const after = (await this.view(tx, organizationId))!;
      await recordChange(tx, caller, clock.now(), { action: 'update', resourceType: 'organization', resourceId: organizationId, before, after });
      return ok(after);
    });
    if (outcome.ok && newKey) keychain.forget(organizationId);
    return outcome;
  }

  /** Starts signing new leases with a new key of the same algorithm; leases signed before stay verifiable. */
  async rotateSigningKey(caller: Caller): Promise<Outcome<OrganizationView>> {
    const { store, clock, keychain } = this.deps;
    const organizationId = caller.organizationId;
    const current = await store.signingKeys.current(organizationId);
    if (!current) return notFound('organization');
    const newKey = keychain.newKey(organizationId, current.algorithm);
    const outcome = await transact(store, async (tx) => {
      await tx.organizations.lock(organizationId);
      const before = await this.view(tx, organizationId);
      if (!before) return notFound('organization');
      await tx.signingKeys.rotate(newKey);
      const after = (await this.view(tx, organizationId))!;
      await recordChange(tx, caller, clock.now(), { action: 'rotate', resourceType: 'signing_key', resourceId: organizationId, before, after });
      return ok(after);
    });
    if (outcome.ok) keychain.forget(organizationId);
    return outcome;
  }
}
