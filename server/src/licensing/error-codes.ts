/**
 * The error codes of the licensing API: the seed's six, plus INVALID_REQUEST for malformed input,
 * LICENSING_ENDPOINT_INVALID for a URL that names no organization (answered before anything is
 * looked up) and TOO_MANY_REQUESTS for an address blocked after too many failed lookups.
 */
export type LicensingErrorCode =
  'KEY_INVALID' | 'KEY_EXPIRED' | 'LEASE_LIMIT_REACHED' | 'LEASE_INVALID' | 'LEASE_RELEASED' | 'LEASE_EXPIRED' | 'INVALID_REQUEST' | 'LICENSING_ENDPOINT_INVALID' | 'TOO_MANY_REQUESTS';

/**
 * The HTTP status of each answer that carries an error code. The seed's fall in 400..409, the range
 * the original ExaLicense client library reads as a licensing answer rather than a failure;
 * TOO_MANY_REQUESTS is a 429 with Retry-After, which clients read as "try again later".
 */
export const STATUS_OF: Record<LicensingErrorCode, number> = {
  INVALID_REQUEST: 400,
  KEY_EXPIRED: 403,
  LEASE_EXPIRED: 403,
  KEY_INVALID: 404,
  LEASE_INVALID: 404,
  LICENSING_ENDPOINT_INVALID: 404,
  LEASE_LIMIT_REACHED: 409,
  LEASE_RELEASED: 409,
  TOO_MANY_REQUESTS: 429,
};

export const MESSAGE_OF: Record<Exclude<LicensingErrorCode, 'INVALID_REQUEST'>, string> = {
  KEY_INVALID: 'The license key is invalid or unknown.',
  KEY_EXPIRED: 'The license key has expired.',
  LEASE_LIMIT_REACHED: 'All leases of this license are in use.',
  LEASE_INVALID: 'The lease code is invalid or unknown.',
  LEASE_RELEASED: 'The lease has been released or replaced by a renewal.',
  LEASE_EXPIRED: 'The lease has expired.',
  LICENSING_ENDPOINT_INVALID: 'No organization has this licensing endpoint.',
  TOO_MANY_REQUESTS: 'Too many failed key or lease lookups from this address; retry after the time given in Retry-After.',
};
