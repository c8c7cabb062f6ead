import { sql, type RawBuilder, type SqlBool } from 'kysely';

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
