import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../http/errors.js';
import { IdParams, NullableText, PageOf, PageQuery, SearchQuery, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { Customer, CustomerFields } from '../store/customers.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';

const tags = ['customers'];

const nullable = Type.Union([Type.String(), Type.Null()]);
const CustomerReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  contactName: nullable,
  contactEmail: nullable,
  phone: nullable,
  comment: nullable,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const fields = {
  contactName: Type.Optional(NullableText(200)),
  contactEmail: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 320 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 50, pattern: '^[0-9+()./ -]*$' }), Type.Null()])),
  comment: Type.Optional(NullableText(4000)),
};
const name = Type.String({ minLength: 1, maxLength: 200 });
const CustomerBody = Type.Object({ name, ...fields }, { additionalProperties: false });
const CustomerPatch = Type.Object({ name: Type.Optional(name), ...fields }, { additionalProperties: false });

function customerReply(c: Customer) {
  return { ...c, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) };
}

/** Customers: who licenses are issued to. */
export const customerRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, clock } = deps;
  app.get(
    '/customers',
    { schema: { summary: 'List customers', tags, querystring: Type.Object({ ...PageQuery, ...SearchQuery }), response: { 200: PageOf(CustomerReply) } } },
    async (request) => {
      const query = request.query as { limit?: number; offset?: number; q?: string };
      const page = pageOf(query);
      const result = await store.customers.list(request.principal!.organizationId, { ...page, q: query.q });
      return { items: result.items.map(customerReply), total: result.total, ...page };
    },
  );

  app.post('/customers', { schema: { summary: 'Create a customer', tags, body: CustomerBody, response: { 201: CustomerReply } } }, async (request, reply) => {
    const body = request.body as Partial<CustomerFields> & { name: string };
    const customer = await store.customers.create(
      request.principal!.organizationId,
      randomUUID(),
      { name: body.name, contactName: body.contactName ?? null, contactEmail: body.contactEmail ?? null, phone: body.phone ?? null, comment: body.comment ?? null },
      clock.now(),
    );
    await recordChange(deps, request, { action: 'create', resourceType: 'customer', resourceId: customer.id, after: customerReply(customer) });
    return reply.code(201).send(customerReply(customer));
  });

  app.get('/customers/:id', { schema: { summary: 'Get a customer', tags, params: IdParams, response: { 200: CustomerReply } } }, async (request) => {
    const customer = await store.customers.get(request.principal!.organizationId, (request.params as { id: string }).id);
    if (!customer) throw notFound('customer');
    return customerReply(customer);
  });

  app.patch(
    '/customers/:id',
    { schema: { summary: 'Change a customer', tags, params: IdParams, body: CustomerPatch, response: { 200: CustomerReply } } },
    async (request) => {
      const { organizationId } = request.principal!;
      const id = (request.params as { id: string }).id;
      const before = await store.customers.get(organizationId, id);
      if (!before) throw notFound('customer');
      const customer = await store.customers.update(organizationId, id, request.body as Partial<CustomerFields>, clock.now());
      if (!customer) throw notFound('customer');
      await recordChange(deps, request, { action: 'update', resourceType: 'customer', resourceId: id, before: customerReply(before), after: customerReply(customer) });
      return customerReply(customer);
    },
  );

  app.delete('/customers/:id', { schema: { summary: 'Delete a customer (refused while it has licenses)', tags, params: IdParams } }, async (request, reply) => {
    const { organizationId } = request.principal!;
    const id = (request.params as { id: string }).id;
    const before = await store.customers.get(organizationId, id);
    if (!before || !(await store.customers.delete(organizationId, id))) throw notFound('customer');
    await recordChange(deps, request, { action: 'delete', resourceType: 'customer', resourceId: id, before: customerReply(before) });
    return reply.code(204).send();
  });
};
