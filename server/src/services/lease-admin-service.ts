import type { Page, PageRequest } from '../store/index.js';
import type { LeaseReleased } from '../store/lease-events.js';
import type { Lease, LeaseSort } from '../store/leases.js';
import type { SortRequest } from '../store/sort.js';
import type { LeaseState } from '../store/schema.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { notFound, ok, type Outcome } from './outcome.js';
import { transact } from './transact.js';

/** A lease as the admin API shows it: never its code or the code's hash. */
export interface LeaseView {
  id: string;
  licenseId: string;
  clientId: string | null;
  issuedAt: string;
  expiry: string;
  state: LeaseState;
  endedAt: string | null;
}

/** A lease after an admin's release, with how many leases of its seat the release ended. */
export interface ReleasedLease extends LeaseView {
  leasesEnded: number;
}

export function leaseView(lease: Lease): LeaseView {
  return {
    id: lease.id,
    licenseId: lease.licenseId,
    clientId: lease.clientId,
    issuedAt: isoTime(lease.issuedAt),
    expiry: isoTime(lease.expiresAt),
    state: lease.state,
    endedAt: isoTime(lease.endedAt),
  };
}

/** Leases as vendors see them, and releasing a seat by hand. */
export class LeaseAdminService {
  constructor(private readonly deps: ServiceDeps) {}

  async listByLicense(caller: Caller, licenseId: string, query: PageRequest & SortRequest<LeaseSort> & { state?: LeaseState }): Promise<Outcome<Page<LeaseView>>> {
    const { store, clock } = this.deps;
    if (!(await store.licenses.get(caller.organizationId, licenseId, clock.now()))) return notFound('license');
    const result = await store.leases.listByLicense(caller.organizationId, licenseId, query);
    return ok({ items: result.items.map(leaseView), total: result.total });
  }

  /**
   * Releases a lease's seat: the lease and every other active lease of its license with the same
   * client id (ending one lease of a seat would leave the seat taken by its others). A lease that
   * is no longer active is answered as it is, with nothing ended and nothing recorded; of
   * simultaneous releases of one seat only the one that ended it records the release.
   */
  async release(caller: Caller, leaseId: string): Promise<Outcome<ReleasedLease>> {
    const { store, clock } = this.deps;
    const organizationId = caller.organizationId;
    return transact(store, async (tx) => {
      // Admin releases of one organization are made one after the other (PostgreSQL; SQLite's write
      // lock serialises them anyway): two releases of one seat through two of its leases would each
      // lock their own lease first, then wait for the other's, and deadlock.
      await tx.organizations.lock(organizationId);
      const before = await tx.leases.find(organizationId, leaseId);
      if (!before) return notFound('lease');
      const now = clock.now();
      const leasesEnded = await tx.leases.releaseSeat(organizationId, leaseId, now);
      if (leasesEnded === 0) return ok({ ...leaseView(before), leasesEnded });
      const released = await tx.leases.find(organizationId, leaseId);
      if (!released) return notFound('lease');
      const after = { ...leaseView(released), leasesEnded };
      // The licensing path's lease.released, with how many leases of the seat ended.
      const data: LeaseReleased & { leasesEnded: number } = { leaseId, licenseId: before.licenseId, clientId: before.clientId, leasesEnded, by: 'admin' };
      await recordChange(tx, caller, now, {
        action: 'release',
        resourceType: 'lease',
        resourceId: leaseId,
        before: leaseView(before),
        after,
        data,
      });
      return ok(after);
    });
  }
}
