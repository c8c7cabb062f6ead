// The order of a list: one sortable column, its direction, and the id as the tie-break, the same on both databases.
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Dialect } from './db.js';

export type SortOrder = 'asc' | 'desc';

/** How a list is ordered: a sortable column's name (per list) and the direction. */
export interface SortRequest<K extends string = string> {
  sort?: K;
  order?: SortOrder;
}

/**
 * A column a list can be sorted on. `text` columns sort by their lower-case form, then by their
 * bytes (so "apple" and "Apple" keep one order); `nullable` ones put NULL after every value in
 * ascending order (an expiry of null is "never", a limit of null is "unlimited": the largest).
 */
export interface SortColumn {
  expression: Expression<unknown> | RawBuilder<unknown>;
  text?: boolean;
  nullable?: boolean;
}

/** A list's sortable columns by name, its default, and the id column that breaks ties. */
export interface SortSpec<K extends string> {
  columns: Record<K, SortColumn>;
  /** When the request names no column. */
  default: { sort: K; order: SortOrder };
  id: string;
}

/**
 * The ORDER BY terms of `request` on `spec`. PostgreSQL compares text in the "C" collation, byte
 * by byte as SQLite does, so both databases give the same order whatever the database's locale;
 * the id comes last in the same direction, so that rows that tie keep one order and paging never
 * repeats or skips a row.
 */
export function orderTerms<K extends string>(dialect: Dialect, spec: SortSpec<K>, request: SortRequest<K>): { expression: RawBuilder<unknown>; order: SortOrder }[] {
  const sort = request.sort ?? spec.default.sort;
  const order = request.order ?? (request.sort === undefined ? spec.default.order : 'asc');
  const column = spec.columns[sort];
  const bytes = (e: Expression<unknown> | RawBuilder<unknown>) => (dialect === 'postgres' ? sql`${e} collate "C"` : sql`${e}`);
  const terms: { expression: RawBuilder<unknown>; order: SortOrder }[] = [];
  // (x is null) is false (0) for values and true (1) for NULL on both: NULLs last in ascending order.
  if (column.nullable) terms.push({ expression: sql`(${column.expression} is null)`, order });
  if (column.text) terms.push({ expression: bytes(sql`lower(${column.expression})`), order });
  terms.push({ expression: column.text ? bytes(column.expression) : sql`${column.expression}`, order });
  terms.push({ expression: bytes(sql.ref(spec.id)), order });
  return terms;
}

/** Applies `orderTerms` to a select query. */
export function sorted<DB, TB extends keyof DB, O, K extends string>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: Dialect,
  spec: SortSpec<K>,
  request: SortRequest<K>,
): SelectQueryBuilder<DB, TB, O> {
  for (const term of orderTerms(dialect, spec, request)) query = query.orderBy(term.expression, term.order);
  return query;
}
