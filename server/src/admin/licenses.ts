import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { generateKeyCode, maskKeyCode } from '../credentials.js';
import { ApiError, notFound } from '../http/errors.js';
import { IdParams, NullableText, PageOf, PageQuery, SearchQuery, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { License, LicenseFilter, LicensePatch } from '../store/licenses.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';

const tags = ['licenses'];

export const LicenseReply = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  featureIds: Type.Array(Type.String()),
  leaseLimit: Type.Union([Type.Integer(), Type.Null()], { description: 'Most leases held at once; null is unlimited.' }),
  expiry: Type.Union([Timestamp, Type.Null()], { description: 'When the license ends; null is never.' }),
  keys: Type.Array(Type.String(), { description: 'Key codes that unlock this license.' }),
  leasesUsed: Type.Integer({ description: 'Seats in use now: active, unexpired leases, those with one client id counting once.' }),
  comment: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/**
 * Key codes are the only secret a licensing call needs, so one an admin chooses must be long
 * enough not to be guessed: at least MIN_NEW_KEY_LENGTH characters. Shorter codes made before
 * that rule keep working and may be kept when a license's keys are changed, so the schema admits
 * them and `checkNewKeys` refuses only new ones.
 */
export const MIN_NEW_KEY_LENGTH = 12;
const KeyCode = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: `Letters, digits, _ . - ; up to 128 characters, and at least ${MIN_NEW_KEY_LENGTH} for a code the license does not have yet.`,
});
const fields = {
  featureIds: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000, description: 'Features granted; they may belong to several products.' }),
  leaseLimit: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()]),
  expiry: Type.Union([Type.String({ format: 'date-time', maxLength: 40 }), Type.Null()]),
  keys: Type.Array(KeyCode, { minItems: 1, maxItems: 100, description: 'Key codes; one strong code is generated when absent at creation.' }),
  comment: NullableText(4000),
};
const LicenseBody = Type.Object(
  {
    customerId: Type.String({ maxLength: 64 }),
    featureIds: fields.featureIds,
    leaseLimit: Type.Optional(fields.leaseLimit),
    expiry: Type.Optional(fields.expiry),
    keys: Type.Optional(fields.keys),
    comment: Type.Optional(fields.comment),
  },
  { additionalProperties: false },
);
const LicensePatchBody = Type.Object(
  {
    customerId: Type.Optional(Type.String({ maxLength: 64 })),
    featureIds: Type.Optional(fields.featureIds),
    leaseLimit: Type.Optional(fields.leaseLimit),
    expiry: Type.Optional(fields.expiry),
    keys: Type.Optional(fields.keys),
    comment: Type.Optional(fields.comment),
  },
  { additionalProperties: false, description: '`keys` replaces the set of key codes; leases obtained with a removed code become invalid.' },
);

type Body = { customerId?: string; featureIds?: string[]; leaseLimit?: number | null; expiry?: string | null; keys?: string[]; comment?: string | null };

export function licenseReply(l: License) {
  return {
    id: l.id,
    customerId: l.customerId,
    featureIds: l.featureIds,
    leaseLimit: l.leaseLimit,
    expiry: iso(l.expiry),
    keys: l.keys.map((k) => k.code),
    leasesUsed: l.leasesUsed,
    comment: l.comment,
    createdAt: iso(l.createdAt),
    updatedAt: iso(l.updatedAt),
  };
}

/** A license as the audit log keeps it: key codes masked, as the database holds no plain code. */
function audited(l: License) {
  return { ...licenseReply(l), keys: l.keys.map((k) => maskKeyCode(k.code)) };
}

function expiryOf(text: string | null | undefined): number | null | undefined {
  if (text === null || text === undefined) return text;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new ApiError(400, 'VALIDATION_FAILED', 'body.expiry is not a valid date-time');
  return ms;
}

