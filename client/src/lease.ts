import { base64Decode, base64UrlDecode, base64UrlEncode, buffer, utf8Decode, utf8Encode } from './encoding.js';
import {
  hasFeature,
  hasProduct,
  SIGNING_ALGORITHMS,
  type Jwk,
  type JsonWebKeySet,
  type LeaseClaims,
  type LeaseRejected,
  type SigningAlgorithm,
  type ValidFor,
  type VerificationFailure,
  type VerifiedLease,
} from './types.js';
import { webCrypto } from './webcrypto.js';

export interface LeaseHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [member: string]: unknown;
}

export interface DecodedLease {
  header: LeaseHeader;
  claims: LeaseClaims;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

function json(part: string): Record<string, unknown> | undefined {
  const bytes = base64UrlDecode(part);
  const text = bytes && utf8Decode(bytes);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isValidFor(value: unknown): value is ValidFor {
  return (
    Array.isArray(value) &&
    value.every(
      (p: unknown) =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as { product?: unknown }).product === 'string' &&
        Array.isArray((p as { features?: unknown }).features) &&
        (p as { features: unknown[] }).features.every((f) => typeof f === 'object' && f !== null && typeof (f as { feature?: unknown }).feature === 'string'),
    )
  );
}

/**
 * Reads a lease code WITHOUT verifying it: header, claims, and the parts a verifier needs.
 * Undefined when it is not a compact JWS with the claims of a Leasehold lease.
 */
export function decodeLease(lease: string): DecodedLease | undefined {
  if (typeof lease !== 'string' || lease.length > 16384) return undefined;
  const parts = lease.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = json(h);
  const claims = json(p);
  const signature = base64UrlDecode(s);
  if (!header || !claims || !signature || typeof header.alg !== 'string') return undefined;
  if (header.kid !== undefined && typeof header.kid !== 'string') return undefined;
  const c = claims;
  if (typeof c.iss !== 'string' || typeof c.sub !== 'string' || typeof c.jti !== 'string') return undefined;
  if (typeof c.iat !== 'number' || typeof c.exp !== 'number' || !Number.isFinite(c.iat) || !Number.isFinite(c.exp)) return undefined;
  if (c.cid !== undefined && typeof c.cid !== 'string') return undefined;
  // What the lease grants, in the claims or (too large for them) as a digest of it.
  if (c.validFor === undefined ? typeof c.vfd !== 'string' : !isValidFor(c.validFor)) return undefined;
  return { header: header as LeaseHeader, claims: c as unknown as LeaseClaims, signingInput: utf8Encode(`${h}.${p}`), signature };
}

/**
 * The digest a lease code carries (`vfd`) when what its license grants is too large for it:
 * SHA-256, base64url, of the UTF-8 JSON text of
 * `[[product, productDescription, [[feature, featureDescription], ...]], ...]`.
 */
export async function validForDigest(validFor: ValidFor): Promise<string> {
  const canonical = validFor.map((p) => [p.product, p.productDescription ?? null, p.features.map((f) => [f.feature, f.featureDescription ?? null])]);
  const digest = await (await webCrypto()).subtle.digest('SHA-256', buffer(utf8Encode(JSON.stringify(canonical))));
  return base64UrlEncode(new Uint8Array(digest));
}

/** True when two grants name the same products and features (descriptions aside). */
function sameNames(a: ValidFor, b: ValidFor): boolean {
  const names = (v: ValidFor) => JSON.stringify(v.map((p) => [p.product, p.features.map((f) => f.feature)]));
  return names(a) === names(b);
}

/**
 * What a lease grants, from its claims and the `validFor` the server answered with it (obtain or
 * renew). The claims decide: a reply is used for its descriptions when it names the same
 * products and features as the claims, or, when the claims carry only the digest `vfd`, when it
 * matches that digest. Undefined when the claims carry a digest that no given reply matches.
 */
export async function grantOf(claims: LeaseClaims, replied: ValidFor | null | undefined): Promise<ValidFor | undefined> {
  if (claims.validFor) return replied && sameNames(claims.validFor, replied) ? replied : claims.validFor;
  if (replied && claims.vfd !== undefined && (await validForDigest(replied)) === claims.vfd) return replied;
  return undefined;
}

// --- keys -------------------------------------------------------------------------------------

const IMPORT: Record<SigningAlgorithm, RsaHashedImportParams | EcKeyImportParams | Algorithm> = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  EdDSA: { name: 'Ed25519' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};
const VERIFY: Record<SigningAlgorithm, EcdsaParams | Algorithm> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
};

function jwkFits(jwk: Jwk, alg: SigningAlgorithm): boolean {
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (alg === 'ES256') return jwk.kty === 'EC' && jwk.crv === 'P-256';
  if (alg === 'EdDSA') return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
  return jwk.kty === 'RSA';
}

