import { sql, type Kysely } from 'kysely';
import type { Db, Dialect } from './db.js';
import { LEASE_EVENT } from './lease-events.js';
import { prepared } from './prepared-query.js';
import { countSeats } from './seats.js';
import type { Database } from './schema.js';

/*
 * The statements of the licensing calls, each built and compiled once and kept prepared (see
 * `prepared`), with the events they record: a lease row change and its outbox row are written by
 * one statement on PostgreSQL where that saves a round trip, and inside one write transaction
 * everywhere.
 */

/**
 * The partial indexes on leases hold active rows only, and a database can use one only when the
 * query names the state as a constant: a bound parameter could be any state. Hence a literal.
 */
export const ACTIVE = sql.lit('active' as const);

/** A lease's columns, named: a prepared statement must not change shape when a column is added. */
const LEASE_COLUMNS = [
  's.id',
  's.organization_id',
  's.license_id',
  's.key_id',
  's.client_id',
  's.issued_at',
  's.expires_at',
  's.state',
  's.revoked_reason',
  's.signing_key_id',
  's.code_hash',
  's.replaced_by',
  's.ended_at',
] as const;

/** What a license grants, one row per feature, sorted as the licensing API answers. */
const GRANT_COLUMNS = ['p.id as productId', 'p.name as product', 'p.description as productDescription', 'f.name as feature', 'f.description as featureDescription'] as const;

/** A new lease row, as the claim and the renewal insert it. */
function leaseRow(id: string, organizationId: string, licenseId: string, keyId: string, clientId: string | null, issuedAt: number, expiresAt: number, signingKeyId: string, codeHash: string) {
  return {
    id,
    organization_id: organizationId,
    license_id: licenseId,
    key_id: keyId,
    client_id: clientId,
    issued_at: issuedAt,
    expires_at: expiresAt,
    state: 'active' as const,
    revoked_reason: null,
    signing_key_id: signingKeyId,
    code_hash: codeHash,
    replaced_by: null,
    ended_at: null,
  };
}

/**
 * A statement only `dialect` runs, made only for it: on the other a stand-in that fails loudly.
 * Every prepared query a store makes is one its calls run (test/prepared-queries.test.ts).
 */
function onlyOn<F>(db: Db, dialect: Dialect, make: () => F): F {
  if (db.dialect === dialect) return make();
  return (() => {
    throw new Error(`a statement of ${dialect} ran on ${db.dialect}`);
  }) as F;
}

