// Changes to many licenses at once: extend their expiry or delete them, all or nothing, each recorded as a single change is.
import type { License } from '../store/licenses.js';
import type { Store } from '../store/index.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { deleteLicense, recorded } from './license-service.js';
import { invalid, notFound, ok, type Outcome } from './outcome.js';
import { lacksRole } from './roles.js';
import { transact } from './transact.js';

const DAY_MS = 86_400_000;

/** At most this many licenses in one request: one transaction holds their locks until it ends. */
export const BULK_LIMIT = 500;

export interface BulkRequest {
  ids: string[];
  action: 'extend' | 'delete';
  /** extend: days added to the later of the expiry and now. */
  days?: number;
  /** extend: the new expiry (ISO 8601), for licenses that end before it. */
  until?: string;
}

export interface BulkResult {
  action: 'extend' | 'delete';
  /** Licenses changed (or deleted). */
  changed: number;
  /** Licenses an extension left as they were: perpetual ones, and those that end at or after the date already. */
  unchanged: string[];
}

type NewExpiry = (expiry: number, now: number) => number;

/** How an extension moves an expiry; an extension never shortens a license. */
function extensionOf(request: BulkRequest): Outcome<NewExpiry> {
  if ((request.days === undefined) === (request.until === undefined)) return invalid('extend takes either days or until', [{ field: 'body', message: 'give either days or until' }]);
  if (request.days !== undefined) {
    const days = request.days;
    // An expired license gets the days from now, not from a day long past that would leave it expired.
    return ok((expiry, now) => Math.max(expiry, now) + days * DAY_MS);
  }
  const until = Date.parse(request.until!);
  if (!Number.isFinite(until)) return invalid('until is not a valid date-time', [{ field: 'body.until', message: 'must be a date-time' }]);
  return ok((expiry) => Math.max(expiry, until));
}

/** Bulk changes to licenses, for admins and owners. */
export class LicenseBulkService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Extends or deletes every license in `ids`, in one transaction: an id that names no license of
   * the caller's organization refuses the whole request (404) and changes nothing. Each license's
   * audit entry and event are those of a single update or delete. Perpetual licenses stay
   * perpetual: extending "never" gives nothing, and a date would make them end.
   */
  async apply(caller: Caller, request: BulkRequest): Promise<Outcome<BulkResult>> {
    const refused = lacksRole(caller, 'admin');
    if (refused) return refused;
    if (request.action === 'delete' && (request.days !== undefined || request.until !== undefined)) {
      return invalid('delete takes no days or until', [{ field: 'body', message: 'days and until are for extend' }]);
    }
    const extension = request.action === 'extend' ? extensionOf(request) : ok(undefined);
    if (!extension.ok) return extension;
    // Locked in one order, so that two bulk changes that share licenses wait for each other rather than deadlock.
    const ids = [...new Set(request.ids)].sort();
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const now = clock.now();
      const licenses: License[] = [];
      for (const id of ids) {
        const license = await tx.licenses.getForUpdate(caller.organizationId, id, now);
        if (!license) return notFound(`license ${id}`);
        licenses.push(license);
      }
      if (request.action === 'delete') {
        for (const license of licenses) {
          const deleted = await deleteLicense(tx, caller, license.id, now);
          if (!deleted.ok) return deleted;
        }
        return ok({ action: 'delete', changed: licenses.length, unchanged: [] });
      }
      return this.extend(tx, caller, licenses, extension.value!, now);
    });
  }

  private async extend(tx: Store, caller: Caller, licenses: License[], newExpiry: NewExpiry, now: number): Promise<Outcome<BulkResult>> {
    const unchanged: string[] = [];
    for (const before of licenses) {
      const expiry = before.expiry === null ? null : newExpiry(before.expiry, now);
      if (expiry === null || expiry === before.expiry) {
        unchanged.push(before.id);
        continue;
      }
      const updated = await tx.licenses.update(caller.organizationId, before.id, { expiry }, now);
      if (!updated) return notFound(`license ${before.id}`);
      await recordChange(tx, caller, now, { action: 'update', resourceType: 'license', resourceId: before.id, before: recorded(before), after: recorded(updated.license) });
    }
    return ok({ action: 'extend', changed: licenses.length - unchanged.length, unchanged });
  }
}
