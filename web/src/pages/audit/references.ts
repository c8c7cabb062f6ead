import type { AuditReference } from '../../api/types';

export type ReferenceType = AuditReference['type'];
/** Finds a record an audit page named, by kind and id. */
export type ReferenceLookup = (type: string, id: string) => AuditReference | undefined;

export function referenceLookup(references: readonly AuditReference[] | undefined): ReferenceLookup {
  const byKey = new Map((references ?? []).map((r) => [`${r.type}:${r.id}`, r]));
  return (type, id) => byKey.get(`${type}:${id}`);
}

/** Where a record that still exists is shown in the app; products and features share the catalog page, accounts and tokens the settings. */
export function pathOf(ref: AuditReference): string | undefined {
  if (!ref.exists) return undefined;
  switch (ref.type) {
    case 'customer':
      return `/customers/${encodeURIComponent(ref.id)}`;
    case 'license':
      return `/licenses/${encodeURIComponent(ref.id)}`;
    case 'product':
    case 'feature':
      return '/products';
    case 'user':
    case 'token':
    case 'organization':
      return '/settings';
  }
}
