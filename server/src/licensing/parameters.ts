/**
 * The licensing API's parameters as the original ExaLicense server read them. Existing clients send
 * what that server accepted: no key or lease at all (`null`, nothing, or `""`) after a release or
 * before a key is set, a client id as a number, an expiry of 0 or 90.5. The schemas
 * (`schemas.ts`) check types and bounds; these functions turn what passed into what the rules take.
 * Objects and arrays never get here: the schemas refuse them (INVALID_REQUEST).
 */

/** What a licensing call may carry, once its schema has passed it. */
export interface RawParameters {
  key?: string | null;
  lease?: string | null;
  expiry?: number | string | null;
  clientId?: string | number | boolean | null;
}

/** The longest key code the admin API stores: a longer one is unknown without a lookup. */
export const MAX_KEY_LENGTH = 256;
/** The longest lease code the API has ever taken: a longer one is unknown without a lookup. */
export const MAX_LEASE_LENGTH = 16_384;
/** The longest client id kept, in characters. */
export const MAX_CLIENT_ID_LENGTH = 1024;

/**
 * The key to look up, or undefined when none was given (missing, null, empty) or it is longer
 * than any key can be: the answer is KEY_INVALID either way, and nothing needs looking up.
 */
export function keyOf(raw: RawParameters): string | undefined {
  const key = raw.key;
  return typeof key === 'string' && key.length > 0 && key.length <= MAX_KEY_LENGTH ? key : undefined;
}

/** The lease code to look up, or undefined when none was given or it is longer than any code: LEASE_INVALID. */
export function leaseOf(raw: RawParameters): string | undefined {
  const lease = raw.lease;
  return typeof lease === 'string' && lease.length > 0 && lease.length <= MAX_LEASE_LENGTH ? lease : undefined;
}

/**
 * The lifetime asked for, in whole seconds, or undefined for the default: 0, null, empty and
 * nothing all mean the default, and a fraction is cut to whole seconds (90.5 is 90; 0.5 is the
 * default), as the original server did.
 */
export function expiryOf(raw: RawParameters): number | undefined {
  const value = raw.expiry;
  if (value === null || value === undefined || value === '') return undefined;
  const seconds = Math.trunc(Number(value));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * The client id, or undefined for none: `""` is no client id (the original server stored it as
 * such), and a number or a boolean is taken in its string form (`42` is "42").
 */
export function clientIdOf(raw: RawParameters): string | undefined {
  const value = raw.clientId;
  if (value === null || value === undefined || value === '') return undefined;
  return String(value);
}
