import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { CurrentKey } from '../keys/keychain.js';
import { claimedLeaseId, clientIdClaim, hashLeaseCode, leaseCodeMatches, signLeaseWithin } from '../keys/lease-code.js';
import type { Store } from '../store/index.js';
import type { Lease, LeaseWithGrant, LeaseWithLicense, NewLease } from '../store/leases.js';
import type { ValidForProduct } from '../store/licenses.js';

export interface LicensingSettings {
  /** Lease lifetime when the client asks for none, in seconds. */
  defaultLeaseSeconds: number;
  /** Longest lease the server grants, in seconds; longer requests are shortened to it. */
  maxLeaseSeconds: number;
}

/** The organization a licensing call is made to: who it is, the key that signs, and its endpoint URL. */
export interface LicensingContext {
  organizationId: string;
  signer: CurrentKey;
  endpoint: string;
}

export type KeyValidation =
  | { ok: true; expiry: number | null; leaseLimit: number | null; leasesUsed: number; validFor: ValidForProduct[] }
  | { ok: false; errorCode: 'KEY_INVALID' }
  | { ok: false; errorCode: 'KEY_EXPIRED'; expiry: number; leaseLimit: number | null; leasesUsed: number; validFor: ValidForProduct[] };

export type ObtainOutcome = { ok: true; lease: string; expiry: number; validFor: ValidForProduct[] } | { ok: false; errorCode: 'KEY_INVALID' | 'KEY_EXPIRED' | 'LEASE_LIMIT_REACHED' };

export type LeaseValidation =
  { ok: true; expiry: number; validFor: ValidForProduct[] } | { ok: false; errorCode: 'LEASE_INVALID' } | { ok: false; errorCode: 'LEASE_RELEASED' | 'LEASE_EXPIRED'; expiry: number };

export type RenewOutcome =
  | { ok: true; lease: string; expiry: number; validFor: ValidForProduct[] }
  | { ok: false; errorCode: 'LEASE_INVALID' | 'KEY_INVALID' }
  | { ok: false; errorCode: 'LEASE_RELEASED' | 'LEASE_EXPIRED' | 'KEY_EXPIRED'; expiry: number };

export type ReleaseOutcome = { ok: true } | { ok: false; errorCode: 'LEASE_INVALID' };

/** Released or superseded: the lease was given up before it ran out (revoked is told apart before). */
const ended = (lease: Lease): boolean => lease.state !== 'active' && lease.state !== 'expired';

/**
 * Ran out: past its expiry, or marked so by housekeeping, which answers the same whatever this
 * instance's clock says (another instance's may be a little ahead).
 */
const expired = (lease: Lease, now: number): boolean => lease.state === 'expired' || lease.expiresAt <= now;

/**
 * The licensing decisions of the seed's API. Outcomes are values carrying the seed's error codes;
 * anything thrown is a fault. Decisions that must hold under concurrency are made in the store.
 */
