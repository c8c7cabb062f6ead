import { createPrivateKey, createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../store/index.js';
import type { SigningAlgorithm } from '../store/schema.js';
import type { NewSigningKey } from '../store/signing-keys.js';
import { TtlCache } from '../ttl-cache.js';
import { generateSigningKey } from './algorithms.js';
import type { Signer } from './lease-code.js';

/** The organization's key that signs new leases, parsed once. */
export interface CurrentKey extends Signer {
  publicKeyPem: string;
}

/**
 * The organizations' signing keys: which one signs, which ones verify, and rotation. Keys live in
 * the database; this keeps parsed current keys for `cacheTtlMs`, the longest another instance may
 * go on signing with a key that was just rotated away (older leases stay verifiable, see jwks).
 */
export class Keychain {
  private readonly cache: TtlCache<string, CurrentKey>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    cacheTtlMs: number,
  ) {
    this.cache = new TtlCache(cacheTtlMs, 10_000, () => clock.now());
  }

  /** The key that signs new leases for `organizationId`; undefined when there is no such organization. */
  async current(organizationId: string): Promise<CurrentKey | undefined> {
    const cached = this.cache.get(organizationId);
    if (cached) return cached;
    const record = await this.store.signingKeys.current(organizationId);
    if (!record) return undefined;
    const key: CurrentKey = {
      kid: record.id,
      algorithm: record.algorithm,
      // Opened and parsed once per cache entry: the database holds the key sealed under the KEK.
      privateKey: createPrivateKey(this.store.secrets.openPrivateKey(record.id, record.sealedPrivateKey)),
      publicKeyPem: record.publicKeyPem,
    };
    this.cache.set(organizationId, key);
    return key;
  }

  /** Every public key that may still verify an unexpired lease of the organization, as a JWK set. */
  async jwks(organizationId: string): Promise<{ keys: (JsonWebKey & { kty: string; kid: string; alg: SigningAlgorithm; use: 'sig' })[] }> {
    const records = await this.store.signingKeys.verifying(organizationId, this.clock.now());
    return {
      keys: records.map((r) => {
        const jwk = createPublicKey(r.publicKeyPem).export({ format: 'jwk' });
        // Every public key node exports as a JWK names its type; kty keeps its place in the object.
        return { ...jwk, kty: String(jwk.kty), kid: r.id, alg: r.algorithm, use: 'sig' as const };
      }),
    };
  }

  /**
   * A new key pair of `algorithm` for `organizationId`, to be stored by `store.signingKeys.rotate`
   * in the caller's transaction. Generated before that transaction: an RSA key takes long enough
   * that no lock should wait for it.
   */
  newKey(organizationId: string, algorithm: SigningAlgorithm): NewSigningKey {
    return { id: randomUUID(), organizationId, algorithm, ...generateSigningKey(algorithm), createdAt: this.clock.now() };
  }

  /** Forgets the cached current key of `organizationId`, once a rotation committed: this instance signs with the new key at once. */
  forget(organizationId: string): void {
    this.cache.delete(organizationId);
  }

  /** Retires the current key and starts signing with a new one of `algorithm`. */
  async rotate(organizationId: string, algorithm: SigningAlgorithm): Promise<void> {
    await this.store.signingKeys.rotate(this.newKey(organizationId, algorithm));
    this.forget(organizationId);
  }
}
