// The admin API's replies as the admin-*.test.ts files check them, shared so each resource's file asserts alike.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { claimedLeaseId } from '../src/keys/lease-code.js';

export type Json = Record<string, any>;

/** Asserts a 201 and returns the created resource. */
export function created(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Asserts a 200 and returns the body. */
export function ok(res: LightMyRequestResponse): Json {
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Asserts the admin API's error reply: `{ error: { code, message, details? } }` with this status and code. */
export function assertError(res: LightMyRequestResponse, status: number, code: string): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /application\/json/);
  const body = res.json();
  assert.equal(body.error?.code, code, res.body);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  return body.error;
}

export function assertValidationFailed(res: LightMyRequestResponse, field?: string): Json {
  const error = assertError(res, 400, 'VALIDATION_FAILED');
  assert.ok(Array.isArray(error.details) && error.details.length > 0, 'details lists what failed');
  for (const d of error.details) {
    assert.equal(typeof d.field, 'string');
    assert.equal(typeof d.message, 'string');
  }
  if (field)
    assert.ok(
      error.details.some((d: Json) => d.field === field),
      `details name ${field}: ${JSON.stringify(error.details)}`,
    );
  return error;
}

/** The lease id inside a lease code (its `jti`). */
export function leaseIdOf(code: string): string {
  const id = claimedLeaseId(code);
  assert.ok(id, 'a lease code names its lease');
  return id;
}
