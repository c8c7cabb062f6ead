import { Type, type TSchema, type TUnsafe } from 'typebox';

/** Shared pieces of the admin API's schemas. */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'Resource id.' }) });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size, 1..200.' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0, description: 'Items to skip.' })),
};

/** `sort` and `order` of a list whose sortable columns are `columns`; see store/sort.ts for how ties, NULLs and case sort. */
export function SortQuery<K extends string>(columns: readonly K[], defaultOrder: string) {
  return {
    sort: Type.Optional(StringEnum(columns, { description: `The column to sort on; ${defaultOrder} when absent.` })),
    order: Type.Optional(StringEnum(['asc', 'desc'] as const, { description: 'asc or desc: ascending when a column is named, else the default order. Rows that tie are ordered by id.' })),
  };
}

export const SearchQuery = { q: Type.Optional(Type.String({ maxLength: 200, description: 'Any part of the name, in any case.' })) };

/** The reply of a paginated list. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ description: 'Items across all pages.' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
}

/**
 * A string that is one of `values`, typed as their union. The schema stays `{ type: 'string',
 * enum }`, as the OpenAPI document and the validation messages have always had it.
 */
export function StringEnum<T extends string>(values: readonly T[], options: { description?: string } = {}): TUnsafe<T> {
  return Type.Unsafe<T>(Type.String({ ...options, enum: [...values] }));
}

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 UTC.' });
export const NullableText = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()]);

/** The identifier pattern of product and feature names: what applications check. */
export const Identifier = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$', description: 'Identifier: letters, digits, _ . -' });

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export interface PageParams {
  limit?: number;
  offset?: number;
}

export function pageOf(query: PageParams): { limit: number; offset: number } {
  return { limit: query.limit ?? 50, offset: query.offset ?? 0 };
}
