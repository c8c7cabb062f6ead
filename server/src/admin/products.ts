import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../http/errors.js';
import { IdParams, Identifier, NullableText, PageOf, PageQuery, SearchQuery, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { Product } from '../store/products.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';

const tags = ['products'];

export const ProductReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const ProductBody = Type.Object(
  { name: Identifier, description: Type.Optional(NullableText(2000)) },
  { additionalProperties: false },
);
const ProductPatch = Type.Object(
  { name: Type.Optional(Identifier), description: Type.Optional(NullableText(2000)) },
  { additionalProperties: false },
);

export function productReply(p: Product) {
  return { id: p.id, name: p.name, description: p.description, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) };
}

/** Products: the things a vendor licenses, identified to applications by `name`. */
export const productRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, clock } = deps;
  app.get(
    '/products',
    { schema: { summary: 'List products', tags, querystring: Type.Object({ ...PageQuery, ...SearchQuery }), response: { 200: PageOf(ProductReply) } } },
    async (request) => {
      const query = request.query as { limit?: number; offset?: number; q?: string };
      const page = pageOf(query);
      const result = await store.products.list(request.principal!.organizationId, { ...page, q: query.q });
      return { items: result.items.map(productReply), total: result.total, ...page };
    },
  );

  app.post(
    '/products',
    { schema: { summary: 'Create a product', tags, body: ProductBody, response: { 201: ProductReply } } },
    async (request, reply) => {
      const body = request.body as { name: string; description?: string | null };
      const product = await store.products.create(request.principal!.organizationId, randomUUID(), { name: body.name, description: body.description ?? null }, clock.now());
      await recordChange(deps, request, { action: 'create', resourceType: 'product', resourceId: product.id, after: productReply(product) });
      return reply.code(201).send(productReply(product));
    },
  );

  app.get('/products/:id', { schema: { summary: 'Get a product', tags, params: IdParams, response: { 200: ProductReply } } }, async (request) => {
    const product = await store.products.get(request.principal!.organizationId, (request.params as { id: string }).id);
    if (!product) throw notFound('product');
    return productReply(product);
  });

  app.patch(
    '/products/:id',
    { schema: { summary: 'Change a product', tags, params: IdParams, body: ProductPatch, response: { 200: ProductReply } } },
    async (request) => {
      const { organizationId } = request.principal!;
      const id = (request.params as { id: string }).id;
      const before = await store.products.get(organizationId, id);
      if (!before) throw notFound('product');
      const product = await store.products.update(organizationId, id, request.body as object, clock.now());
      if (!product) throw notFound('product');
      await recordChange(deps, request, { action: 'update', resourceType: 'product', resourceId: id, before: productReply(before), after: productReply(product) });
      return productReply(product);
    },
  );

  app.delete(
    '/products/:id',
    { schema: { summary: 'Delete a product and its features (refused while a license grants one)', tags, params: IdParams } },
    async (request, reply) => {
      const { organizationId } = request.principal!;
      const id = (request.params as { id: string }).id;
      const before = await store.products.get(organizationId, id);
      if (!before || !(await store.products.delete(organizationId, id))) throw notFound('product');
      await recordChange(deps, request, { action: 'delete', resourceType: 'product', resourceId: id, before: productReply(before) });
      return reply.code(204).send();
    },
  );
};
