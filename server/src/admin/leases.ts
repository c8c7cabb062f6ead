import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, PageOf, PageQuery, SortQuery, StringEnum, Timestamp, pageOf } from '../http/schemas.js';
import { LEASE_SORTS } from '../store/leases.js';
import { LeaseAdminService } from '../services/lease-admin-service.js';
import type { LeaseState } from '../store/schema.js';
import type { AdminDeps } from './deps.js';

const tags = ['leases'];
const STATES: readonly LeaseState[] = ['active', 'released', 'superseded', 'expired', 'revoked'];

export const LeaseReply = Type.Object({
  id: Type.String(),
  licenseId: Type.String(),
  clientId: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Timestamp,
  expiry: Timestamp,
  state: StringEnum(STATES, {
    description: 'active, released, superseded (by its renewal), expired (ran out while active; marked by housekeeping) or revoked (its license or key was removed).',
  }),
  endedAt: Type.Union([Timestamp, Type.Null()], { description: 'When the lease was released or superseded, or, once marked expired, its expiry.' }),
});

const ReleaseReply = Type.Object({
  ...LeaseReply.properties,
  leasesEnded: Type.Integer({
    minimum: 0,
    description: "How many leases the release ended: the lease and its seat's other active leases (the license's leases with the same client id); 0 when it was no longer active.",
  }),
});

/** The query fields that narrow and order a license's leases, for the list and its export. */
export const LeaseQuery = { ...SortQuery(LEASE_SORTS, 'issuedAt, newest first'), state: Type.Optional(StringEnum(STATES)) };

/** Leases as vendors see them: who holds a seat, since when and until when; and releasing one by hand. */
export const leaseRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const leases = new LeaseAdminService(deps);

  app.get(
    '/licenses/:id/leases',
    {
      schema: {
        summary: "List a license's leases, newest first",
        tags,
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, ...LeaseQuery }),
        response: { 200: PageOf(LeaseReply) },
      },
    },
    async (request, reply) => {
      const page = pageOf(request.query);
      return {
        ...valueOf(await leases.listByLicense(callerOf(request), request.params.id, { ...page, state: request.query.state, sort: request.query.sort, order: request.query.order }), reply),
        ...page,
      };
    },
  );

  app.post(
    '/leases/:id/release',
    {
      schema: {
        summary: "Release a lease's seat: the lease and every other active lease of its license with the same client id end at once, and their codes answer LEASE_RELEASED",
        tags,
        params: IdParams,
        response: { 200: ReleaseReply },
      },
    },
    async (request, reply) => valueOf(await leases.release(callerOf(request), request.params.id), reply),
  );
};
