import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../services/caller.js';
import type { Failure, Outcome } from '../services/outcome.js';
import { ApiError } from './errors.js';

const STATUS: Record<Failure['kind'], number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  throttled: 429,
  busy: 503,
};

const CODE: Record<Failure['kind'], string> = {
  invalid: 'VALIDATION_FAILED',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  throttled: 'TOO_MANY_ATTEMPTS',
  busy: 'BUSY',
};

/** The admin API's error for a service's refusal: status, code, message and, for throttling, Retry-After. */
export function failureError(failure: Failure, reply: FastifyReply): ApiError {
  if (failure.kind === 'throttled') reply.header('retry-after', String(failure.retryAfterSeconds));
  if (failure.kind === 'busy') reply.header('retry-after', '1');
  const message = failure.message;
  return new ApiError(STATUS[failure.kind], CODE[failure.kind], message, failure.kind === 'invalid' ? failure.details : undefined, failure.kind === 'conflict' ? failure.related : undefined);
}

/** The value of a service's outcome, for the route to answer with; a refusal becomes the admin API's error reply. */
export function valueOf<T>(outcome: Outcome<T>, reply: FastifyReply): T {
  if (outcome.ok) return outcome.value;
  throw failureError(outcome.failure, reply);
}

/**
 * The caller of an authenticated admin route, as services know it. Every such route runs behind
 * `authenticate`, which sets the principal or answers 401 first; a route reached without one is a
 * wiring fault, and answers 401 rather than act for nobody.
 */
export function callerOf(request: FastifyRequest): Caller {
  const principal = request.principal;
  if (!principal) throw new ApiError(401, 'UNAUTHORIZED', 'sign in or send an API token');
  return principal;
}