/** One public key: a JWK (with its kid and alg) or an SPKI PEM (neither). */
export interface KeyEntry {
  kid?: string;
  jwk?: Jwk;
  der?: Uint8Array;
  /** Imported keys by algorithm; null when the key does not import for that algorithm. */
  imported: Map<SigningAlgorithm, Promise<CryptoKey | null>>;
}

export function keyFromJwk(jwk: Jwk): KeyEntry {
  return { kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, jwk, imported: new Map() };
}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/g;

/** The SPKI public keys in a PEM text (one or more BEGIN PUBLIC KEY blocks). */
export function keysFromPem(pem: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const match of pem.matchAll(PEM_BLOCK)) {
    const der = base64Decode(match[1] ?? '');
    if (der && der.length > 0) entries.push({ der, imported: new Map() });
  }
  return entries;
}

/** Keys from what an application gives: PEM text, a JWKS as JSON text, or a JWKS object. */
export function keysFrom(source: string | JsonWebKeySet): KeyEntry[] {
  if (typeof source === 'string') {
    const text = source.trim();
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new TypeError('publicKey: the text starts like a JWKS but is not JSON');
      }
      return keysFrom(parsed as JsonWebKeySet);
    }
    const entries = keysFromPem(text);
    if (entries.length === 0) throw new TypeError('publicKey: no "BEGIN PUBLIC KEY" block (SPKI PEM) found');
    return entries;
  }
  if (!source || !Array.isArray(source.keys)) throw new TypeError('publicKey: expected PEM text or a JWKS ({ keys: [...] })');
  return source.keys.filter((k) => k && typeof k === 'object' && typeof k.kty === 'string').map(keyFromJwk);
}

async function importFor(entry: KeyEntry, alg: SigningAlgorithm): Promise<CryptoKey | null> {
  let pending = entry.imported.get(alg);
  if (!pending) {
    pending = (async () => {
      if (entry.jwk && !jwkFits(entry.jwk, alg)) return null;
      const subtle = (await webCrypto()).subtle;
      try {
        const key = entry.jwk ? await subtle.importKey('jwk', cleanJwk(entry.jwk), IMPORT[alg], false, ['verify']) : await subtle.importKey('spki', buffer(entry.der!), IMPORT[alg], false, ['verify']);
        // RSA keys shorter than 2048 bits are not trusted.
        const bits = (key.algorithm as { modulusLength?: number }).modulusLength;
        return bits !== undefined && bits < 2048 ? null : key;
      } catch {
        return null;
      }
    })();
    entry.imported.set(alg, pending);
  }
  return pending;
}

/** The JWK members that describe the key itself; kid, alg, use and the rest are checked by us. */
function cleanJwk(jwk: Jwk): JsonWebKey {
  const { kty, crv, x, y, n, e } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined));
}

// --- verification -----------------------------------------------------------------------------

export interface VerifyContext {
  algorithms: readonly SigningAlgorithm[];
  /** Expected `iss`, compared after URL normalization; undefined skips the check. */
  issuer: string | undefined;
  now: number;
  clockSkewSeconds: number;
  /** The validFor the server answered with the lease, when known. */
  validFor?: ValidFor | null;
}

export function normalizeUrl(url: string): string {
  try {
    return new URL(url).toString().replace(/\/+$/, '');
  } catch {
    return url.replace(/\/+$/, '');
  }
}

export function rejected(reason: VerificationFailure, message: string): LeaseRejected {
  const errorCode = reason === 'expired' ? 'LEASE_EXPIRED' : reason === 'no-lease' ? 'INVALID_REQUEST' : 'LEASE_INVALID';
  return { ok: false, kind: 'denied', errorCode, message, status: null, reason };
}

/** The keys that may have signed a lease with this header: its kid's, and those without a kid. */
export function candidates(entries: readonly KeyEntry[], kid: string | undefined): KeyEntry[] {
  if (kid === undefined) return [...entries];
  return [...entries.filter((e) => e.kid === kid), ...entries.filter((e) => e.kid === undefined)];
}

/** Tries the candidate keys on the signature: 'verified', 'signature' (none verified), or 'unknown-key' (none fits). */
export async function checkSignature(decoded: DecodedLease, alg: SigningAlgorithm, keys: readonly KeyEntry[]): Promise<'verified' | 'signature' | 'unknown-key'> {
  const subtle = (await webCrypto()).subtle;
  let tried = false;
  for (const entry of keys) {
    const key = await importFor(entry, alg);
    if (!key) continue;
    tried = true;
    try {
      if (await subtle.verify(VERIFY[alg], key, buffer(decoded.signature), buffer(decoded.signingInput))) return 'verified';
    } catch {
      // A malformed signature for this key: not verified.
    }
  }
  return tried ? 'signature' : 'unknown-key';
}

