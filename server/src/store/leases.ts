import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import type { Db } from './db.js';
import { expiredEventRows, LEASE_EVENT, obtainedData, refusedData, releasedData, renewedData } from './lease-events.js';
import { ACTIVE, licensingQueries, type LicensingQueries } from './lease-queries.js';
import { foldHashOf } from './key-search.js';
import { groupValidFor, type ValidForProduct, type ValidForRow } from './licenses.js';
import type { Page, PageRequest } from './page.js';
import type { Database, LeaseState, LeaseTable, RevokedReason } from './schema.js';
import { sorted, type SortRequest, type SortSpec } from './sort.js';

export const LEASE_SORTS = ['issuedAt', 'expiry', 'clientId', 'state', 'endedAt'] as const;
export type LeaseSort = (typeof LEASE_SORTS)[number];

const leaseSorts: SortSpec<LeaseSort> = {
  columns: {
    issuedAt: { expression: sql.ref('issued_at') },
    expiry: { expression: sql.ref('expires_at') },
    clientId: { expression: sql.ref('client_id'), text: true, nullable: true },
    state: { expression: sql.ref('state'), text: true },
    endedAt: { expression: sql.ref('ended_at'), nullable: true },
  },
  default: { sort: 'issuedAt', order: 'desc' },
  id: 'id',
};

/** What the licensing API needs to know about a license key code: its license and what it grants. */
export interface KeyGrant {
  keyId: string;
  licenseId: string;
  leaseLimit: number | null;
  expiry: number | null;
  validFor: ValidForProduct[];
}

export interface Lease {
  id: string;
  licenseId: string;
  keyId: string;
  clientId: string | null;
  issuedAt: number;
  expiresAt: number;
  state: LeaseState;
  revokedReason: RevokedReason | null;
  signingKeyId: string;
  codeHash: string;
  replacedBy: string | null;
  endedAt: number | null;
}

/** A lease together with the state of its license at the time of the lookup. */
export interface LeaseWithLicense extends Lease {
  /** Undefined when the license no longer exists. */
  licenseExpiry: number | null | undefined;
}

/** A lease with its license's state and what the license grants now. */
export interface LeaseWithGrant extends LeaseWithLicense {
  validFor: ValidForProduct[];
}

export interface NewLease {
  id: string;
  organizationId: string;
  licenseId: string;
  keyId: string;
  clientId: string | null;
  issuedAt: number;
  expiresAt: number;
  signingKeyId: string;
  codeHash: string;
}

/** `active`: the license's seats in use after the claim, when the claim had to count them. */
export type ClaimOutcome = { kind: 'claimed'; active?: number } | { kind: 'limit_reached' } | { kind: 'license_gone' };

