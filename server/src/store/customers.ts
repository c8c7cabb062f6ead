import { sql } from 'kysely';
import { nameKey } from '../names.js';
import type { Db } from './db.js';
import { ConflictError } from './errors.js';
import { containsKey, type Page, type PageRequest } from './page.js';
import type { CustomerTable } from './schema.js';
import { sorted, type SortRequest, type SortSpec } from './sort.js';

export const CUSTOMER_SORTS = ['name', 'contactName', 'contactEmail', 'createdAt', 'updatedAt'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

const customerSorts: SortSpec<CustomerSort> = {
  columns: {
    name: { expression: sql.ref('name'), text: true },
    contactName: { expression: sql.ref('contact_name'), text: true, nullable: true },
    contactEmail: { expression: sql.ref('contact_email'), text: true, nullable: true },
    createdAt: { expression: sql.ref('created_at') },
    updatedAt: { expression: sql.ref('updated_at') },
  },
  default: { sort: 'name', order: 'asc' },
  id: 'id',
};

export interface Customer {
  id: string;
  name: string;
  contactName: string | null;
  contactEmail: string | null;
  phone: string | null;
  comment: string | null;
  createdAt: number;
  updatedAt: number;
}

export type CustomerFields = Pick<Customer, 'name' | 'contactName' | 'contactEmail' | 'phone' | 'comment'>;

function toCustomer(row: CustomerTable): Customer {
  return {
    id: row.id,
    name: row.name,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    phone: row.phone,
    comment: row.comment,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toColumns(fields: Partial<CustomerFields>): Partial<CustomerTable> {
  const cols: Partial<CustomerTable> = {};
  if (fields.name !== undefined) {
    cols.name = fields.name;
    cols.name_key = nameKey(fields.name);
  }
  if (fields.contactName !== undefined) cols.contact_name = fields.contactName;
  if (fields.contactEmail !== undefined) cols.contact_email = fields.contactEmail;
  if (fields.phone !== undefined) cols.phone = fields.phone;
  if (fields.comment !== undefined) cols.comment = fields.comment;
  return cols;
}

/** Customers: the licensees. */
export class CustomerStore {
  constructor(private readonly db: Db) {}

  /** `q`: any part of the name, in any case; `name`: the whole name, in any case and without the spaces around it. */
  async list(organizationId: string, page: PageRequest & SortRequest<CustomerSort> & { q?: string; name?: string }): Promise<Page<Customer>> {
    let query = this.db.kysely.selectFrom('customer').where('organization_id', '=', organizationId);
    if (page.q) query = query.where(containsKey('name_key', page.q));
    if (page.name !== undefined) query = query.where('name_key', '=', nameKey(page.name));
    const [rows, count] = await Promise.all([
      sorted(query.selectAll(), this.db.dialect, customerSorts, page).limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toCustomer), total: Number(count.n) };
  }

  async get(organizationId: string, id: string): Promise<Customer | undefined> {
    const row = await this.db.kysely.selectFrom('customer').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    return row && toCustomer(row);
  }

  /**
   * As `get`, and on PostgreSQL locks the row until the transaction ends (SQLite's write lock
   * serialises writers anyway): the copy read is the one a change in the same transaction changes.
   */
  async getForUpdate(organizationId: string, id: string): Promise<Customer | undefined> {
    const query = this.db.kysely.selectFrom('customer').selectAll().where('organization_id', '=', organizationId).where('id', '=', id);
    const row = await (this.db.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
    return row && toCustomer(row);
  }

  async create(organizationId: string, id: string, fields: CustomerFields, now: number): Promise<Customer> {
    const row: CustomerTable = {
      id,
      organization_id: organizationId,
      name: fields.name,
      name_key: nameKey(fields.name),
      contact_name: fields.contactName,
      contact_email: fields.contactEmail,
      phone: fields.phone,
      comment: fields.comment,
      created_at: now,
      updated_at: now,
    };
    await this.db.kysely.insertInto('customer').values(row).execute();
    return toCustomer(row);
  }

  async update(organizationId: string, id: string, fields: Partial<CustomerFields>, now: number): Promise<Customer | undefined> {
    await this.db.kysely
      .updateTable('customer')
      .set({ ...toColumns(fields), updated_at: now })
      .where('organization_id', '=', organizationId)
      .where('id', '=', id)
      .execute();
    return this.get(organizationId, id);
  }

  /** Deletes a customer; refused while it still has licenses. Returns false when there was none. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.db.writeTransaction(async (trx) => {
      // PostgreSQL: lock the customer first, so that a license being created for it either commits
      // before the count below (conflict) or finds the customer gone (not found); see LicenseStore.
      if (this.db.dialect === 'postgres') {
        await trx.selectFrom('customer').select('id').where('organization_id', '=', organizationId).where('id', '=', id).forUpdate().execute();
      }
      const licenses = await trx
        .selectFrom('license')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('customer_id', '=', id)
        .where('organization_id', '=', organizationId)
        .executeTakeFirstOrThrow();
      if (Number(licenses.n) > 0) {
        const n = Number(licenses.n);
        throw new ConflictError(`the customer has ${n === 1 ? '1 license' : `${n} licenses`}; delete or move them first`, { licenses: n, filter: { customerId: id } });
      }
      const result = await trx.deleteFrom('customer').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }
}
