import type { RelatedLicenses } from '../store/index.js';

/**
 * What a service answers: the value, or the reason it refused, as a value the route maps to an
 * HTTP status. Exceptions are left for faults (a database that cannot be reached, a bug).
 */
export type Failure =
  /** `message` names what is missing: "license not found". */
  | { kind: 'not_found'; message: string }
  /** `related`: the licenses in the way, when that is the reason. */
  | { kind: 'conflict'; message: string; related?: RelatedLicenses }
  | { kind: 'invalid'; message: string; details?: { field: string; message: string }[] }
  | { kind: 'forbidden'; message: string }
  | { kind: 'unauthorized'; message: string }
  /** Too many attempts: refused until `retryAfterSeconds` have passed. */
  | { kind: 'throttled'; message: string; retryAfterSeconds: number }
  /** The server is doing as much of this as it can at once (password hashing): retry shortly. */
  | { kind: 'busy'; message: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failed = <T = never>(failure: Failure): Outcome<T> => ({ ok: false, failure });
/** `resource` is missing (or belongs to another organization, which the caller must not learn). */
export const notFound = <T = never>(resource: string): Outcome<T> => failed({ kind: 'not_found', message: `${resource} not found` });
export const conflict = <T = never>(message: string, related?: RelatedLicenses): Outcome<T> => failed({ kind: 'conflict', message, ...(related ? { related } : {}) });
export const invalid = <T = never>(message: string, details?: { field: string; message: string }[]): Outcome<T> => failed({ kind: 'invalid', message, ...(details ? { details } : {}) });