function toLease(row: LeaseTable): Lease {
  return {
    id: row.id,
    licenseId: row.license_id,
    keyId: row.key_id,
    clientId: row.client_id,
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
    state: row.state,
    revokedReason: row.revoked_reason,
    signingKeyId: row.signing_key_id,
    codeHash: row.code_hash,
    replacedBy: row.replaced_by,
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}

function toLeaseWithLicense(row: LeaseTable & { license_exists: string | null; license_expiry: number | null }): LeaseWithLicense {
  return {
    ...toLease(row),
    licenseExpiry: row.license_exists === null ? undefined : row.license_expiry === null ? null : Number(row.license_expiry),
  };
}

function toGrant(first: { keyId: string; licenseId: string; leaseLimit: number | null; expiry: number | null }, rows: readonly ValidForRow[]): KeyGrant {
  return {
    keyId: first.keyId,
    licenseId: first.licenseId,
    leaseLimit: first.leaseLimit === null ? null : Number(first.leaseLimit),
    expiry: first.expiry === null ? null : Number(first.expiry),
    validFor: groupValidFor(rows),
  };
}

/**
 * Leases: the seats taken from a license's pool. The decisions that must hold under concurrency
 * (the seat limit, one successor per renewed lease) are each made inside one transaction here, and
 * each records its event (lease-events.ts) in the outbox in that transaction.
 */
export class LeaseStore {
  private readonly q: LicensingQueries;

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {
    this.q = licensingQueries(db);
  }

  private insert(executor: Kysely<Database>, lease: NewLease) {
    return this.q.insertQuery(executor, lease.id, lease.organizationId, lease.licenseId, lease.keyId, lease.clientId, lease.issuedAt, lease.expiresAt, lease.signingKeyId, lease.codeHash);
  }

  /** Resolves a key code inside one organization, with what its license grants: one statement. */
  async findKey(organizationId: string, code: string): Promise<KeyGrant | undefined> {
    // No stored key holds NUL, and PostgreSQL refuses to compare with such text.
    if (code.includes('\u0000')) return undefined;
    const { rows } = await this.q.findKeyQuery(undefined, organizationId, this.secrets.keyCodeHash(organizationId, code), foldHashOf(this.secrets, organizationId, code));
    return rows[0] && toGrant(rows[0], rows);
  }

  /** As `findKey`, with the seats in use at `now`: one statement. */
  async findKeyWithUsage(organizationId: string, code: string, now: number): Promise<(KeyGrant & { leasesUsed: number }) | undefined> {
    if (code.includes('\u0000')) return undefined;
    const { rows } = await this.q.findKeyWithUsageQuery(undefined, now, organizationId, this.secrets.keyCodeHash(organizationId, code), foldHashOf(this.secrets, organizationId, code));
    return rows[0] && { ...toGrant(rows[0], rows), leasesUsed: Number(rows[0].leasesUsed) };
  }

  /**
   * Takes a seat for `lease`, in one write transaction. Leases with the same client id share one
   * seat: a client that already holds a live lease on the license gets another lease on that seat,
   * without counting and without ending the leases it holds (two copies of an application on one
   * machine send the same id). Anyone else gets a seat only while one is free. The limit is read
   * inside the transaction, so a change made by an admin a moment ago counts. A claim records
   * lease.obtained, a refusal lease.refused, in the same transaction.
   */
  async claimSeat(lease: NewLease, now: number): Promise<ClaimOutcome> {
    return this.db.writeTransaction<ClaimOutcome>(async (trx) => {
      const license = (await this.q.claimLicenseQuery(trx, lease.licenseId, lease.keyId)).rows[0];
      if (!license) return { kind: 'license_gone' };

      let active: number | undefined;
      let shared = false;
      if (license.leaseLimit !== null) {
        const seats = (await this.q.countSeatsQuery(trx, lease.licenseId, now, lease.clientId)).rows[0]!;
        const used = Number(seats.n);
        const limit = Number(license.leaseLimit);
        shared = Number(seats.held) > 0;
        if (shared) active = used;
        else if (used >= limit) {
          const data = refusedData({ licenseId: lease.licenseId, keyId: lease.keyId, clientId: lease.clientId, seatsInUse: used, leaseLimit: limit });
          await this.q.insertEventQuery(trx, lease.organizationId, LEASE_EVENT.refused, now, 'license', lease.licenseId, data);
          return { kind: 'limit_reached' };
        } else active = used + 1;
      } else if (lease.clientId !== null) {
        // Nothing is counted without a limit; the event still tells whether the seat is shared.
        shared = (await this.q.holdsSeatQuery(trx, lease.licenseId, lease.clientId, now)).rows.length > 0;
      }

      const data = obtainedData({
        leaseId: lease.id,
        licenseId: lease.licenseId,
        keyId: lease.keyId,
        clientId: lease.clientId,
        expiresAt: lease.expiresAt,
        seatsInUse: active ?? null,
        sharedSeat: shared,
      });
      if (this.db.dialect === 'postgres') {
        await this.q.insertObtainedQuery(
          trx,
          lease.id,
          lease.organizationId,
          lease.licenseId,
          lease.keyId,
          lease.clientId,
          lease.issuedAt,
          lease.expiresAt,
          lease.signingKeyId,
          lease.codeHash,
          now,
          data,
        );
      } else {
        await this.insert(trx, lease);
        await this.q.insertEventQuery(trx, lease.organizationId, LEASE_EVENT.obtained, now, 'lease', lease.id, data);
      }
      return { kind: 'claimed', active };
    });
  }

  /**
   * Ends the seat of an active lease, for an admin: that lease and every other active lease of
   * its license with the same client id, in one write transaction. Returns how many leases ended
   * (0 when the lease was not active).
   */
  async releaseSeat(organizationId: string, leaseId: string, now: number): Promise<number> {
    return this.db.writeTransaction(async (trx) => {
      const ended = await trx
        .updateTable('lease')
        .set({ state: 'released', ended_at: now })
        .where('organization_id', '=', organizationId)
        .where('id', '=', leaseId)
        .where('state', '=', ACTIVE)
        .returning(['license_id', 'client_id'])
        .executeTakeFirst();
      if (!ended) return 0;
      if (ended.client_id === null) return 1;
      const others = await trx
        .updateTable('lease')
        .set({ state: 'released', ended_at: now })
        .where('organization_id', '=', organizationId)
        .where('license_id', '=', ended.license_id)
        .where('client_id', '=', ended.client_id)
        .where('state', '=', ACTIVE)
        .executeTakeFirst();
      return 1 + Number(others.numUpdatedRows);
    });
  }

  /** Finds a lease by id inside one organization, with its license's expiry: one statement. */
  async find(organizationId: string, leaseId: string): Promise<LeaseWithLicense | undefined> {
    if (leaseId.includes('\u0000')) return undefined;
    const { rows } = await this.q.findQuery(undefined, organizationId, leaseId);
    return rows[0] && toLeaseWithLicense(rows[0]);
  }

  /** As `find`, with what the lease's license grants now: one statement. */
  async findWithGrant(organizationId: string, leaseId: string): Promise<LeaseWithGrant | undefined> {
    if (leaseId.includes('\u0000')) return undefined;
    const { rows } = await this.q.findWithGrantQuery(undefined, organizationId, leaseId);
    return rows[0] && { ...toLeaseWithLicense(rows[0]), validFor: groupValidFor(rows) };
  }

  /**
   * Replaces an active, unexpired lease by `next` on the same seat, and records lease.renewed. The
   * conditional update lets exactly one of several simultaneous renewals win; the others get
   * false and record nothing. PostgreSQL does it in one statement, SQLite in a write transaction.
   */
  async renew(previousId: string, next: NewLease, now: number): Promise<boolean> {
    const data = renewedData({ leaseId: next.id, previousLeaseId: previousId, licenseId: next.licenseId, clientId: next.clientId, expiresAt: next.expiresAt });
    if (this.db.dialect === 'postgres') {
      const result = await this.q.renewQuery(
        undefined,
        now,
        previousId,
        next.id,
        next.organizationId,
        next.licenseId,
        next.keyId,
        next.clientId,
        next.expiresAt,
        next.signingKeyId,
        next.codeHash,
        data,
      );
      // The rows the statement's last step inserted: the event, there only when the successor is.
      return Number(result.numAffectedRows ?? 0) === 1;
    }
    return this.db.writeTransaction(async (trx) => {
      const result = await this.q.supersedeQuery(trx, next.id, now, previousId);
      if (Number(result.numAffectedRows ?? 0) !== 1) return false;
      await this.insert(trx, next);
      await this.q.insertEventQuery(trx, next.organizationId, LEASE_EVENT.renewed, now, 'lease', next.id, data);
      return true;
    });
  }

  /**
   * Gives a live lease's seat back, for its client, and records lease.released. Returns false when
   * the lease was not active or had expired (released, superseded, ...), and records nothing then.
   */
  async release(organizationId: string, lease: Pick<Lease, 'id' | 'licenseId' | 'clientId'>, now: number): Promise<boolean> {
    const data = releasedData({ leaseId: lease.id, licenseId: lease.licenseId, clientId: lease.clientId, by: 'client' });
    if (this.db.dialect === 'postgres') {
      const result = await this.q.releaseWithEventQuery(undefined, now, organizationId, lease.id, data);
      return Number(result.numAffectedRows ?? 0) > 0;
    }
    return this.db.writeTransaction(async (trx) => {
      const result = await this.q.releaseQuery(trx, now, organizationId, lease.id);
      if (Number(result.numAffectedRows ?? 0) === 0) return false;
      await this.q.insertEventQuery(trx, organizationId, LEASE_EVENT.released, now, 'lease', lease.id, data);
      return true;
    });
  }

  /**
   * Marks up to `limit` leases that are still active but expired at or before `now` as `expired`
   * (ended when they expired), and records lease.expired for each, in one write transaction;
   * returns how many. The oldest go first. On PostgreSQL rows another instance is marking right now
   * are skipped, and a row it marked meanwhile fails the re-checked condition: each lease is
   * marked, and its event written, once.
   */
  async markExpired(now: number, limit: number): Promise<number> {
    return this.db.writeTransaction(async (trx) => {
      const due = trx.selectFrom('lease').select('id').where('state', '=', ACTIVE).where('expires_at', '<=', now).orderBy('expires_at').limit(limit);
      // PostgreSQL may run an IN (subquery) again for each row it updates, and a locking subquery
      // then finds other rows each time: ARRAY(...) makes it run once.
      const chosen = this.db.dialect === 'postgres' ? sql<boolean>`${sql.ref('id')} = any(array(${due.forUpdate().skipLocked()}))` : sql<boolean>`${sql.ref('id')} in (${due})`;
      const ended = await trx
        .updateTable('lease')
        .set((eb) => ({ state: 'expired', ended_at: eb.ref('expires_at') }))
        .where(chosen)
        .where('state', '=', ACTIVE)
        .returning(['id', 'organization_id', 'license_id', 'client_id', 'expires_at'])
        .execute();
      if (ended.length > 0) await trx.insertInto('domain_event').values(expiredEventRows(ended, now)).execute();
      return ended.length;
    });
  }

  /**
   * Deletes up to `limit` leases that ended (released, superseded, expired) or expired before
   * `cutoff`; returns how many. On PostgreSQL rows another instance is deleting right now are
   * skipped, so instances running this at once neither wait for each other nor fail.
   */
  async deleteEndedBefore(cutoff: number, limit: number): Promise<number> {
    const db = this.db.kysely;
    const old = (column: 'ended_at' | 'expires_at') => {
      let q = db.selectFrom('lease').select('id').where(column, '<', cutoff).limit(limit);
      if (this.db.dialect === 'postgres') q = q.forUpdate().skipLocked();
      return q;
    };
    // Two index range scans (ended_at, expires_at) rather than one scan of the table.
    const ended = await db.deleteFrom('lease').where('id', 'in', old('ended_at')).executeTakeFirst();
    const deleted = Number(ended.numDeletedRows);
    if (deleted >= limit) return deleted;
    const expired = await db
      .deleteFrom('lease')
      .where('id', 'in', old('expires_at').limit(limit - deleted))
      .executeTakeFirst();
    return deleted + Number(expired.numDeletedRows);
  }

  /** Active, unexpired leases across an organization. */
  async countActiveInOrganization(organizationId: string, now: number): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('lease')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization_id', '=', organizationId)
      .where('state', '=', 'active')
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A license's leases, newest first unless sorted otherwise. */
  async listByLicense(organizationId: string, licenseId: string, page: PageRequest & SortRequest<LeaseSort> & { state?: LeaseState }): Promise<Page<Lease>> {
    let query = this.db.kysely.selectFrom('lease').where('organization_id', '=', organizationId).where('license_id', '=', licenseId);
    if (page.state) query = query.where('state', '=', page.state);
    const [rows, count] = await Promise.all([
      sorted(query.selectAll(), this.db.dialect, leaseSorts, page).limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toLease), total: Number(count.n) };
  }
}
