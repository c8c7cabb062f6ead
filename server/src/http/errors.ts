import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ConflictError, NotFoundError, classifyFault, type RelatedLicenses } from '../store/index.js';
import { plainMessage, tellingFindings } from './validation-messages.js';

/** The admin API's error reply: `{ error: { code, message, details? } }`. */
export const ErrorReply = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Machine-readable: VALIDATION_FAILED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, ...' }),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    related: Type.Optional(
      Type.Object(
        {
          licenses: Type.Integer({ description: 'How many licenses stand in the way.' }),
          filter: Type.Record(Type.String(), Type.String(), { description: 'The query of GET /licenses that lists them: { productId }, { featureId } or { customerId }.' }),
        },
        { description: 'A CONFLICT caused by licenses that use what is being deleted: how to list them.' },
      ),
    ),
  }),
});

/** An error the admin API answers with, as it is: status, code and message. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: { field: string; message: string }[],
    readonly related?: RelatedLicenses,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);

const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

function send(reply: FastifyReply, status: number, code: string, message: string, details?: { field: string; message: string }[], related?: RelatedLicenses) {
  // Pre-serialized: an error reply must never depend on a route's response schema.
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify({ error: { code, message, ...(details ? { details } : {}), ...(related ? { related } : {}) } }));
}

/** Seconds a client should wait after a storage fault (full disk, read-only file): it lasts until an operator acts. */
export const STORAGE_RETRY_AFTER = '5';

/** Maps anything thrown in the admin API to a JSON error reply; only faults become a 500. */
export function adminErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof ApiError) return send(reply, err.statusCode, err.code, err.message, err.details, err.related);
  if (err instanceof NotFoundError) return send(reply, 404, 'NOT_FOUND', err.message);
  if (err instanceof ConflictError) return send(reply, 409, 'CONFLICT', err.message, undefined, err.related);
  const fe = err as FastifyError;
  if (fe.validation) {
    const details = tellingFindings(fe.validation).map((v) => ({
      field: `${fe.validationContext ?? ''}${v.instancePath.replace(/\//g, '.')}${v.keyword === 'required' ? `.${String((v.params as { missingProperty?: string }).missingProperty)}` : v.keyword === 'additionalProperties' ? `.${String((v.params as { additionalProperty?: string }).additionalProperty)}` : ''}`,
      message: plainMessage(v),
    }));
    return send(reply, 400, 'VALIDATION_FAILED', `${details[0]?.field ?? 'request'} ${details[0]?.message ?? 'is invalid'}`, details);
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) return send(reply, status, CODE_OF_STATUS[status] ?? 'BAD_REQUEST', fe.message);
  const fault = classifyFault(err);
  // The store locks what a change refers to, so this should not happen; if a path is missed, a
  // record deleted at the same moment is the client's conflict to retry, not a server fault.
  if (fault === 'reference_changed') {
    request.log.warn({ err }, 'a referenced record changed during the request');
    return send(reply, 409, 'CONFLICT', 'a record this change refers to was changed or deleted at the same time; reload and retry');
  }
  if (fault === 'storage') {
    request.log.error({ err }, 'database storage fault');
    return send(reply.header('retry-after', STORAGE_RETRY_AFTER), 503, 'UNAVAILABLE', 'the server cannot write to its database; retry later');
  }
  if (fault === 'unavailable') {
    request.log.warn({ err }, 'database unavailable');
    return send(reply.header('retry-after', '1'), 503, 'UNAVAILABLE', 'the server cannot reach its database; retry shortly');
  }
  request.log.error({ err }, 'admin request failed');
  return send(reply, 500, 'INTERNAL', 'internal server error');
}
