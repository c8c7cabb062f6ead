import { useState } from 'react';
import { api } from '../../api/endpoints';
import type { UsageRange } from '../../api/types';
import { useApi } from '../../lib/useApi';
import { useCatalog } from '../../lib/useCatalog';
import { useLeases } from './useLeases';

/**
 * Everything the license page shows, requested at once (not section by section once the license
 * arrived): the license, the catalog naming its features, its leases and its usage.
 */
export function useLicense(id: string) {
  const license = useApi((signal) => api.licenses.get(id, signal), [id]);
  const catalog = useCatalog();
  // A release changes the seats in use, which the license reports.
  const leases = useLeases(id, license.reload);
  const [range, setRange] = useState<UsageRange>('24h');
  const usage = useApi((signal) => api.licenses.usage(id, range, signal), [id, range]);
  return { license, catalog, leases, usage: { ...usage, range, setRange } };
}

export type LicensePageState = ReturnType<typeof useLicense>;
export type LicenseUsageState = LicensePageState['usage'];
