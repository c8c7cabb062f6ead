import type { Db } from './db.js';

/** The kinds of record an audit entry names, as its target, its actor or in its values. */
export const REFERENCE_TYPES = ['organization', 'product', 'feature', 'customer', 'license', 'user', 'token'] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

export interface Reference {
  type: ReferenceType;
  id: string;
}

/** What a reference is called: its name now, or, once deleted, the last name the audit log recorded for it (null when it recorded none). */
export interface ResolvedReference extends Reference {
  name: string | null;
  exists: boolean;
}

/** The name in a record as the API shows it: `name`, or a user's `username`. */
export function nameInView(view: unknown): string | null {
  if (typeof view !== 'object' || view === null) return null;
  const { name, username } = view as { name?: unknown; username?: unknown };
  return typeof name === 'string' ? name : typeof username === 'string' ? username : null;
}

/**
 * Resolves the names of the records an audit page refers to, within one organization: a few
 * statements, one per kind of record present, whatever the page's size. Names are read now, so a
 * renamed record shows its current name; a deleted one shows the name its deletion recorded
 * (the `before` of its delete entry, written in the deletion's transaction), so the log still
 * says what it was. A license has no name of its own: it is called by its customer's.
 */
export class AuditReferenceStore {
  constructor(private readonly db: Db) {}

  async resolve(organizationId: string, references: readonly Reference[]): Promise<ResolvedReference[]> {
    const idsOf = new Map<ReferenceType, Set<string>>();
    for (const { type, id } of references) {
      let ids = idsOf.get(type);
      if (!ids) idsOf.set(type, (ids = new Set()));
      ids.add(id);
    }
    const found = new Map<string, string>();
    const k = this.db.kysely;
    await Promise.all(
      [...idsOf].map(async ([type, set]) => {
        const ids = [...set];
        let rows: { id: string; name: string }[];
        switch (type) {
          case 'organization':
            rows = ids.includes(organizationId) ? await k.selectFrom('organization').select(['id', 'name']).where('id', '=', organizationId).execute() : [];
            break;
          case 'product':
          case 'feature':
          case 'customer':
            rows = await k.selectFrom(type).select(['id', 'name']).where('organization_id', '=', organizationId).where('id', 'in', ids).execute();
            break;
          case 'license':
            rows = await k
              .selectFrom('license as l')
              .innerJoin('customer as c', 'c.id', 'l.customer_id')
              .select(['l.id as id', 'c.name as name'])
              .where('l.organization_id', '=', organizationId)
              .where('l.id', 'in', ids)
              .execute();
            break;
          case 'user':
            rows = await k.selectFrom('admin_user').select(['id', 'username as name']).where('organization_id', '=', organizationId).where('id', 'in', ids).execute();
            break;
          case 'token':
            rows = await k.selectFrom('api_token').select(['id', 'name']).where('organization_id', '=', organizationId).where('id', 'in', ids).execute();
            break;
        }
        for (const row of rows) found.set(`${type}:${row.id}`, row.name);
      }),
    );
    const gone = references.filter((r) => !found.has(`${r.type}:${r.id}`));
    const lastNames = await this.lastRecordedNames(organizationId, gone);
    const seen = new Set<string>();
    const resolved: ResolvedReference[] = [];
    for (const { type, id } of references) {
      const key = `${type}:${id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = found.get(key);
      resolved.push(name !== undefined ? { type, id, name, exists: true } : { type, id, name: lastNames.get(key) ?? null, exists: false });
    }
    return resolved;
  }

  /** The name each deleted record had when it was deleted, from its delete entry. */
  private async lastRecordedNames(organizationId: string, gone: readonly Reference[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    if (gone.length === 0) return names;
    const rows = await this.db.kysely
      .selectFrom('audit_event')
      .select(['resource_type', 'resource_id', 'before_json'])
      .where('organization_id', '=', organizationId)
      .where('action', '=', 'delete')
      .where('resource_id', 'in', [...new Set(gone.map((r) => r.id))])
      .execute();
    for (const row of rows) {
      if (row.before_json === null || row.resource_id === null) continue;
      const view = JSON.parse(row.before_json) as unknown;
      const name = nameInView(view);
      if (name !== null) names.set(`${row.resource_type}:${row.resource_id}`, name);
    }
    return names;
  }
}
