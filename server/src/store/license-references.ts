// What a license refers to must exist, and go on existing until the change that refers to it commits.
import type { Kysely } from 'kysely';
import type { Dialect } from './db.js';
import { NotFoundError } from './errors.js';
import type { Database } from './schema.js';

/**
 * Checks that the customer and features exist in the organization. On PostgreSQL the rows are
 * locked (FOR SHARE) until the transaction ends: a customer or feature being deleted at the same
 * moment either is gone before this reads it (not found) or waits and then finds the license that
 * uses it (conflict). Without the lock both checks passed and the insert failed on the foreign key.
 */
export async function checkReferences(trx: Kysely<Database>, dialect: Dialect, organizationId: string, customerId: string | undefined, featureIds: string[]): Promise<void> {
  const shared = dialect === 'postgres';
  if (customerId !== undefined) {
    const query = trx.selectFrom('customer').select('id').where('organization_id', '=', organizationId).where('id', '=', customerId);
    const customer = await (shared ? query.forShare() : query).executeTakeFirst();
    if (!customer) throw new NotFoundError(`customer ${customerId} not found`);
  }
  const unique = [...new Set(featureIds)];
  if (unique.length > 0) {
    const query = trx.selectFrom('feature').select('id').where('organization_id', '=', organizationId).where('id', 'in', unique).orderBy('id');
    const found = await (shared ? query.forShare() : query).execute();
    const missing = unique.filter((f) => !found.some((row) => row.id === f));
    if (missing.length > 0) throw new NotFoundError(`feature(s) not found: ${missing.join(', ')}`);
  }
}
