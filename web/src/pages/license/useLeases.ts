import { useState } from 'react';
import { api } from '../../api/endpoints';
import type { Lease, LeaseState } from '../../api/types';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useApi } from '../../lib/useApi';
import { usePage } from '../../lib/usePage';

export const LEASE_PAGE = 25;

export type LeaseFilter = LeaseState | 'all';

/** A license's leases, filtered by state and paged, and releasing one by hand. */
export function useLeases(licenseId: string, onReleased: () => void) {
  const [filter, setFilterState] = useState<LeaseFilter>('active');
  const paging = usePage(LEASE_PAGE, { sort: 'issuedAt', order: 'desc' });
  const filters = { state: filter === 'all' ? undefined : filter, ...paging.sorting.query };
  const leases = useApi(
    (signal) => api.licenses.leases(licenseId, { ...filters, limit: paging.limit, offset: paging.offset }, signal),
    [licenseId, filter, paging.offset, paging.limit, paging.sorting.sort, paging.sorting.order],
  );
  const [releasing, setReleasing] = useState<string | null>(null);

  const setFilter = (next: LeaseFilter) => {
    setFilterState(next);
    paging.setPage(1);
  };

  const release = async (lease: Lease) => {
    setReleasing(lease.id);
    try {
      const released = await api.leases.release(lease.id);
      // Leases with one client id share a seat, and releasing one ends them all: say so.
      const ended = released?.leasesEnded ?? 1;
      notifySuccess(lease.clientId === null ? 'Released the lease of an anonymous client' : `Released the seat of ${lease.clientId}${ended > 1 ? ` (${ended} leases ended)` : ''}`);
      leases.reload();
      onReleased();
    } catch (error) {
      notifyError(error, lease.clientId === null ? 'Could not release the lease' : 'Could not release the seat');
    } finally {
      setReleasing(null);
    }
  };

  return { leases, paging, filter, setFilter, releasing, release, exportPath: `/licenses/${encodeURIComponent(licenseId)}/leases/export.csv`, exportQuery: filters };
}

export type LeasesState = ReturnType<typeof useLeases>;
