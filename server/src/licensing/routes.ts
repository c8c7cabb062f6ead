import formbody from '@fastify/formbody';
import { Ajv } from 'ajv';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import { STORAGE_RETRY_AFTER } from '../http/errors.js';
import { lazyValidator } from '../http/lazy-compile.js';
import type { Keychain } from '../keys/keychain.js';
import { classifyFault } from '../store/index.js';
import type { LicensingErrorCode } from './error-codes.js';
import { MESSAGE_OF, STATUS_OF } from './error-codes.js';
import { clientIdOf, expiryOf, keyOf, leaseOf, type RawParameters } from './parameters.js';
import type { Licensing, LicensingContext } from './rules.js';
import { addressKey, type LookupThrottle } from './throttle.js';
import { JwksReply, KeyParams, KeyValidateReply, LeaseParams, LeaseValidateReply, ObtainParams, ObtainReply, OrganizationParams, ReleaseReply, RenewParams, RenewReply } from './schemas.js';

export interface LicensingRoutesOptions {
  licensing: Licensing;
  keychain: Keychain;
  /** Limits failed key and lease lookups per client address. */
  throttle: LookupThrottle;
  /** The licensing endpoint URL of an organization, built from the configured public URL. */
  endpointOf: (organizationId: string) => string;
}

declare module 'fastify' {
  interface FastifyRequest {
    licensingContext: LicensingContext | null;
  }
  interface FastifyContextConfig {
    /** The name of the success flag in this route's replies: the seed uses `isValid` for validations. */
    resultFlag?: 'isValid' | 'success';
  }
}

/** The largest request body the licensing routes read, JSON or form. */
export const BODY_LIMIT = 32 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tags = ['licensing'];

/**
 * Parameters of a POST: the body wins over the query string, which both passed the schema. The
 * body may be absent (a POST with its parameters in the query string alone, see the validator).
 */
function merged(query: RawParameters, body: RawParameters | undefined | null): RawParameters {
  return body && typeof body === 'object' ? { ...query, ...body } : query;
}

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

const EXPECTED: Record<string, string> = {
  key: 'a license key: a string of at most 4096 characters, or null',
  lease: 'a lease code: a string of at most 32768 characters, or null',
  expiry: 'a number of seconds from 0 to 1000000000000, or null',
  clientId: 'a string of at most 1024 characters without NUL, a number, a boolean, or null',
};

/** One plain sentence about the first parameter that failed its schema. */
function describeInvalid(err: FastifyError): string {
  const first = err.validation?.[0];
  const name = first?.instancePath.split('/')[1];
  if (name && EXPECTED[name]) return `parameter "${name}" must be ${EXPECTED[name]}`;
  return `the ${err.validationContext === 'body' ? 'request body must be a JSON or form object of parameters' : `request ${err.validationContext ?? ''} is malformed`}`;
}

function fail(reply: FastifyReply, code: Exclude<LicensingErrorCode, 'INVALID_REQUEST'>, body: Record<string, unknown>) {
  return reply.code(STATUS_OF[code]).send({ ...body, errorCode: code, message: MESSAGE_OF[code] });
}

/**
 * The seed's licensing API under /licensing/{organizationId}. HTTP only: parameters in, outcome of
 * the rules out, mapped to the seed's reply fields and a status for each error code (400..409, and
 * 429 for an address blocked after too many failed lookups, see throttle.ts).
 */
