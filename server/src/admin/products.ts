import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, Identifier, NullableText, PageOf, PageQuery, SearchQuery, SortQuery, Timestamp, pageOf } from '../http/schemas.js';
import { PRODUCT_SORTS } from '../store/products.js';
import { ProductService } from '../services/product-service.js';
import type { AdminDeps } from './deps.js';

const tags = ['products'];

export const ProductReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const ProductBody = Type.Object({ name: Identifier, description: Type.Optional(NullableText(2000)) }, { additionalProperties: false });
const ProductPatch = Type.Object({ name: Type.Optional(Identifier), description: Type.Optional(NullableText(2000)) }, { additionalProperties: false });

/** Products: the things a vendor licenses, identified to applications by `name`. */
export const productRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const products = new ProductService(deps);

  app.get(
    '/products',
    { schema: { summary: 'List products', tags, querystring: Type.Object({ ...PageQuery, ...SearchQuery, ...SortQuery(PRODUCT_SORTS, 'name') }), response: { 200: PageOf(ProductReply) } } },
    async (request, reply) => {
      const page = pageOf(request.query);
      return { ...valueOf(await products.list(callerOf(request), { ...page, q: request.query.q, sort: request.query.sort, order: request.query.order }), reply), ...page };
    },
  );

  app.post('/products', { schema: { summary: 'Create a product', tags, body: ProductBody, response: { 201: ProductReply } } }, async (request, reply) => {
    const product = valueOf(await products.create(callerOf(request), request.body), reply);
    return reply.code(201).send(product);
  });

  app.get('/products/:id', { schema: { summary: 'Get a product', tags, params: IdParams, response: { 200: ProductReply } } }, async (request, reply) =>
    valueOf(await products.get(callerOf(request), request.params.id), reply),
  );

  app.patch('/products/:id', { schema: { summary: 'Change a product', tags, params: IdParams, body: ProductPatch, response: { 200: ProductReply } } }, async (request, reply) =>
    valueOf(await products.update(callerOf(request), request.params.id, request.body), reply),
  );

  app.delete('/products/:id', { schema: { summary: 'Delete a product and its features (refused while a license grants one)', tags, params: IdParams } }, async (request, reply) => {
    valueOf(await products.delete(callerOf(request), request.params.id), reply);
    return reply.code(204).send();
  });
};
