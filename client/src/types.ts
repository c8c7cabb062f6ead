import type { components } from './generated/api.js';

/*
 * Types of what the licensing API answers come from the server's route schemas, through its
 * OpenAPI document (generated/api.ts, made by `npm run generate:api-types`); the rest of this file
 * is the client's own: outcomes, claims, options.
 */
type Wire = components['schemas'];
type Reply = Wire['KeyValidateReply'] | Wire['LeaseObtainReply'] | Wire['LeaseValidateReply'] | Wire['LeaseRenewReply'] | Wire['LeaseReleaseReply'];

/**
 * The error codes of the licensing API, as the server's replies list them: the ExaLicense seed's
 * six (KEY_INVALID, KEY_EXPIRED, LEASE_LIMIT_REACHED, LEASE_INVALID, LEASE_RELEASED,
 * LEASE_EXPIRED), and the three Leasehold adds:
 * - `INVALID_REQUEST`: malformed parameters (a 400), or a call made without the key or lease it needs;
 * - `LICENSING_ENDPOINT_INVALID`: no organization has this licensing endpoint (a 404 before anything
 *   else is looked up);
 * - `TOO_MANY_REQUESTS`: too many failed key or lease lookups from this address (a 429 with
 *   Retry-After). The client reports it as `unavailable` with `retryAfterMs`, never as a verdict
 *   on the license.
 */
export type LicensingErrorCode = NonNullable<(Reply | Wire['LicensingEndpointError'])['errorCode']>;

/** Every code once: a code the API adds or drops fails to compile here until the list follows. */
const ERROR_CODES: Record<LicensingErrorCode, true> = {
  KEY_INVALID: true,
  KEY_EXPIRED: true,
  LEASE_LIMIT_REACHED: true,
  LEASE_INVALID: true,
  LEASE_RELEASED: true,
  LEASE_EXPIRED: true,
  INVALID_REQUEST: true,
  LICENSING_ENDPOINT_INVALID: true,
  TOO_MANY_REQUESTS: true,
};
export const LICENSING_ERROR_CODES: readonly LicensingErrorCode[] = Object.keys(ERROR_CODES) as LicensingErrorCode[];

/** Lease signing algorithms a Leasehold server uses: those of the keys in its jwks.json. */
export type SigningAlgorithm = Wire['JsonWebKeySet']['keys'][number]['alg'];
/** Every algorithm once, as the error codes above. */
const ALGORITHMS: Record<SigningAlgorithm, true> = { ES256: true, EdDSA: true, RS256: true };
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.keys(ALGORITHMS) as SigningAlgorithm[];

export type ValidForFeature = Wire['ValidForFeature'];

/** A product a key or lease grants, by name, with the granted features. */
export type ValidForProduct = Wire['ValidForProduct'];

export type ValidFor = ValidForProduct[];

/**
 * The codes a call can be denied with: those its reply lists, and the unknown endpoint's.
 * TOO_MANY_REQUESTS is not a verdict: it is Unavailable.
 */
type DeniedCode<R extends Reply> = Exclude<NonNullable<(R | Wire['LicensingEndpointError'])['errorCode']>, 'TOO_MANY_REQUESTS'>;

/** The server answered with a licensing error code: a real answer about the key or lease. */
export interface Denied<C extends LicensingErrorCode = LicensingErrorCode> {
  ok: false;
  kind: 'denied';
  errorCode: C;
  message: string;
  /** The HTTP status (400..409), or null when the client refused the call itself (nothing to send). */
  status: number | null;
}

/**
 * The server could not be asked or did not answer the licensing question: no network, a timeout,
 * a 5xx or 429 (with Retry-After when given), or a reply that is not the licensing API's (a proxy's
 * error page, a captive portal). Never a verdict on the license: retry later.
 */
export interface Unavailable {
  ok: false;
  kind: 'unavailable';
  reason: 'network' | 'timeout' | 'server' | 'protocol';
  /** The HTTP status when there was a reply. */
  status: number | null;
  /** What the server asked for in Retry-After, in milliseconds, when it did. */
  retryAfterMs: number | null;
  message: string;
  /** The underlying error (fetch's TypeError, an AbortError, ...) when there was one; not enumerable. */
  cause?: unknown;
}