export const licensingRoutes: FastifyPluginAsyncTypebox<LicensingRoutesOptions> = async (app, opts) => {
  const { licensing, keychain, throttle, endpointOf } = opts;

  // Types are checked exactly as sent: no coercion, so an array or object where a string belongs is
  // refused. Each validator is compiled at its first use (see lazy-compile.ts), the Ajv at the first of all.
  let ajv: Ajv | undefined;
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const validate = lazyValidator(() => {
      if (!ajv) {
        ajv = new Ajv({ coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false, strict: false });
        ajv.addFormat('date-time', true);
      }
      return ajv.compile(schema);
    });
    if (httpPart !== 'body') return validate;
    // A POST without a body takes its parameters from the query string alone.
    const optionalBody = (data: unknown) => {
      if (data === undefined || data === null) return true;
      const ok = validate(data);
      optionalBody.errors = validate.errors;
      return ok;
    };
    optionalBody.errors = null as typeof validate.errors;
    return optionalBody;
  });
  // 32 KiB is ample for every parameter (a lease code is at most 16 KiB) in JSON and in forms; the
  // app-wide limit is larger for the admin API.
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= BODY_LIMIT;
  });
  await app.register(formbody, { bodyLimit: BODY_LIMIT });

  app.decorateRequest('licensingContext', null);

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const flag = request.routeOptions.config.resultFlag ?? 'success';
    const status = err.statusCode ?? 500;
    if (err.validation || (status >= 400 && status < 500)) {
      const what = err.validation ? describeInvalid(err) : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the request body is over ${BODY_LIMIT / 1024} KiB` : err.message;
      // Pre-serialized: the route's reply schema describes its answers, not malformed requests.
      return reply
        .code(400)
        .type('application/json')
        .send(JSON.stringify({ [flag]: false, errorCode: 'INVALID_REQUEST', message: what }));
    }
    const fault = classifyFault(err);
    if (fault === 'storage') {
      request.log.error({ err }, 'database storage fault');
      return reply
        .code(503)
        .header('retry-after', STORAGE_RETRY_AFTER)
        .type('application/json')
        .send(JSON.stringify({ [flag]: false, errorCode: null, message: 'the license server cannot write to its database; retry later' }));
    }
    if (fault === 'unavailable') {
      request.log.warn({ err }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', '1')
        .type('application/json')
        .send(JSON.stringify({ [flag]: false, errorCode: null, message: 'the license server cannot reach its database; retry shortly' }));
    }
    request.log.error({ err }, 'licensing request failed');
    return reply
      .code(500)
      .type('application/json')
      .send(JSON.stringify({ [flag]: false, errorCode: null, message: 'internal server error' }));
  });

  // Every route resolves the organization first; an unknown one is a 404 before any lookup of keys or leases.
  app.addHook<{ Params: Static<typeof OrganizationParams> }>('preHandler', async (request, reply) => {
    const { organizationId } = request.params;
    const signer = UUID.test(organizationId) ? await keychain.current(organizationId) : undefined;
    if (!signer) {
      // Pre-serialized: this answer is not the route's reply shape (no success flag).
      const code = 'LICENSING_ENDPOINT_INVALID';
      return reply
        .code(STATUS_OF[code])
        .type('application/json')
        .send(JSON.stringify({ errorCode: code, message: MESSAGE_OF[code] }));
    }
    request.licensingContext = { organizationId, signer, endpoint: endpointOf(organizationId) };
  });

  const ctx = (request: FastifyRequest) => request.licensingContext!;

  /** Who the lookup limit counts: the client address (behind a trusted proxy, the forwarded one), IPv6 by /64. */
  const client = (request: FastifyRequest) => addressKey(request.ip ?? '');

  /** 429 with Retry-After, in the route's reply shape (`body` holds its other fields). */
  const tooMany = (reply: FastifyReply, waitMs: number, body: Record<string, unknown>) => fail(reply.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000)))), 'TOO_MANY_REQUESTS', body);

  /**
   * Whether a key lookup from this address is refused before it is made: the address is blocked
   * and this key did not succeed from it before. Returns the milliseconds left, or 0.
   */
  const keyRefused = (request: FastifyRequest, key: string) => {
    const wait = throttle.blockedFor(client(request));
    return wait > 0 && !throttle.knowsKey(client(request), ctx(request).organizationId, key) ? wait : 0;
  };

  app.get(
    '/key/validate',
    {
      config: { resultFlag: 'isValid' },
      schema: {
        summary: 'Validate a license key',
        tags,
        params: OrganizationParams,
        querystring: KeyParams,
        response: { 200: KeyValidateReply, '4xx': KeyValidateReply },
      },
    },
    async (request, reply) => {
      const unknown = { isValid: false, expiry: null, leaseLimit: null, leasesUsed: null, validFor: [] };
      // No key, or one longer than any key: unknown without a lookup, and no guess to count.
      const key = keyOf(request.query);
      if (key === undefined) return fail(reply, 'KEY_INVALID', unknown);
      const refused = keyRefused(request, key);
      if (refused) return tooMany(reply, refused, unknown);
      const result = await licensing.validateKey(ctx(request), key);
      if (result.ok || result.errorCode === 'KEY_EXPIRED') throttle.keySucceeded(client(request), ctx(request).organizationId, key);
      if (result.ok) {
        return { isValid: true, errorCode: null, expiry: iso(result.expiry), leaseLimit: result.leaseLimit, leasesUsed: result.leasesUsed, validFor: result.validFor };
      }
      if (result.errorCode === 'KEY_INVALID') {
        const blocked = await throttle.failed(client(request));
        return blocked ? tooMany(reply, blocked, unknown) : fail(reply, 'KEY_INVALID', unknown);
      }
      return fail(reply, result.errorCode, {
        isValid: false,
        expiry: iso(result.expiry),
        leaseLimit: result.leaseLimit,
        leasesUsed: result.leasesUsed,
        validFor: result.validFor,
      });
    },
  );

  const postBody = <T extends TSchema>(params: T) => ({ querystring: params, body: params });

  app.post(
    '/lease/obtain',
    {
      schema: {
        summary: 'Obtain a lease',
        description: 'Takes a seat from the license pool and returns a signed lease code. Parameters may come as JSON, a form body or the query string.',
        tags,
        params: OrganizationParams,
        ...postBody(ObtainParams),
        response: { 200: ObtainReply, '4xx': ObtainReply },
      },
    },
    async (request, reply) => {
      const p = merged(request.query, request.body);
      const none = { success: false, lease: null, expiry: null, validFor: null };
      const key = keyOf(p);
      if (key === undefined) return fail(reply, 'KEY_INVALID', none);
      const refused = keyRefused(request, key);
      if (refused) return tooMany(reply, refused, none);
      const result = await licensing.obtainLease(ctx(request), key, expiryOf(p), clientIdOf(p));
      if (result.ok || result.errorCode !== 'KEY_INVALID') throttle.keySucceeded(client(request), ctx(request).organizationId, key);
      if (result.ok) return { success: true, errorCode: null, lease: result.lease, expiry: iso(result.expiry), validFor: result.validFor };
      if (result.errorCode === 'KEY_INVALID') {
        const blocked = await throttle.failed(client(request));
        if (blocked) return tooMany(reply, blocked, none);
      }
      return fail(reply, result.errorCode, none);
    },
  );

  app.get(
    '/lease/validate',
    {
      config: { resultFlag: 'isValid' },
      schema: {
        summary: 'Validate a lease',
        tags,
        params: OrganizationParams,
        querystring: LeaseParams,
        response: { 200: LeaseValidateReply, '4xx': LeaseValidateReply },
      },
    },
    async (request, reply) => {
      const lease = leaseOf(request.query);
      if (lease === undefined) return fail(reply, 'LEASE_INVALID', { isValid: false, expiry: null, validFor: null });
      const result = await licensing.validateLease(ctx(request), lease);
      if (result.ok) return { isValid: true, errorCode: null, expiry: iso(result.expiry), validFor: result.validFor };
      const blocked = result.errorCode === 'LEASE_INVALID' ? await throttle.failed(client(request)) : 0;
      if (blocked) return tooMany(reply, blocked, { isValid: false, expiry: null, validFor: null });
      return fail(reply, result.errorCode, { isValid: false, expiry: 'expiry' in result ? iso(result.expiry) : null, validFor: null });
    },
  );

  app.post(
    '/lease/renew',
    {
      schema: {
        summary: 'Renew a lease',
        description: 'Issues a new code for the same seat; the old code stops working. Of simultaneous renewals of one lease exactly one succeeds.',
        tags,
        params: OrganizationParams,
        ...postBody(RenewParams),
        response: { 200: RenewReply, '4xx': RenewReply },
      },
    },
    async (request, reply) => {
      const p = merged(request.query, request.body);
      const lease = leaseOf(p);
      if (lease === undefined) return fail(reply, 'LEASE_INVALID', { success: false, expiry: null, lease: null, validFor: null });
      const result = await licensing.renewLease(ctx(request), lease, expiryOf(p));
      if (result.ok) return { success: true, errorCode: null, expiry: iso(result.expiry), lease: result.lease, validFor: result.validFor };
      const blocked = result.errorCode === 'LEASE_INVALID' ? await throttle.failed(client(request)) : 0;
      if (blocked) return tooMany(reply, blocked, { success: false, expiry: null, lease: null, validFor: null });
      return fail(reply, result.errorCode, { success: false, expiry: 'expiry' in result ? iso(result.expiry) : null, lease: null, validFor: null });
    },
  );

  app.post(
    '/lease/release',
    {
      schema: {
        summary: 'Release a lease',
        description: 'Ends the lease at once; its seat goes back to the pool when no other live lease of the same client id holds it. Releasing a lease again succeeds and changes nothing.',
        tags,
        params: OrganizationParams,
        ...postBody(LeaseParams),
        response: { 200: ReleaseReply, '4xx': ReleaseReply },
      },
    },
    async (request, reply) => {
      const lease = leaseOf(merged(request.query, request.body));
      if (lease === undefined) return fail(reply, 'LEASE_INVALID', { success: false });
      const result = await licensing.releaseLease(ctx(request), lease);
      if (result.ok) return { success: true, errorCode: null };
      const blocked = await throttle.failed(client(request));
      if (blocked) return tooMany(reply, blocked, { success: false });
      return fail(reply, result.errorCode, { success: false });
    },
  );

  app.get(
    '/signature.pem',
    {
      schema: {
        summary: 'The public key that verifies new lease codes',
        description: "SPKI PEM of the organization's current signing key. Older keys that still verify unexpired leases are in jwks.json.",
        tags,
        params: OrganizationParams,
        produces: ['application/x-pem-file'],
        response: { 200: Type.String({ description: 'SPKI PEM.' }) },
      },
    },
    async (request, reply) => reply.type('application/x-pem-file').send(ctx(request).signer.publicKeyPem),
  );

  app.get(
    '/jwks.json',
    {
      schema: {
        summary: 'Every public key that may still verify an unexpired lease, as a JWK set',
        tags,
        params: OrganizationParams,
        response: { 200: JwksReply },
      },
    },
    // Written as node exports the keys, every JWK parameter included, rather than through the schema.
    async (request, reply) =>
      reply
        .type('application/json')
        .serializer(JSON.stringify)
        .send(await keychain.jwks(ctx(request).organizationId)),
  );
};
