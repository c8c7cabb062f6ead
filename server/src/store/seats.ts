import { sql, type RawBuilder } from 'kysely';

/**
 * Seats in use among the lease rows a query selects: leases with the same client id share one seat,
 * a lease without one is a seat of its own. The prefixes keep a client id that equals some lease id
 * from being taken for that lease's seat. Plain SQL that both dialects run alike.
 */
export function countSeats(table?: string): RawBuilder<number> {
  const column = (name: string) => sql.ref(table ? `${table}.${name}` : name);
  return sql<number>`count(distinct coalesce('c:' || ${column('client_id')}, 'l:' || ${column('id')}))`;
}
