import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { nameKey } from '../names.js';

/** One page of a list, with the total across all pages. */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

/**
 * `column` contains `term`, ignoring (ASCII) case, with LIKE wildcards in the term taken literally.
 * The same SQL in SQLite and PostgreSQL: lower() on both sides and an explicit ESCAPE character.
 */
export function contains(column: string, term: string): RawBuilder<SqlBool> {
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;
}

/**
 * A name key column (see `nameKey`) contains the term's key: any part of the name, in any case,
 * alike on both databases since neither folds case here. LIKE wildcards in the term are literal.
 */
export function containsKey(column: string, term: string): RawBuilder<SqlBool> {
  const pattern = `%${nameKey(term).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
