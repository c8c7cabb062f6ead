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
  validFor: ValidForProduct[];
}

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
 * The lease id a code claims to be, or undefined when the text is not shaped like one of our codes.
 * The claim is not trusted: the code must still match the stored hash of the lease it names.
 */
export function claimedLeaseId(code: string): string | undefined {
  const first = code.indexOf('.');
  const second = code.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || code.indexOf('.', second + 1) !== -1) return undefined;
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