export interface KeyInfo {
  /** When the license expires, or null for never. */
  expiry: Date | null;
  /** Most leases held at once; null is unlimited. */
  leaseLimit: Wire['KeyValidateReply']['leaseLimit'];
  /** Seats in use now: active, unexpired leases, those with one client id counting once. */
  leasesUsed: Wire['KeyValidateReply']['leasesUsed'];
  validFor: ValidFor;
}

export type KeyValidation =
  | ({ ok: true; kind: 'ok' } & KeyInfo)
  /** KEY_EXPIRED still reports expiry, leaseLimit, leasesUsed and validFor; KEY_INVALID reports nulls and []. */
  | (Denied<DeniedCode<Wire['KeyValidateReply']>> & KeyInfo)
  | Unavailable;

export type LeaseObtained = { ok: true; kind: 'ok'; lease: string; expiry: Date; validFor: ValidFor } | Denied<DeniedCode<Wire['LeaseObtainReply']>> | Unavailable;

export type LeaseValidation = { ok: true; kind: 'ok'; expiry: Date; validFor: ValidFor } | (Denied<DeniedCode<Wire['LeaseValidateReply']>> & { expiry: Date | null }) | Unavailable;

export type LeaseRenewed =
  /** `validFor`: what the new lease grants; null from a server whose renew reply does not say. */
  { ok: true; kind: 'ok'; lease: string; expiry: Date; validFor: ValidFor | null } | (Denied<DeniedCode<Wire['LeaseRenewReply']>> & { expiry: Date | null }) | Unavailable;

export type LeaseReleased = { ok: true; kind: 'ok' } | Denied<DeniedCode<Wire['LeaseReleaseReply']>> | Unavailable;

/** The claims of a lease code (a compact JWS). */
export interface LeaseClaims {
  /** The organization's licensing endpoint URL. */
  iss: string;
  /** The license id. */
  sub: string;
  /** The lease id. */
  jti: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** The client id, when the client gave one. */
  cid?: string;
  /**
   * What the license grants: in full, or by name only (descriptions null) when the full text would
   * make the code too long. Absent when `vfd` stands for it.
   */
  validFor?: ValidFor;
  /**
   * When the grant is too large for the code: the SHA-256 (base64url) of the full `validFor` the
   * obtain or renew reply carried, which `validForDigest` recomputes.
   */
  vfd?: string;
}

/** Why a lease failed offline verification. */
export type VerificationFailure =
  | 'malformed'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'issuer'
  | 'expired'
  | 'no-lease'
  /** The lease names what it grants by digest only, and no matching `validFor` was given with it. */
  | 'valid-for';

export interface VerifiedLease {
  ok: true;
  kind: 'ok';
  lease: string;
  claims: LeaseClaims;
  algorithm: SigningAlgorithm;
  /** The `kid` of the key that signed it, when the header names one. */
  keyId: string | null;
  licenseId: string;
  leaseId: string;
  clientId: string | null;
  issuedAt: Date;
  expiry: Date;
  validFor: ValidFor;
  /** True when the lease grants `feature` of `product`. */
  hasFeature(product: string, feature: string): boolean;
  /** True when the lease grants any feature, or none, of `product`. */
  hasProduct(product: string): boolean;
}

/** A lease that failed verification: LEASE_EXPIRED when it is past its expiry, LEASE_INVALID otherwise. */
export interface LeaseRejected extends Denied<'LEASE_INVALID' | 'LEASE_EXPIRED' | 'INVALID_REQUEST'> {
  reason: VerificationFailure;
}

/** Offline verification: the lease verifies, or it does not, or the keys to check it could not be had. */
export type OfflineVerification = VerifiedLease | LeaseRejected | Unavailable;

/** A JSON Web Key as /jwks.json publishes it. */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  [member: string]: unknown;
}

export interface JsonWebKeySet {
  keys: Jwk[];
}

/** True when `validFor` grants `feature` of `product`. */
export function hasFeature(validFor: ValidFor | null | undefined, product: string, feature: string): boolean {
  return (validFor ?? []).some((p) => p.product === product && p.features.some((f) => f.feature === feature));
}

/** True when `validFor` names `product`. */
export function hasProduct(validFor: ValidFor | null | undefined, product: string): boolean {
  return (validFor ?? []).some((p) => p.product === product);
}
