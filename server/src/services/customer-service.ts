import { randomUUID } from 'node:crypto';
import type { Customer, CustomerFields, CustomerSort } from '../store/customers.js';
import type { SortRequest } from '../store/sort.js';
import type { Page, PageRequest } from '../store/index.js';
import type { Caller } from './caller.js';
import { recordChange } from './change-log.js';
import type { ServiceDeps } from './deps.js';
import { isoTime } from './iso-time.js';
import { notFound, ok, type Outcome } from './outcome.js';
import { transact } from './transact.js';

/** A customer as the admin API, the audit log and events show it. */
export interface CustomerView {
  id: string;
  name: string;
  contactName: string | null;
  contactEmail: string | null;
  phone: string | null;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
}

export function customerView(c: Customer): CustomerView {
  return { ...c, createdAt: isoTime(c.createdAt), updatedAt: isoTime(c.updatedAt) };
}

/** A new customer: the fields not given are null. */
export type NewCustomer = Partial<CustomerFields> & { name: string };

/** Customers: who licenses are issued to. */
export class CustomerService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(caller: Caller, page: PageRequest & SortRequest<CustomerSort> & { q?: string; name?: string }): Promise<Outcome<Page<CustomerView>>> {
    const result = await this.deps.store.customers.list(caller.organizationId, page);
    return ok({ items: result.items.map(customerView), total: result.total });
  }

  async get(caller: Caller, id: string): Promise<Outcome<CustomerView>> {
    const customer = await this.deps.store.customers.get(caller.organizationId, id);
    return customer ? ok(customerView(customer)) : notFound('customer');
  }

  async create(caller: Caller, input: NewCustomer): Promise<Outcome<CustomerView>> {
    const { store, clock } = this.deps;
    const fields: CustomerFields = {
      name: input.name,
      contactName: input.contactName ?? null,
      contactEmail: input.contactEmail ?? null,
      phone: input.phone ?? null,
      comment: input.comment ?? null,
    };
    return transact(store, async (tx) => {
      const now = clock.now();
      const customer = customerView(await tx.customers.create(caller.organizationId, randomUUID(), fields, now));
      await recordChange(tx, caller, now, { action: 'create', resourceType: 'customer', resourceId: customer.id, after: customer });
      return ok(customer);
    });
  }

  /** Changes the fields given (null clears one); the customer is locked first, so that the audit log's "before" is what this change changed. */
  async update(caller: Caller, id: string, change: Partial<CustomerFields>): Promise<Outcome<CustomerView>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const now = clock.now();
      const before = await tx.customers.getForUpdate(caller.organizationId, id);
      if (!before) return notFound('customer');
      const after = await tx.customers.update(caller.organizationId, id, change, now);
      if (!after) return notFound('customer');
      const [was, is] = [customerView(before), customerView(after)];
      await recordChange(tx, caller, now, { action: 'update', resourceType: 'customer', resourceId: id, before: was, after: is });
      return ok(is);
    });
  }

  /** A conflict while the customer has licenses. */
  async delete(caller: Caller, id: string): Promise<Outcome<void>> {
    const { store, clock } = this.deps;
    return transact(store, async (tx) => {
      const before = await tx.customers.getForUpdate(caller.organizationId, id);
      if (!before || !(await tx.customers.delete(caller.organizationId, id))) return notFound('customer');
      await recordChange(tx, caller, clock.now(), { action: 'delete', resourceType: 'customer', resourceId: id, before: customerView(before) });
      return ok(undefined);
    });
  }
}
