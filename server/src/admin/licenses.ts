import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, NullableText, PageOf, PageQuery, Timestamp, pageOf } from '../http/schemas.js';
import { MIN_NEW_KEY_LENGTH } from '../services/key-codes.js';
import { LicenseService, licenseView } from '../services/license-service.js';
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
 * The schema admits key codes shorter than MIN_NEW_KEY_LENGTH: codes made before that rule keep
 * working and may be kept when a license's keys are changed, so the service refuses only new ones.
 */
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

/** A license as the admin API answers with it; the dashboard lists licenses in this shape too. */
export const licenseReply = licenseView;

/** Licenses: grants of features to a customer, with a seat limit, an expiry and key codes. */
export const licenseRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const licenses = new LicenseService(deps);

  app.get(
    '/licenses',
    {
      schema: {
        summary: 'List licenses, newest first',
        tags,
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(
            Type.String({
              maxLength: 200,
              description:
                'Any part of a key code (any case, with or without dashes), of the customer’s name (any case) or of the comment. A term with fewer than 3 letters and digits matches a key code only whole (in any case), not a part of one.',
            }),
          ),
          customerId: Type.Optional(Type.String({ maxLength: 64 })),
          productId: Type.Optional(Type.String({ maxLength: 64, description: 'Licenses granting a feature of this product.' })),
          expired: Type.Optional(Type.Boolean({ description: 'true: expired only; false: unexpired only.' })),
          atLimit: Type.Optional(Type.Boolean({ description: 'true: only licenses whose seats are all in use.' })),
        }),
        response: { 200: PageOf(LicenseReply) },
      },
    },
    async (request, reply) => {
      const page = pageOf(request.query);
      const { q, customerId, productId, expired, atLimit } = request.query;
      return { ...valueOf(await licenses.list(callerOf(request), { ...page, q, customerId, productId, expired, atLimit }), reply), ...page };
    },
  );

  app.post('/licenses', { schema: { summary: 'Create a license', tags, body: LicenseBody, response: { 201: LicenseReply } } }, async (request, reply) => {
    const license = valueOf(await licenses.create(callerOf(request), request.body), reply);
    return reply.code(201).send(license);
  });

  app.get('/licenses/:id', { schema: { summary: 'Get a license', tags, params: IdParams, response: { 200: LicenseReply } } }, async (request, reply) =>
    valueOf(await licenses.get(callerOf(request), request.params.id), reply),
  );

  app.patch('/licenses/:id', { schema: { summary: 'Change a license', tags, params: IdParams, body: LicensePatchBody, response: { 200: LicenseReply } } }, async (request, reply) =>
    valueOf(await licenses.update(callerOf(request), request.params.id, request.body), reply),
  );

  app.delete('/licenses/:id', { schema: { summary: 'Delete a license; its leases become invalid at once', tags, params: IdParams } }, async (request, reply) => {
    valueOf(await licenses.delete(callerOf(request), request.params.id), reply);
    return reply.code(204).send();
  });
};
