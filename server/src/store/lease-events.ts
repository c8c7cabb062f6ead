import type { Insertable } from 'kysely';
import type { DomainEventTable } from './schema.js';

/*
 * The events of the licensing path: what happens to leases, recorded by the store in the same
 * transaction (or the same statement) as the lease row change. Consumers of the outbox read the
 * `data` of each type as declared here. No actor: licensing calls and housekeeping act for nobody.
 */

/** A lease was granted. Subject: the lease. */
export interface LeaseObtained {
  leaseId: string;
  licenseId: string;
  keyId: string;
  clientId: string | null;
  expiresAt: number;
  /** The license's seats in use after the claim, when the claim counted them (a license with a limit); else null. */
  seatsInUse: number | null;
  /** The client id already held a seat, which the new lease shares. */
  sharedSeat: boolean;
}

/** An obtain found every seat taken. Subject: the license. */
export interface LeaseRefused {
  licenseId: string;
  keyId: string;
  clientId: string | null;
  errorCode: 'LEASE_LIMIT_REACHED';
  seatsInUse: number;
  leaseLimit: number;
}

/** A lease was replaced by its successor on the same seat. Subject: the successor. */
export interface LeaseRenewed {
  leaseId: string;
  previousLeaseId: string;
  licenseId: string;
  clientId: string | null;
  expiresAt: number;
}

/** A lease was given back. Subject: the lease. An admin's release of a seat records `by: 'admin'`. */
export interface LeaseReleased {
  leaseId: string;
  licenseId: string;
  clientId: string | null;
  by: 'client' | 'admin';
}

/** A lease ran out without being renewed or released; recorded by housekeeping. Subject: the lease. */
export interface LeaseExpired {
  leaseId: string;
  licenseId: string;
  clientId: string | null;
  expiredAt: number;
}

export const LEASE_EVENT = {
  obtained: 'lease.obtained',
  refused: 'lease.refused',
  renewed: 'lease.renewed',
  released: 'lease.released',
  expired: 'lease.expired',
} as const;

/*
 * The data is written as JSON text, built here in the key order declared above, so that every
 * dialect and statement (prepared, or part of a CTE) stores exactly what `JSON.stringify` makes.
 */
export const obtainedData = (data: LeaseObtained): string =>
  JSON.stringify({
    leaseId: data.leaseId,
    licenseId: data.licenseId,
    keyId: data.keyId,
    clientId: data.clientId,
    expiresAt: data.expiresAt,
    seatsInUse: data.seatsInUse,
    sharedSeat: data.sharedSeat,
  } satisfies LeaseObtained);

export const refusedData = (data: Omit<LeaseRefused, 'errorCode'>): string =>
  JSON.stringify({
    licenseId: data.licenseId,
    keyId: data.keyId,
    clientId: data.clientId,
    errorCode: 'LEASE_LIMIT_REACHED',
    seatsInUse: data.seatsInUse,
    leaseLimit: data.leaseLimit,
  } satisfies LeaseRefused);

export const renewedData = (data: LeaseRenewed): string =>
  JSON.stringify({
    leaseId: data.leaseId,
    previousLeaseId: data.previousLeaseId,
    licenseId: data.licenseId,
    clientId: data.clientId,
    expiresAt: data.expiresAt,
  } satisfies LeaseRenewed);

export const releasedData = (data: LeaseReleased): string => JSON.stringify({ leaseId: data.leaseId, licenseId: data.licenseId, clientId: data.clientId, by: data.by } satisfies LeaseReleased);

/** The outbox rows of leases housekeeping found expired, recorded at `at`. */
export function expiredEventRows(
  leases: readonly { id: string; organization_id: string; license_id: string; client_id: string | null; expires_at: number }[],
  at: number,
): Insertable<DomainEventTable>[] {
  return leases.map((lease) => ({
    organization_id: lease.organization_id,
    type: LEASE_EVENT.expired,
    at,
    subject_type: 'lease',
    subject_id: lease.id,
    data: JSON.stringify({ leaseId: lease.id, licenseId: lease.license_id, clientId: lease.client_id, expiredAt: Number(lease.expires_at) } satisfies LeaseExpired),
  }));
}
