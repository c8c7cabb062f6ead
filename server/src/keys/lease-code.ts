import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { ValidForProduct } from '../store/licenses.js';
import type { SigningAlgorithm } from '../store/schema.js';
import { signJws } from './algorithms.js';

/** The claims of a lease code (a compact JWS / JWT). */
export interface LeaseClaims {
  /** The organization's licensing endpoint URL. */
  iss: string;
  /** The license id. */
  sub: string;
  /** The lease id. */
  jti: string;
  iat: number;
  exp: number;
  /** The client id, when the client gave one. */
  cid?: string;
  /** What the license grants: in full, or by name only (descriptions null); absent when `vfd` stands for it. */
  validFor?: ValidForProduct[];
  /** The SHA-256 of what the license grants (see `validForDigest`), when it is too large for the code. */
  vfd?: string;
}

/**
 * The longest lease code the server issues, in characters. Every endpoint must take back every
 * code it issues, and `lease/validate` takes it in the URL: 7 KiB leaves room for the rest of the
 * request line within the 8 KiB that nginx (and many proxies) give it by default, and far more
 * within Node's 16 KiB for all headers.
 */
export const LEASE_CODE_BUDGET = 7 * 1024;

export interface Signer {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKey: KeyObject;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Signs a lease code. */
export function signLeaseCode(signer: Signer, claims: LeaseClaims): string {
  const header = Buffer.from(JSON.stringify({ alg: signer.algorithm, kid: signer.kid, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signingInput = `${header}.${payload}`;
  const signature = signJws(signer.algorithm, signer.privateKey, Buffer.from(signingInput)).toString('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * The digest that stands for a license's grant in a lease code too large to carry it: SHA-256,
 * base64url, of the UTF-8 of the JSON text (as JSON.stringify writes it) of
 * `[[product, productDescription, [[feature, featureDescription], ...]], ...]`, in the order the
 * API answers with. A client recomputes it from the `validFor` of the obtain or renew reply.
 */
export function validForDigest(validFor: readonly ValidForProduct[]): string {
  const canonical = validFor.map((p) => [p.product, p.productDescription, p.features.map((f) => [f.feature, f.featureDescription])]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/**
 * Signs a lease code that stays within LEASE_CODE_BUDGET whatever the license grants. What the
 * license grants goes in `validFor` in full when it fits; else by name only (descriptions are
 * display text, not entitlement: the replies still carry them); else as the digest `vfd` of the
 * full grant, which a client checks against the reply's `validFor`.
 */
export function signLeaseWithin(signer: Signer, claims: Omit<LeaseClaims, 'validFor' | 'vfd'>, validFor: ValidForProduct[]): string {
  const names = () =>
    validFor.map((p) => ({
      product: p.product,
      productDescription: null,
      features: p.features.map((f) => ({ feature: f.feature, featureDescription: null })),
    }));
  // Sizes are known before signing (the signature's length depends on the algorithm only), so
  // only the form that fits is signed.
  const fits = (c: LeaseClaims) => codeLength(signer, c) <= LEASE_CODE_BUDGET;
  let chosen: LeaseClaims = { ...claims, validFor };
  if (!fits(chosen)) chosen = { ...claims, validFor: names() };
  if (!fits(chosen)) chosen = { ...claims, vfd: validForDigest(validFor) };
  const code = signLeaseCode(signer, chosen);
  // The digest form is bounded by the public URL (at most 1024 characters) and the client id claim (CID_BYTES): within.
  if (code.length > LEASE_CODE_BUDGET) throw new Error(`a lease code of ${code.length} characters exceeds the budget of ${LEASE_CODE_BUDGET}`);
  return code;
}

/** The most bytes the client id may take in a lease code's claims (a 1024-character ASCII id fits). */
const CID_BYTES = 1100;

/**
 * The `cid` claim for a client id: the id itself, or, when its JSON form would take more than
 * CID_BYTES (a long id of non-ASCII or control characters), `sha256:` and the base64url SHA-256 of
 * its UTF-8, so that the code stays within its budget whatever the id.
 */
export function clientIdClaim(clientId: string): string {
  if (Buffer.byteLength(JSON.stringify(clientId)) <= CID_BYTES) return clientId;
  return `sha256:${createHash('sha256').update(clientId).digest('base64url')}`;
}

/** Signature length in base64url characters: 64 bytes for ES256 and EdDSA, the modulus (2048 bits) for RS256. */
const SIGNATURE_CHARS: Record<SigningAlgorithm, number> = { ES256: 86, EdDSA: 86, RS256: 342 };

const base64Length = (bytes: number) => Math.ceil((bytes * 4) / 3);

/** The length a code with these claims will have once signed. */
function codeLength(signer: Signer, claims: LeaseClaims): number {
  const header = Buffer.byteLength(JSON.stringify({ alg: signer.algorithm, kid: signer.kid, typ: 'JWT' }));
  return base64Length(header) + 1 + base64Length(Buffer.byteLength(JSON.stringify(claims))) + 1 + SIGNATURE_CHARS[signer.algorithm];
}

/**
 * The lease id a code claims to be, or undefined when the text is not shaped like one of our codes.
 * The claim is not trusted: the code must still match the stored hash of the lease it names.
 */
export function claimedLeaseId(code: string): string | undefined {
  const first = code.indexOf('.');
  const second = code.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || code.includes('.', second + 1)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(code.slice(first + 1, second), 'base64url').toString('utf8'));
    const jti = (payload as { jti?: unknown } | null)?.jti;
    return typeof jti === 'string' && UUID.test(jti) ? jti : undefined;
  } catch {
    return undefined;
  }
}

/** What the server keeps of a lease code: its SHA-256, hex. */
export function hashLeaseCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** True when `code` is exactly the code whose hash is `storedHash`, compared in constant time. */
export function leaseCodeMatches(code: string, storedHash: string): boolean {
  const actual = createHash('sha256').update(code).digest();
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
