import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { StringEnum } from '../http/schemas.js';
import { BULK_LIMIT, LicenseBulkService } from '../services/license-bulk-service.js';
import type { AdminDeps } from './deps.js';

const actions = ['extend', 'delete'] as const;

const BulkBody = Type.Object(
  {
    ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: BULK_LIMIT, uniqueItems: true, description: `The licenses, 1..${BULK_LIMIT} distinct ids.` }),
    action: StringEnum(actions, { description: 'extend: move the expiry later (days or until); delete: delete the licenses, revoking their leases.' }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500, description: 'extend: days added to the later of the expiry and now.' })),
    until: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'extend: the new expiry, for the licenses that end before it.' })),
  },
  { additionalProperties: false, description: 'Perpetual licenses (no expiry) are left perpetual by extend.' },
);

const BulkReply = Type.Object({
  action: StringEnum(actions),
  changed: Type.Integer({ minimum: 0, description: 'Licenses extended or deleted.' }),
  unchanged: Type.Array(Type.String(), { description: 'Licenses extend left as they were: perpetual ones and those already ending at or after the new expiry.' }),
});

/** Many licenses changed at once, all or nothing. */
export const licenseBulkRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const bulk = new LicenseBulkService(deps);
  app.post(
    '/licenses/bulk',
    {
      schema: {
        summary: 'Extend or delete many licenses in one transaction: an id that names no license of the organization refuses the whole request (404) and changes nothing',
        tags: ['licenses'],
        body: BulkBody,
        response: { 200: BulkReply },
      },
    },
    async (request, reply) => valueOf(await bulk.apply(callerOf(request), request.body), reply),
  );
};