/** Refuses key codes shorter than the minimum, except those the license already has. */
function checkNewKeys(codes: string[] | undefined, existing: readonly string[] = []): void {
  const details = (codes ?? []).flatMap((code, i) =>
    code.length < MIN_NEW_KEY_LENGTH && !existing.includes(code)
      ? [{ field: `body.keys.${i}`, message: `must have at least ${MIN_NEW_KEY_LENGTH} characters` }]
      : [],
  );
  if (details.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', `a new key code must have at least ${MIN_NEW_KEY_LENGTH} characters`, details);
}

const withIds = (codes: string[]) => codes.map((code) => ({ id: randomUUID(), code }));

/** Licenses: grants of features to a customer, with a seat limit, an expiry and key codes. */
export const licenseRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, clock } = deps;
  app.get(
    '/licenses',
    {
      schema: {
        summary: 'List licenses, newest first',
        tags,
        querystring: Type.Object({
          ...PageQuery,
          ...SearchQuery,
          customerId: Type.Optional(Type.String({ maxLength: 64 })),
          productId: Type.Optional(Type.String({ maxLength: 64, description: 'Licenses granting a feature of this product.' })),
          expired: Type.Optional(Type.Boolean({ description: 'true: expired only; false: unexpired only.' })),
          atLimit: Type.Optional(Type.Boolean({ description: 'true: only licenses whose seats are all in use.' })),
        }),
        response: { 200: PageOf(LicenseReply) },
      },
    },
    async (request) => {
      const query = request.query as { limit?: number; offset?: number } & LicenseFilter;
      const page = pageOf(query);
      const result = await store.licenses.list(request.principal!.organizationId, clock.now(), {
        ...page,
        q: query.q,
        customerId: query.customerId,
        productId: query.productId,
        expired: query.expired,
        atLimit: query.atLimit,
      });
      return { items: result.items.map(licenseReply), total: result.total, ...page };
    },
  );

  app.post(
    '/licenses',
    { schema: { summary: 'Create a license', tags, body: LicenseBody, response: { 201: LicenseReply } } },
    async (request, reply) => {
      const body = request.body as Body & { customerId: string; featureIds: string[] };
      checkNewKeys(body.keys);
      const license = await store.licenses.create(
        request.principal!.organizationId,
        {
          id: randomUUID(),
          customerId: body.customerId,
          featureIds: body.featureIds,
          leaseLimit: body.leaseLimit ?? null,
          expiry: expiryOf(body.expiry) ?? null,
          comment: body.comment ?? null,
          keys: withIds(body.keys ?? [generateKeyCode()]),
        },
        clock.now(),
      );
      await recordChange(deps, request, { action: 'create', resourceType: 'license', resourceId: license.id, after: audited(license) });
      return reply.code(201).send(licenseReply(license));
    },
  );

  app.get('/licenses/:id', { schema: { summary: 'Get a license', tags, params: IdParams, response: { 200: LicenseReply } } }, async (request) => {
    const license = await store.licenses.get(request.principal!.organizationId, (request.params as { id: string }).id, clock.now());
    if (!license) throw notFound('license');
    return licenseReply(license);
  });

  app.patch(
    '/licenses/:id',
    { schema: { summary: 'Change a license', tags, params: IdParams, body: LicensePatchBody, response: { 200: LicenseReply } } },
    async (request) => {
      const body = request.body as Body;
      const patch: LicensePatch = {
        customerId: body.customerId,
        featureIds: body.featureIds,
        leaseLimit: body.leaseLimit,
        expiry: expiryOf(body.expiry),
        comment: body.comment,
        keys: body.keys && withIds(body.keys),
      };
      const { organizationId } = request.principal!;
      const id = (request.params as { id: string }).id;
      const before = await store.licenses.get(organizationId, id, clock.now());
      if (!before) throw notFound('license');
      checkNewKeys(body.keys, before.keys.map((k) => k.code));
      const license = await store.licenses.update(organizationId, id, patch, clock.now());
      if (!license) throw notFound('license');
      await recordChange(deps, request, { action: 'update', resourceType: 'license', resourceId: id, before: audited(before), after: audited(license) });
      return licenseReply(license);
    },
  );

  app.delete(
    '/licenses/:id',
    { schema: { summary: 'Delete a license; its leases become invalid at once', tags, params: IdParams } },
    async (request, reply) => {
      const { organizationId } = request.principal!;
      const id = (request.params as { id: string }).id;
      const before = await store.licenses.get(organizationId, id, clock.now());
      if (!before || !(await store.licenses.delete(organizationId, id))) throw notFound('license');
      await recordChange(deps, request, { action: 'delete', resourceType: 'license', resourceId: id, before: audited(before) });
      return reply.code(204).send();
    },
  );
};
