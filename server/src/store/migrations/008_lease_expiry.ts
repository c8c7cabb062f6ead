import { sql, type Kysely } from 'kysely';

/**
 * Housekeeping marks leases that ran out while active as `expired` and records lease.expired for
 * each. It finds them through this index, which holds active rows only: a range scan up to now
 * reaches exactly the leases still to mark, where the index on every lease's expiry would first
 * pass every lease that ended in the retention period.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('lease_active_by_expiry').on('lease').column('expires_at').where(sql.ref('state'), '=', 'active').execute();
}