/** Header checks that come before any key: the algorithm must be one we accept. */
export function checkHeader(decoded: DecodedLease, algorithms: readonly SigningAlgorithm[]): SigningAlgorithm | LeaseRejected {
  const alg = decoded.header.alg;
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(alg) || !algorithms.includes(alg as SigningAlgorithm)) {
    return rejected('algorithm', `lease signed with "${alg}", which is not an accepted algorithm (${algorithms.join(', ')})`);
  }
  if (decoded.header.crit !== undefined) return rejected('malformed', 'lease header has critical extensions this client does not understand');
  return alg as SigningAlgorithm;
}

/**
 * Claim checks after the signature verified: issuer, expiry (with the skew allowance), and what
 * the lease grants (see `grantOf`; `ctx.validFor` is the reply's, needed for a digest-only lease).
 */
export async function checkClaims(lease: string, decoded: DecodedLease, alg: SigningAlgorithm, ctx: VerifyContext): Promise<VerifiedLease | LeaseRejected> {
  const { claims } = decoded;
  if (ctx.issuer !== undefined && normalizeUrl(claims.iss) !== normalizeUrl(ctx.issuer)) {
    return rejected('issuer', `lease issued by "${claims.iss}", expected "${ctx.issuer}"`);
  }
  if (ctx.now >= (claims.exp + ctx.clockSkewSeconds) * 1000) {
    return rejected('expired', `lease expired at ${new Date(claims.exp * 1000).toISOString()}`);
  }
  const validFor = await grantOf(claims, ctx.validFor);
  if (!validFor) {
    return rejected('valid-for', 'the lease names what it grants by digest only (vfd): pass the validFor the server answered with it, which must match');
  }
  return {
    ok: true,
    kind: 'ok',
    lease,
    claims,
    algorithm: alg,
    keyId: decoded.header.kid ?? null,
    licenseId: claims.sub,
    leaseId: claims.jti,
    clientId: claims.cid ?? null,
    issuedAt: new Date(claims.iat * 1000),
    expiry: new Date(claims.exp * 1000),
    validFor,
    hasFeature: (product, feature) => hasFeature(validFor, product, feature),
    hasProduct: (product) => hasProduct(validFor, product),
  };
}

export interface VerifyLeaseOptions {
  /** The organization's public key: SPKI PEM text (from /signature.pem), or its JWKS (from /jwks.json) as text or object. */
  publicKey: string | JsonWebKeySet;
  /** The expected `iss`: the licensing endpoint URL. Strongly recommended; omitted, any issuer passes. */
  issuer?: string;
  /** Accepted algorithms; default ES256, EdDSA and RS256. */
  algorithms?: readonly SigningAlgorithm[];
  /** Seconds a lease still passes after its `exp`, for clocks that disagree; default 60. */
  clockSkewSeconds?: number;
  /** The time to check expiry against, in ms since the epoch; default now. */
  now?: number;
  /**
   * The `validFor` of the obtain or renew reply that gave this lease. Needed only for a lease of a
   * license too large for its code to carry the grant (it carries a digest, `vfd`, checked against
   * this); otherwise it only adds the descriptions a name-only lease leaves out.
   */
  validFor?: ValidFor | null;
}

/**
 * Verifies a lease code offline against keys the application already has (no network): the
 * signature, the algorithm, the issuer and the expiry. LicenseClient.verifyLeaseOffline does the
 * same and also fetches the organization's keys, following key rotations.
 */
export async function verifyLease(lease: string, options: VerifyLeaseOptions): Promise<VerifiedLease | LeaseRejected> {
  const decoded = decodeLease(lease);
  if (!decoded) return rejected('malformed', 'not a lease code: expected a compact JWS with lease claims');
  const algorithms = options.algorithms ?? SIGNING_ALGORITHMS;
  const alg = checkHeader(decoded, algorithms);
  if (typeof alg !== 'string') return alg;
  const keys = candidates(keysFrom(options.publicKey), decoded.header.kid);
  const verdict = await checkSignature(decoded, alg, keys);
  if (verdict === 'unknown-key') return rejected('unknown-key', `no ${alg} key${decoded.header.kid ? ` with kid "${decoded.header.kid}"` : ''} to verify this lease`);
  if (verdict === 'signature') return rejected('signature', "the lease signature does not verify with the organization's key");
  return checkClaims(lease, decoded, alg, {
    algorithms,
    issuer: options.issuer,
    now: options.now ?? Date.now(),
    clockSkewSeconds: options.clockSkewSeconds ?? 60,
    validFor: options.validFor,
  });
}
