import { Type } from 'typebox';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.js';
import type { LicensingErrorCode } from './error-codes.js';

/**
 * Request parameters of the licensing API. Bounded, and never coerced: an object or an array is a
 * 400. Within that, they take what the original ExaLicense server took (see parameters.ts for how
 * each is read): null or empty for "not given", a client id as a number, a fractional expiry.
 */
const key = Type.Union([Type.String({ maxLength: 4096 }), Type.Null()], {
  description: 'License key code. Missing, null, empty or unknown (any text no key has, however long up to 4096 characters): KEY_INVALID.',
});
const lease = Type.Union([Type.String({ maxLength: 32_768 }), Type.Null()], {
  description: 'Lease code (a compact JWS) as returned by lease/obtain or lease/renew. Missing, null, empty or unknown: LEASE_INVALID.',
});
const expiry = Type.Union([Type.Number({ minimum: 0, maximum: 1e12 }), Type.String({ pattern: '^([0-9]{1,12}(\\.[0-9]{1,20})?)?$' }), Type.Null()], {
  description: 'Requested lease lifetime in seconds (default 600). A fraction is cut to whole seconds; 0, null or empty is the default; longer than the server maximum is shortened to it.',
});
// NUL is refused here: PostgreSQL cannot store it in text, and no client needs it.
const clientId = Type.Union([Type.String({ maxLength: 1024, pattern: '^[^\\u0000]*$' }), Type.Number(), Type.Boolean(), Type.Null()], {
  description:
    'Identifier of the client taking the lease: up to 1024 characters without NUL, or a number or boolean (taken as its text). Leases of one license with the same client id share one seat: a client that already holds a lease on the license gets another lease on that seat. null or empty means no client id: the lease is a seat of its own.',
});

export const KeyParams = Type.Object({ key: Type.Optional(key) });
export const ObtainParams = Type.Object({ key: Type.Optional(key), expiry: Type.Optional(expiry), clientId: Type.Optional(clientId) });
export const LeaseParams = Type.Object({ lease: Type.Optional(lease) });
export const RenewParams = Type.Object({ lease: Type.Optional(lease), expiry: Type.Optional(expiry) });

export const OrganizationParams = Type.Object({ organizationId: Type.String({ maxLength: 128, description: 'The organization id from its licensing endpoint URL.' }) });

/*
 * Reply schemas. A value that may be null is a JSON Schema type list (`type: ['string', 'null']`),
 * never `anyOf`: fast-json-stringify writes a type list directly, while for `anyOf` it tests the
 * value against each branch (formats included) at every reply, which costs more than the rest of
 * the serialization. Error codes are plain strings with an enum, not a union of literals: the
 * serializer must never refuse a reply.
 */
type Json = Record<string, unknown>;
const nullable = <T>(type: string, schema: Json = {}) => Type.Unsafe<T | null>({ ...schema, type: [type, 'null'] });
const errorCode = (codes: LicensingErrorCode[]) => nullable<string>('string', { enum: [...codes, null], description: `Why the call failed (${codes.join(', ')}), or null.` });
const date = nullable<string>('string', { format: 'date-time', description: 'ISO 8601 UTC timestamp, or null.' });
const message = Type.Optional(Type.String({ description: 'Human-readable explanation of the error code.' }));

const validForItems = Type.Object({
  product: Type.String({ description: 'Product name.' }),
  productDescription: nullable<string>('string'),
  features: Type.Array(Type.Object({ feature: Type.String({ description: 'Feature name.' }), featureDescription: nullable<string>('string') })),
});
const validForDescription = 'The products and features licensed, by name.';
export const ValidFor = Type.Array(validForItems, { description: validForDescription });
const validForOrNull = nullable<unknown[]>('array', { items: validForItems, description: `${validForDescription} Null when the call failed.` });

export const KeyValidateReply = Type.Object({
  isValid: Type.Boolean(),
  errorCode: errorCode(['KEY_INVALID', 'KEY_EXPIRED', 'INVALID_REQUEST', 'TOO_MANY_REQUESTS']),
  message,
  expiry: date,
  leaseLimit: nullable<number>('integer', { description: 'Most leases held at once; null is unlimited.' }),
  leasesUsed: nullable<number>('integer', { description: 'Seats in use now: active, unexpired leases, those with one client id counting once.' }),
  validFor: ValidFor,
});

export const ObtainReply = Type.Object({
  success: Type.Boolean(),
  errorCode: errorCode(['KEY_INVALID', 'KEY_EXPIRED', 'LEASE_LIMIT_REACHED', 'INVALID_REQUEST', 'TOO_MANY_REQUESTS']),
  message,
  lease: nullable<string>('string'),
  expiry: date,
  validFor: validForOrNull,
});

export const LeaseValidateReply = Type.Object({
  isValid: Type.Boolean(),
  errorCode: errorCode(['LEASE_EXPIRED', 'LEASE_INVALID', 'LEASE_RELEASED', 'INVALID_REQUEST', 'TOO_MANY_REQUESTS']),
  message,
  expiry: date,
  validFor: validForOrNull,
});

export const RenewReply = Type.Object({
  success: Type.Boolean(),
  errorCode: errorCode(['LEASE_EXPIRED', 'LEASE_RELEASED', 'LEASE_INVALID', 'KEY_EXPIRED', 'KEY_INVALID', 'INVALID_REQUEST', 'TOO_MANY_REQUESTS']),
  message,
  expiry: date,
  lease: nullable<string>('string'),
  validFor: Type.Optional(validForOrNull),
});

export const ReleaseReply = Type.Object({
  success: Type.Boolean(),
  errorCode: errorCode(['LEASE_INVALID', 'INVALID_REQUEST', 'TOO_MANY_REQUESTS']),
  message,
});

/**
 * What every licensing route answers, with 404, for a URL that names no organization, before
 * anything else is looked up. Sent pre-serialized, so it is documentation only (see openapi.ts).
 */
export const EndpointErrorReply = Type.Object({
  errorCode: Type.Literal('LICENSING_ENDPOINT_INVALID' satisfies LicensingErrorCode),
  message: Type.String({ description: 'Human-readable explanation of the error code.' }),
});

/**
 * The reply of jwks.json (RFC 7517). Sent pre-serialized, so this schema documents it and never
 * filters it: a key carries the members of its type (crv and x, y for EC and OKP; n and e for RSA).
 */
export const JwksReply = Type.Object({
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String({ description: 'Key type: EC, OKP or RSA.' }),
        kid: Type.String({ description: 'The key id, which a lease code names in its header.' }),
        alg: Type.String({ enum: [...SIGNING_ALGORITHMS], description: 'The JWS algorithm the key signs with.' }),
        use: Type.Literal('sig'),
      },
      { additionalProperties: true },
    ),
  ),
});