export class Licensing {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: LicensingSettings,
  ) {}

  /** Whether a key is known and unexpired, with its limit, seats in use and what it grants. */
  async validateKey(ctx: LicensingContext, key: string): Promise<KeyValidation> {
    const now = this.clock.now();
    const grant = await this.store.leases.findKeyWithUsage(ctx.organizationId, key, now);
    if (!grant) return { ok: false, errorCode: 'KEY_INVALID' };
    const details = { leaseLimit: grant.leaseLimit, leasesUsed: grant.leasesUsed, validFor: grant.validFor };
    if (grant.expiry !== null && grant.expiry <= now) return { ok: false, errorCode: 'KEY_EXPIRED', expiry: grant.expiry, ...details };
    return { ok: true, expiry: grant.expiry, ...details };
  }

  /** Takes a seat from the key's license and returns a signed lease code for it. */
  async obtainLease(ctx: LicensingContext, key: string, expirySeconds: number | undefined, clientId: string | undefined): Promise<ObtainOutcome> {
    const grant = await this.store.leases.findKey(ctx.organizationId, key);
    if (!grant) return { ok: false, errorCode: 'KEY_INVALID' };
    const now = this.clock.now();
    if (grant.expiry !== null && grant.expiry <= now) return { ok: false, errorCode: 'KEY_EXPIRED' };

    const validFor = grant.validFor;
    const lease = this.issue(ctx, {
      licenseId: grant.licenseId,
      keyId: grant.keyId,
      clientId: clientId ?? null,
      licenseExpiry: grant.expiry,
      expirySeconds,
      validFor,
      now,
    });
    if (!lease) return { ok: false, errorCode: 'KEY_EXPIRED' };
    const claimed = await this.store.leases.claimSeat(lease.record, now);
    switch (claimed.kind) {
      case 'claimed':
        return { ok: true, lease: lease.code, expiry: lease.record.expiresAt, validFor };
      case 'limit_reached':
        return { ok: false, errorCode: 'LEASE_LIMIT_REACHED' };
      case 'license_gone':
        return { ok: false, errorCode: 'KEY_INVALID' };
    }
  }

  /** Whether a lease code is one this server issued and still holds a seat. */
  async validateLease(ctx: LicensingContext, code: string): Promise<LeaseValidation> {
    const lease = await this.findWithGrant(ctx, code);
    if (!lease || lease.state === 'revoked' || lease.licenseExpiry === undefined) return { ok: false, errorCode: 'LEASE_INVALID' };
    if (ended(lease)) return { ok: false, errorCode: 'LEASE_RELEASED', expiry: lease.expiresAt };
    const now = this.clock.now();
    if (expired(lease, now) || (lease.licenseExpiry !== null && lease.licenseExpiry <= now)) {
      return { ok: false, errorCode: 'LEASE_EXPIRED', expiry: lease.expiresAt };
    }
    return { ok: true, expiry: lease.expiresAt, validFor: lease.validFor };
  }

  /** Replaces a live lease by a new code for the same seat; the old code stops working. */
  async renewLease(ctx: LicensingContext, code: string, expirySeconds: number | undefined): Promise<RenewOutcome> {
    const lease = await this.findWithGrant(ctx, code);
    if (!lease) return { ok: false, errorCode: 'LEASE_INVALID' };
    const now = this.clock.now();
    const refusal = this.renewRefusal(lease, now);
    if (refusal) return refusal;

    const validFor = lease.validFor;
    const next = this.issue(ctx, {
      licenseId: lease.licenseId,
      keyId: lease.keyId,
      clientId: lease.clientId,
      licenseExpiry: lease.licenseExpiry ?? null,
      expirySeconds,
      validFor,
      now,
    });
    if (!next) return { ok: false, errorCode: 'KEY_EXPIRED', expiry: lease.expiresAt };
    if (await this.store.leases.renew(lease.id, next.record, now)) return { ok: true, lease: next.code, expiry: next.record.expiresAt, validFor };
    // Another request changed the lease between our read and our write: say what it is now.
    const current = await this.store.leases.find(ctx.organizationId, lease.id);
    return (current && this.renewRefusal(current, this.clock.now())) ?? { ok: false, errorCode: 'LEASE_RELEASED', expiry: lease.expiresAt };
  }

  /**
   * Gives a lease's seat back to the pool. Releasing a lease that is no longer active, or has
   * expired (its seat is free already), changes nothing.
   */
  async releaseLease(ctx: LicensingContext, code: string): Promise<ReleaseOutcome> {
    const lease = await this.find(ctx, code, (o, l) => this.store.leases.find(o, l));
    if (!lease || lease.state === 'revoked' || lease.licenseExpiry === undefined) return { ok: false, errorCode: 'LEASE_INVALID' };
    const now = this.clock.now();
    if (!ended(lease) && !expired(lease, now)) await this.store.leases.release(ctx.organizationId, lease, now);
    return { ok: true };
  }

  /**
   * The lease a code stands for, when the code is exactly the one issued for it, read by `lookup`
   * (the store's `find`, or `findWithGrant` for what its license grants too).
   */
  private async find<L extends LeaseWithLicense>(ctx: LicensingContext, code: string, lookup: (organizationId: string, leaseId: string) => Promise<L | undefined>): Promise<L | undefined> {
    const leaseId = claimedLeaseId(code);
    if (!leaseId) return undefined;
    const lease = await lookup(ctx.organizationId, leaseId);
    return lease && leaseCodeMatches(code, lease.codeHash) ? lease : undefined;
  }

  /** As `find`, with what the lease's license grants now, read in the same statement. */
  private findWithGrant(ctx: LicensingContext, code: string): Promise<LeaseWithGrant | undefined> {
    return this.find(ctx, code, (o, l) => this.store.leases.findWithGrant(o, l));
  }

  private renewRefusal(lease: LeaseWithLicense, now: number): Exclude<RenewOutcome, { ok: true }> | undefined {
    if (lease.state === 'revoked' || lease.licenseExpiry === undefined) return { ok: false, errorCode: 'KEY_INVALID' };
    if (lease.licenseExpiry !== null && lease.licenseExpiry <= now) return { ok: false, errorCode: 'KEY_EXPIRED', expiry: lease.expiresAt };
    if (ended(lease)) return { ok: false, errorCode: 'LEASE_RELEASED', expiry: lease.expiresAt };
    if (expired(lease, now)) return { ok: false, errorCode: 'LEASE_EXPIRED', expiry: lease.expiresAt };
    return undefined;
  }

  /**
   * Builds and signs a new lease: its lifetime is the one asked for, within the server's maximum and
   * the license's expiry. Lease expiries are whole seconds (`exp`), never past the license's, so
   * within the license's last fraction of a second no lease can end in the future: undefined then.
   */
  private issue(
    ctx: LicensingContext,
    p: {
      licenseId: string;
      keyId: string;
      clientId: string | null;
      licenseExpiry: number | null;
      expirySeconds: number | undefined;
      validFor: ValidForProduct[];
      now: number;
    },
  ): { code: string; record: NewLease } | undefined {
    const seconds = Math.min(p.expirySeconds ?? this.settings.defaultLeaseSeconds, this.settings.maxLeaseSeconds);
    const iat = Math.floor(p.now / 1000);
    let exp = iat + seconds;
    if (p.licenseExpiry !== null) exp = Math.min(exp, Math.floor(p.licenseExpiry / 1000));
    if (exp * 1000 <= p.now) return undefined;
    const id = randomUUID();
    const code = signLeaseWithin(ctx.signer, { iss: ctx.endpoint, sub: p.licenseId, jti: id, iat, exp, ...(p.clientId !== null ? { cid: clientIdClaim(p.clientId) } : {}) }, p.validFor);
    return {
      code,
      record: {
        id,
        organizationId: ctx.organizationId,
        licenseId: p.licenseId,
        keyId: p.keyId,
        clientId: p.clientId,
        issuedAt: p.now,
        expiresAt: exp * 1000,
        signingKeyId: ctx.signer.kid,
        codeHash: hashLeaseCode(code),
      },
    };
  }
}