/** The licensing calls' statements. */
export function licensingQueries(db: Db) {
  const postgres = db.dialect === 'postgres';

  /** A key, its license and the license's features. */
  const grantOfKey = (kysely: Kysely<Database>) =>
    kysely
      .selectFrom('license_key as k')
      .innerJoin('license as l', 'l.id', 'k.license_id')
      .leftJoin('license_feature as lf', 'lf.license_id', 'l.id')
      .leftJoin('feature as f', 'f.id', 'lf.feature_id')
      .leftJoin('product as p', 'p.id', 'f.product_id')
      .select(['k.id as keyId', 'l.id as licenseId', 'l.lease_limit as leaseLimit', 'l.expiry as expiry', ...GRANT_COLUMNS])
      .orderBy('p.name')
      .orderBy('f.name');

  /**
   * Codes are found by their keyed hashes (`SecretBox.keyCodeHash`, `keyCodeFoldHash`): the
   * database holds no plain code. The exact spelling first, so that the younger of two codes that
   * differed only in case before migration 009 (which has no fold hash) stays its own key; any
   * other case finds the code that holds the fold hash.
   */
  const keyOfCode = (organizationId: string, codeHash: string, foldHash: string) =>
    db.kysely
      .selectFrom('license_key as c')
      .select('c.id')
      .where('c.organization_id', '=', organizationId)
      .where((eb) => eb.or([eb('c.code_hash', '=', codeHash), eb('c.code_fold_hash', '=', foldHash)]))
      .orderBy((eb) => eb.case().when('c.code_hash', '=', codeHash).then(0).else(1).end())
      .limit(1);

  const findKeyQuery = prepared(db, (organizationId: string, codeHash: string, foldHash: string) =>
    grantOfKey(db.kysely)
      .where('k.organization_id', '=', organizationId)
      .where('k.id', '=', keyOfCode(organizationId, codeHash, foldHash)),
  );

  const findKeyWithUsageQuery = prepared(db, (now: number, organizationId: string, codeHash: string, foldHash: string) =>
    grantOfKey(db.kysely)
      .select((eb) => eb.selectFrom('lease as s').select(countSeats('s').as('n')).whereRef('s.license_id', '=', 'l.id').where('s.state', '=', ACTIVE).where('s.expires_at', '>', now).as('leasesUsed'))
      .where('k.organization_id', '=', organizationId)
      .where('k.id', '=', keyOfCode(organizationId, codeHash, foldHash)),
  );

  const leaseWithLicense = (kysely: Kysely<Database>) =>
    kysely
      .selectFrom('lease as s')
      .leftJoin('license as l', 'l.id', 's.license_id')
      .select([...LEASE_COLUMNS, 'l.id as license_exists', 'l.expiry as license_expiry']);

  const findQuery = prepared(db, (organizationId: string, leaseId: string) => leaseWithLicense(db.kysely).where('s.organization_id', '=', organizationId).where('s.id', '=', leaseId));

  const findWithGrantQuery = prepared(db, (organizationId: string, leaseId: string) =>
    leaseWithLicense(db.kysely)
      .leftJoin('license_feature as lf', 'lf.license_id', 'l.id')
      .leftJoin('feature as f', 'f.id', 'lf.feature_id')
      .leftJoin('product as p', 'p.id', 'f.product_id')
      .select(GRANT_COLUMNS)
      .where('s.organization_id', '=', organizationId)
      .where('s.id', '=', leaseId)
      .orderBy('p.name')
      .orderBy('f.name'),
  );

  const claimLicenseQuery = prepared(db, (licenseId: string, keyId: string) => {
    const query = db.kysely
      .selectFrom('license as l')
      .innerJoin('license_key as k', 'k.license_id', 'l.id')
      .select(['l.lease_limit as leaseLimit'])
      .where('l.id', '=', licenseId)
      .where('k.id', '=', keyId);
    // PostgreSQL: the row lock on the license serialises claims on it across connections and
    // instances; the key's row is locked too, so that a claim that waited for a change removing
    // the key finds it gone instead of joining the copy it read before. SQLite: the transaction
    // already holds the database's write lock.
    return postgres ? query.forUpdate(['l', 'k']) : query;
  });

  /**
   * Seats in use on a license, and whether `clientId` holds one of them (a live lease): one
   * statement. A null client id compares as unknown, so `held` is 0 for it.
   */
  const countSeatsQuery = prepared(db, (licenseId: string, now: number, clientId: string | null) =>
    db.kysely
      .selectFrom('lease')
      .select([countSeats().as('n'), sql<number>`coalesce(max(case when ${sql.ref('client_id')} = ${clientId} then 1 else 0 end), 0)`.as('held')])
      .where('license_id', '=', licenseId)
      .where('state', '=', ACTIVE)
      .where('expires_at', '>', now),
  );

  /**
   * Whether `clientId` holds a live lease on a license, without counting its seats: for the event
   * of a claim on a license without a limit (one entry of the active leases' client index). Run
   * after the license row is locked, so that it sees every claim committed before.
   */
  const holdsSeatQuery = prepared(db, (licenseId: string, clientId: string, now: number) =>
    db.kysely
      .selectFrom('lease')
      .select(sql<number>`1`.as('held'))
      .where('license_id', '=', licenseId)
      .where('client_id', '=', clientId)
      .where('state', '=', ACTIVE)
      .where('expires_at', '>', now)
      .limit(1),
  );

  /** SQLite inserts a lease, then its event: it has no data-modifying CTE. */
  const insertQuery = onlyOn(db, 'sqlite', () =>
    prepared(db, (id: string, organizationId: string, licenseId: string, keyId: string, clientId: string | null, issuedAt: number, expiresAt: number, signingKeyId: string, codeHash: string) =>
      db.kysely.insertInto('lease').values(leaseRow(id, organizationId, licenseId, keyId, clientId, issuedAt, expiresAt, signingKeyId, codeHash)),
    ),
  );

  /** One outbox row of a licensing call, without an actor; `data` is its JSON text (lease-events.ts). */
  const insertEventQuery = prepared(db, (organizationId: string, type: string, at: number, subjectType: string, subjectId: string, data: string) =>
    db.kysely.insertInto('domain_event').values({ organization_id: organizationId, type, at, subject_type: subjectType, subject_id: subjectId, data }),
  );

  /**
   * PostgreSQL inserts the claimed lease and its lease.obtained event in one statement, so that
   * the license row stays locked for one round trip fewer.
   */
  const insertObtainedQuery = onlyOn(db, 'postgres', () =>
    prepared(
      db,
      (
        id: string,
        organizationId: string,
        licenseId: string,
        keyId: string,
        clientId: string | null,
        issuedAt: number,
        expiresAt: number,
        signingKeyId: string,
        codeHash: string,
        at: number,
        data: string,
      ) =>
        db.kysely
          .with('obtained', (qb) =>
            qb
              .insertInto('domain_event')
              .values({ organization_id: organizationId, type: sql.lit(LEASE_EVENT.obtained), at, subject_type: sql.lit('lease'), subject_id: id, data })
              .returning('id'),
          )
          .insertInto('lease')
          .values(leaseRow(id, organizationId, licenseId, keyId, clientId, issuedAt, expiresAt, signingKeyId, codeHash)),
    ),
  );

  const supersedeQuery = prepared(db, (replacedBy: string, now: number, previousId: string) =>
    db.kysely.updateTable('lease').set({ state: 'superseded', replaced_by: replacedBy, ended_at: now }).where('id', '=', previousId).where('state', '=', ACTIVE).where('expires_at', '>', now),
  );

  /**
   * PostgreSQL renews in one statement: the conditional update, the insert of the successor and
   * the insert of its lease.renewed event (each insert takes its row from what the step before
   * returned, so nothing is inserted when the update found no live lease). Concurrent renewals
   * wait for the row lock and re-check the condition, so exactly one inserts. Values are cast: in
   * INSERT ... SELECT, parameters have no column to take their type from.
   */
  const renewQuery = prepared(
    db,
    (
      now: number,
      previousId: string,
      id: string,
      organizationId: string,
      licenseId: string,
      keyId: string,
      clientId: string | null,
      expiresAt: number,
      signingKeyId: string,
      codeHash: string,
      data: string,
    ) =>
      db.kysely
        .with('previous', (qb) =>
          qb.updateTable('lease').set({ state: 'superseded', replaced_by: id, ended_at: now }).where('id', '=', previousId).where('state', '=', ACTIVE).where('expires_at', '>', now).returning('id'),
        )
        .with('successor', (qb) =>
          qb
            .insertInto('lease')
            .columns(['id', 'organization_id', 'license_id', 'key_id', 'client_id', 'issued_at', 'expires_at', 'state', 'signing_key_id', 'code_hash'])
            .expression((eb) =>
              eb
                .selectFrom('previous')
                .select([
                  eb.cast<string>(eb.val(id), 'text').as('id'),
                  eb.cast<string>(eb.val(organizationId), 'text').as('organization_id'),
                  eb.cast<string>(eb.val(licenseId), 'text').as('license_id'),
                  eb.cast<string>(eb.val(keyId), 'text').as('key_id'),
                  eb.cast<string | null>(eb.val(clientId), 'text').as('client_id'),
                  eb.cast<number>(eb.val(now), 'bigint').as('issued_at'),
                  eb.cast<number>(eb.val(expiresAt), 'bigint').as('expires_at'),
                  ACTIVE.as('state'),
                  eb.cast<string>(eb.val(signingKeyId), 'text').as('signing_key_id'),
                  eb.cast<string>(eb.val(codeHash), 'text').as('code_hash'),
                ]),
            )
            .returning('id'),
        )
        .insertInto('domain_event')
        .columns(['organization_id', 'type', 'at', 'subject_type', 'subject_id', 'data'])
        .expression((eb) =>
          eb
            .selectFrom('successor')
            .select([
              eb.cast<string>(eb.val(organizationId), 'text').as('organization_id'),
              sql.lit(LEASE_EVENT.renewed).as('type'),
              eb.cast<number>(eb.val(now), 'bigint').as('at'),
              sql.lit('lease').as('subject_type'),
              'successor.id as subject_id',
              eb.cast<string>(eb.val(data), 'text').as('data'),
            ]),
        ),
  );

  /**
   * A client's release ends a live lease only: an expired one has no seat to give back, and is left
   * to housekeeping, which records it as expired. SQLite: then the event, in one write transaction.
   */
  const releaseQuery = onlyOn(db, 'sqlite', () =>
    prepared(db, (now: number, organizationId: string, leaseId: string) =>
      db.kysely
        .updateTable('lease')
        .set({ state: 'released', ended_at: now })
        .where('organization_id', '=', organizationId)
        .where('id', '=', leaseId)
        .where('state', '=', ACTIVE)
        .where('expires_at', '>', now),
    ),
  );

  /** PostgreSQL releases and records the lease.released event in one statement. */
  const releaseWithEventQuery = onlyOn(db, 'postgres', () =>
    prepared(db, (now: number, organizationId: string, leaseId: string, data: string) =>
      db.kysely
        .with('released', (qb) =>
          qb
            .updateTable('lease')
            .set({ state: 'released', ended_at: now })
            .where('organization_id', '=', organizationId)
            .where('id', '=', leaseId)
            .where('state', '=', ACTIVE)
            .where('expires_at', '>', now)
            .returning('id'),
        )
        .insertInto('domain_event')
        .columns(['organization_id', 'type', 'at', 'subject_type', 'subject_id', 'data'])
        .expression((eb) =>
          eb
            .selectFrom('released')
            .select([
              eb.cast<string>(eb.val(organizationId), 'text').as('organization_id'),
              sql.lit(LEASE_EVENT.released).as('type'),
              eb.cast<number>(eb.val(now), 'bigint').as('at'),
              sql.lit('lease').as('subject_type'),
              'released.id as subject_id',
              eb.cast<string>(eb.val(data), 'text').as('data'),
            ]),
        ),
    ),
  );

  return {
    findKeyQuery,
    findKeyWithUsageQuery,
    findQuery,
    findWithGrantQuery,
    claimLicenseQuery,
    countSeatsQuery,
    holdsSeatQuery,
    insertQuery,
    insertEventQuery,
    insertObtainedQuery,
    supersedeQuery,
    renewQuery,
    releaseQuery,
    releaseWithEventQuery,
  };
}

export type LicensingQueries = ReturnType<typeof licensingQueries>;
