import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, NullableText, PageOf, PageQuery, SortQuery, Timestamp, pageOf } from '../http/schemas.js';
import { CUSTOMER_SORTS } from '../store/customers.js';
import { CustomerService } from '../services/customer-service.js';
import type { AdminDeps } from './deps.js';

const tags = ['customers'];

const nullable = Type.Union([Type.String(), Type.Null()]);
export const CustomerReply = Type.Object({
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
const CustomerSearch = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Any part of the name, in any case.' })),
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The whole name, in any case and without the spaces around it: the customers a new one of this name would share it with.',
    }),
  ),
};
const CustomerBody = Type.Object({ name, ...fields }, { additionalProperties: false });
const CustomerPatch = Type.Object({ name: Type.Optional(name), ...fields }, { additionalProperties: false });

/** The query fields that narrow and order the customer list, for the list and its export. */
export const CustomerQuery = { ...CustomerSearch, ...SortQuery(CUSTOMER_SORTS, 'name') };

/** Customers: who licenses are issued to. */
export const customerRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const customers = new CustomerService(deps);

  app.get(
    '/customers',
    { schema: { summary: 'List customers', tags, querystring: Type.Object({ ...PageQuery, ...CustomerQuery }), response: { 200: PageOf(CustomerReply) } } },
    async (request, reply) => {
      const page = pageOf(request.query);
      const { q, name, sort, order } = request.query;
      return { ...valueOf(await customers.list(callerOf(request), { ...page, q, name, sort, order }), reply), ...page };
    },
  );

  app.post('/customers', { schema: { summary: 'Create a customer', tags, body: CustomerBody, response: { 201: CustomerReply } } }, async (request, reply) => {
    const customer = valueOf(await customers.create(callerOf(request), request.body), reply);
    return reply.code(201).send(customer);
  });

  app.get('/customers/:id', { schema: { summary: 'Get a customer', tags, params: IdParams, response: { 200: CustomerReply } } }, async (request, reply) =>
    valueOf(await customers.get(callerOf(request), request.params.id), reply),
  );

  app.patch('/customers/:id', { schema: { summary: 'Change a customer', tags, params: IdParams, body: CustomerPatch, response: { 200: CustomerReply } } }, async (request, reply) =>
    valueOf(await customers.update(callerOf(request), request.params.id, request.body), reply),
  );

  app.delete('/customers/:id', { schema: { summary: 'Delete a customer (refused while it has licenses)', tags, params: IdParams } }, async (request, reply) => {
    valueOf(await customers.delete(callerOf(request), request.params.id), reply);
    return reply.code(204).send();
  });
};
