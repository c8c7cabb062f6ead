import type { Db } from './db.js';
import type { Page, PageRequest } from './page.js';
import type { LeaseState, LeaseTable, RevokedReason } from './schema.js';

/** What the licensing API needs to know about a license key code. */
export interface KeyGrant {
  keyId: string;
  licenseId: string;
  leaseLimit: number | null;
  expiry: number | null;
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

/** `active`: the license's active leases after the claim, when the claim had to count them. */
export type ClaimOutcome = { kind: 'claimed'; superseded: number; active?: number } | { kind: 'limit_reached' } | { kind: 'license_gone' };

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

function toRow(lease: NewLease): LeaseTable {
  return {
    id: lease.id,
    organization_id: lease.organizationId,
    license_id: lease.licenseId,
    key_id: lease.keyId,
    client_id: lease.clientId,
    issued_at: lease.issuedAt,
    expires_at: lease.expiresAt,
    state: 'active',
    revoked_reason: null,
    signing_key_id: lease.signingKeyId,
    code_hash: lease.codeHash,
    replaced_by: null,
    ended_at: null,
  };
}

/**
 * Leases: the seats taken from a license's pool. The decisions that must hold under concurrency
 * (the seat limit, one successor per renewed lease) are each made inside one transaction here.
 */
export class LeaseStore {
  constructor(private readonly db: Db) {}

  /** Resolves a key code inside one organization. */
  async findKey(organizationId: string, code: string): Promise<KeyGrant | undefined> {
    // No stored key holds NUL, and PostgreSQL refuses to compare with such text.
    if (code.includes('\u0000')) return undefined;
    const row = await this.db.kysely
      .selectFrom('license_key as k')
      .innerJoin('license as l', 'l.id', 'k.license_id')
      .select(['k.id as keyId', 'l.id as licenseId', 'l.lease_limit as leaseLimit', 'l.expiry as expiry'])
      .where('k.organization_id', '=', organizationId)
      .where('k.code', '=', code)
      .executeTakeFirst();
    return (
      row && {
        keyId: row.keyId,
        licenseId: row.licenseId,
        leaseLimit: row.leaseLimit === null ? null : Number(row.leaseLimit),
        expiry: row.expiry === null ? null : Number(row.expiry),
      }
    );
  }

  /** Seats in use: active leases that have not expired. */
  async countActive(licenseId: string, now: number): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('lease')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('license_id', '=', licenseId)
      .where('state', '=', 'active')
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Takes a seat for `lease`, in one write transaction: a client that already holds a seat on the
   * license gets it back (its old lease is superseded), anyone else only while a seat is free.
   * The limit is read inside the transaction, so a change made by an admin a moment ago counts.
   */
  async claimSeat(lease: NewLease, now: number): Promise<ClaimOutcome> {
    return this.db.writeTransaction<ClaimOutcome>(async (trx) => {
      let licenseQuery = trx
        .selectFrom('license as l')
        .innerJoin('license_key as k', 'k.license_id', 'l.id')
        .select(['l.lease_limit as leaseLimit'])
        .where('l.id', '=', lease.licenseId)
        .where('k.id', '=', lease.keyId);
      // PostgreSQL: the row lock on the license serialises claims on it across connections and
      // instances. SQLite: the transaction already holds the database's write lock.
      if (this.db.dialect === 'postgres') licenseQuery = licenseQuery.forUpdate('l');
      const license = await licenseQuery.executeTakeFirst();
      if (!license) return { kind: 'license_gone' };

      let superseded = 0;
      if (lease.clientId !== null) {
        const result = await trx
          .updateTable('lease')
          .set({ state: 'superseded', replaced_by: lease.id, ended_at: now })
          .where('license_id', '=', lease.licenseId)
          .where('client_id', '=', lease.clientId)
          .where('state', '=', 'active')
          .executeTakeFirst();
        superseded = Number(result.numUpdatedRows);
      }

      let active: number | undefined;
      if (license.leaseLimit !== null) {
        const used = await trx
          .selectFrom('lease')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('license_id', '=', lease.licenseId)
          .where('state', '=', 'active')
          .where('expires_at', '>', now)
          .executeTakeFirstOrThrow();
        if (Number(used.n) >= Number(license.leaseLimit)) {
          // Nothing was taken, so nothing the client held is given up either.
          if (superseded > 0) throw new RollbackSignal();
          return { kind: 'limit_reached' };
        }
        active = Number(used.n) + 1;
      }

      await trx.insertInto('lease').values(toRow(lease)).execute();
      return { kind: 'claimed', superseded, active };
    }).catch((err: unknown) => {
      if (err instanceof RollbackSignal) return { kind: 'limit_reached' } satisfies ClaimOutcome;
      throw err;
    });
  }

  /** Finds a lease by id inside one organization, with its license's expiry. */
  async find(organizationId: string, leaseId: string): Promise<LeaseWithLicense | undefined> {
    if (leaseId.includes('\u0000')) return undefined;
    const row = await this.db.kysely
      .selectFrom('lease as s')
      .leftJoin('license as l', 'l.id', 's.license_id')
      .selectAll('s')
      .select(['l.id as license_exists', 'l.expiry as license_expiry'])
      .where('s.organization_id', '=', organizationId)
      .where('s.id', '=', leaseId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { license_exists, license_expiry, ...lease } = row;
    return {
      ...toLease(lease as LeaseTable),
      licenseExpiry: license_exists === null ? undefined : license_expiry === null ? null : Number(license_expiry),
    };
  }

  /**
   * Replaces an active, unexpired lease by `next` on the same seat. The conditional update lets
   * exactly one of several simultaneous renewals win; the others get false.
   */
  async renew(previousId: string, next: NewLease, now: number): Promise<boolean> {
    return this.db.writeTransaction(async (trx) => {
      const result = await trx
        .updateTable('lease')
        .set({ state: 'superseded', replaced_by: next.id, ended_at: now })
        .where('id', '=', previousId)
        .where('state', '=', 'active')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx.insertInto('lease').values(toRow(next)).execute();
      return true;
    });
  }

  /** Gives a seat back. Returns false when the lease was not active (already released, superseded, ...). */
  async release(organizationId: string, leaseId: string, now: number): Promise<boolean> {
    const result = await this.db.kysely
      .updateTable('lease')
      .set({ state: 'released', ended_at: now })
      .where('organization_id', '=', organizationId)
      .where('id', '=', leaseId)
      .where('state', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Deletes up to `limit` leases that ended (released, superseded) or expired before `cutoff`;
   * returns how many. On PostgreSQL rows another instance is deleting right now are skipped, so
   * instances running this at once neither wait for each other nor fail.
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
    const expired = await db.deleteFrom('lease').where('id', 'in', old('expires_at').limit(limit - deleted)).executeTakeFirst();
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

  /** A license's leases, newest first. */
  async listByLicense(organizationId: string, licenseId: string, page: PageRequest & { state?: LeaseState }): Promise<Page<Lease>> {
    let query = this.db.kysely.selectFrom('lease').where('organization_id', '=', organizationId).where('license_id', '=', licenseId);
    if (page.state) query = query.where('state', '=', page.state);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('issued_at', 'desc').orderBy('id').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toLease), total: Number(count.n) };
  }
}

/** Aborts a write transaction without it being a fault. */
class RollbackSignal extends Error {}
