import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../http/errors.js';
import { IdParams, PageOf, PageQuery, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { Lease } from '../store/leases.js';
import type { LeaseState } from '../store/schema.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';

const tags = ['leases'];
const STATES = ['active', 'released', 'superseded', 'expired', 'revoked'];

const LeaseReply = Type.Object({
  id: Type.String(),
  licenseId: Type.String(),
  clientId: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Timestamp,
  expiry: Timestamp,
  state: Type.String({ enum: STATES, description: 'active, released, superseded (by its renewal), expired (ran out while active; marked by housekeeping) or revoked (its license or key was removed).' }),
  endedAt: Type.Union([Timestamp, Type.Null()], { description: 'When the lease was released or superseded, or, once marked expired, its expiry.' }),
});

const ReleaseReply = Type.Object({
  ...LeaseReply.properties,
  leasesEnded: Type.Integer({
    minimum: 0,
    description: "How many leases the release ended: the lease and its seat's other active leases (the license's leases with the same client id); 0 when it was no longer active.",
  }),
});

function leaseReply(l: Lease) {
  return { id: l.id, licenseId: l.licenseId, clientId: l.clientId, issuedAt: iso(l.issuedAt), expiry: iso(l.expiresAt), state: l.state, endedAt: iso(l.endedAt) };
}

/** Leases as vendors see them: who holds a seat, since when and until when; and releasing one by hand. */
export const leaseRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, clock } = deps;
  app.get(
    '/licenses/:id/leases',
    {
      schema: {
        summary: "List a license's leases, newest first",
        tags,
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, state: Type.Optional(Type.String({ enum: STATES })) }),
        response: { 200: PageOf(LeaseReply) },
      },
    },
    async (request) => {
      const organizationId = request.principal!.organizationId;
      const licenseId = (request.params as { id: string }).id;
      if (!(await store.licenses.get(organizationId, licenseId, clock.now()))) throw notFound('license');
      const query = request.query as { limit?: number; offset?: number; state?: LeaseState };
      const page = pageOf(query);
      const result = await store.leases.listByLicense(organizationId, licenseId, { ...page, state: query.state });
      return { items: result.items.map(leaseReply), total: result.total, ...page };
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
    async (request) => {
      const organizationId = request.principal!.organizationId;
      const id = (request.params as { id: string }).id;
      const before = await store.leases.find(organizationId, id);
      if (!before) throw notFound('lease');
      // Ending one lease of a seat would leave the seat taken by its others: the seat ends whole.
      const leasesEnded = await store.leases.releaseSeat(organizationId, id, clock.now());
      if (leasesEnded === 0) return { ...leaseReply(before), leasesEnded };
      const lease = (await store.leases.find(organizationId, id))!;
      const after = { ...leaseReply(lease), leasesEnded };
      await recordChange(deps, request, { action: 'release', resourceType: 'lease', resourceId: id, before: leaseReply(before), after });
      return after;
    },
  );
};
