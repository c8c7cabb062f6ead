import { randomUUID } from 'node:crypto';
import { generateKeyCode, maskKeyCode } from '../credentials.js';
import type { Page, PageRequest, Store } from '../store/index.js';
import type { License, LicenseFilter, LicensePatch, LicenseSort } from '../store/licenses.js';
import type { SortRequest } from '../store/sort.js';
import { HOUR_MS } from '../store/usage.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { checkNewKeys, keyEvents } from './key-codes.js';
import { invalid, notFound, ok, type Outcome } from './outcome.js';
import { transact } from './transact.js';

/** A license as the admin API shows it. */
export interface LicenseView {
  id: string;
  customerId: string;
  customerName: string;
  featureIds: string[];
  leaseLimit: number | null;
  expiry: string | null;
  keys: string[];
  keyLeases: { key: string; activeLeases: number }[];
  leasesUsed: number;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
}

export function licenseView(l: License): LicenseView {
  return {
    id: l.id,
    customerId: l.customerId,
    customerName: l.customerName,
    featureIds: l.featureIds,
    leaseLimit: l.leaseLimit,
    expiry: isoTime(l.expiry),
    keys: l.keys.map((k) => k.code),
    keyLeases: l.keys.map((k) => ({ key: k.code, activeLeases: k.activeLeases })),
    leasesUsed: l.leasesUsed,
    comment: l.comment,
    createdAt: isoTime(l.createdAt),
    updatedAt: isoTime(l.updatedAt),
  };
}

/**
 * A license as the audit log and events keep it: key codes masked, as the database holds no plain
 * code; without the lease counts per key, which change with every lease, not with the license; and
 * without the customer's name, which belongs to the customer (renaming one changes no license).
 */
export function recorded(l: License): Omit<LicenseView, 'keyLeases' | 'customerName'> {
  const { keyLeases: _counts, customerName: _name, ...view } = licenseView(l);
  return { ...view, keys: l.keys.map((k) => maskKeyCode(k.code)) };
}

export interface NewLicenseInput {
  customerId: string;
  featureIds: string[];
  leaseLimit?: number | null;
  /** An ISO 8601 date-time; null or absent is never. */
  expiry?: string | null;
  /** One strong code is generated when absent. */
  keys?: string[];
  comment?: string | null;
}

/** What a change sets; `keys` replaces the set of key codes. */
export type LicenseChange = Partial<NewLicenseInput>;

function expiryOf(text: string | null | undefined): Outcome<number | null | undefined> {
  if (text === null || text === undefined) return ok(text);
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ok(ms) : invalid('body.expiry is not a valid date-time');
}

const withIds = (codes: readonly string[]) => codes.map((code) => ({ id: randomUUID(), code }));

/** Licenses: grants of features to a customer, with a seat limit, an expiry and key codes. */
/**
 * What the license list is narrowed and ordered by: the store's filter, plus the dashboard's cards
 * (`expiringWithinDays`, `refusedLast24h`), which the service counts from now.
 */
export type LicenseListQuery = LicenseFilter & SortRequest<LicenseSort> & { expiringWithinDays?: number; refusedLast24h?: boolean };

export class LicenseService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(caller: Caller, query: PageRequest & LicenseListQuery): Promise<Outcome<Page<LicenseView>>> {
    const now = this.deps.clock.now();
    const { expiringWithinDays, refusedLast24h, ...filter } = query;
    if (expiringWithinDays !== undefined) filter.expiringBefore = now + expiringWithinDays * 86_400_000;
    if (refusedLast24h) filter.refusedSince = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
    const result = await this.deps.store.licenses.list(caller.organizationId, now, filter);
    return ok({ items: result.items.map(licenseView), total: result.total });
  }

  async get(caller: Caller, id: string): Promise<Outcome<LicenseView>> {
    const license = await this.deps.store.licenses.get(caller.organizationId, id, this.deps.clock.now());
    return license ? ok(licenseView(license)) : notFound('license');
  }

  /** A customer or feature that does not exist is not found; a key code in use in the organization is a conflict. */
  async create(caller: Caller, input: NewLicenseInput): Promise<Outcome<LicenseView>> {
    const { store, clock } = this.deps;
    const keysChecked = checkNewKeys(input.keys);
    if (!keysChecked.ok) return keysChecked;
    const expiry = expiryOf(input.expiry);
    if (!expiry.ok) return expiry;
    const keys = withIds(input.keys ?? [generateKeyCode()]);
    return transact(store, async (tx) => {
      const now = clock.now();
      const license = await tx.licenses.create(
        caller.organizationId,
        {
          id: randomUUID(),
          customerId: input.customerId,
          featureIds: input.featureIds,
          leaseLimit: input.leaseLimit ?? null,
          expiry: expiry.value ?? null,
          comment: input.comment ?? null,
          keys,
        },
        now,
      );
      await recordChange(tx, caller, now, { action: 'create', resourceType: 'license', resourceId: license.id, after: recorded(license) });
      return ok(licenseView(license));
    });
  }

  /**
   * Changes a license, with its audit entry, its `license.updated` event and an event for each key
   * code added or removed, in one transaction. The license is locked first: the "before" copy is
   * the one this change changed, and no lease is claimed with a key between its count and its
   * removal.
   */
  async update(caller: Caller, id: string, change: LicenseChange): Promise<Outcome<LicenseView>> {
    const { store, clock } = this.deps;
    const expiry = expiryOf(change.expiry);
    if (!expiry.ok) return expiry;
    const patch: LicensePatch = {
      customerId: change.customerId,
      featureIds: change.featureIds,
      leaseLimit: change.leaseLimit,
      expiry: expiry.value,
      comment: change.comment,
      keys: change.keys && withIds(change.keys),
    };
    return transact(store, async (tx) => {
      const now = clock.now();
      const before = await tx.licenses.getForUpdate(caller.organizationId, id, now);
      if (!before) return notFound('license');
      const keysChecked = checkNewKeys(
        change.keys,
        before.keys.map((k) => k.code),
      );
      if (!keysChecked.ok) return keysChecked;
      const updated = await tx.licenses.update(caller.organizationId, id, patch, now);
      if (!updated) return notFound('license');
      await recordChange(tx, caller, now, { action: 'update', resourceType: 'license', resourceId: id, before: recorded(before), after: recorded(updated.license) });
      await tx.events.append(caller.organizationId, now, keyEvents(caller, id, updated.addedKeys, updated.removedKeys));
      return ok(licenseView(updated.license));
    });
  }

  /** Deletes a license; its leases become invalid at once. The event says how many were active. */
  async delete(caller: Caller, id: string): Promise<Outcome<void>> {
    const { store, clock } = this.deps;
    return transact(store, (tx) => deleteLicense(tx, caller, id, clock.now()));
  }
}

/** Deletes a license inside `tx`, with its audit entry and its event: one delete, or one of a bulk delete. */
export async function deleteLicense(tx: Store, caller: Caller, id: string, now: number): Promise<Outcome<void>> {
  const before = await tx.licenses.getForUpdate(caller.organizationId, id, now);
  if (!before) return notFound('license');
  const deleted = await tx.licenses.delete(caller.organizationId, id, now);
  if (!deleted) return notFound('license');
  const was = recorded(before);
  await recordChange(tx, caller, now, {
    action: 'delete',
    resourceType: 'license',
    resourceId: id,
    before: was,
    data: { before: was, after: null, revokedLeases: deleted.revokedLeases },
  });
  return ok(undefined);
}
