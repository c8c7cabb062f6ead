import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../http/errors.js';
import { IdParams, Identifier, NullableText, PageOf, PageQuery, SearchQuery, Timestamp, iso, pageOf } from '../http/schemas.js';
import type { Feature } from '../store/products.js';
import { recordChange } from './audit-trail.js';
import type { AdminDeps } from './deps.js';

const tags = ['features'];

const FeatureReply = Type.Object({
  id: Type.String(),
  productId: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const FeatureBody = Type.Object({ name: Identifier, description: Type.Optional(NullableText(2000)) }, { additionalProperties: false });
const FeaturePatch = Type.Object({ name: Type.Optional(Identifier), description: Type.Optional(NullableText(2000)) }, { additionalProperties: false });

function featureReply(f: Feature) {
  return { id: f.id, productId: f.productId, name: f.name, description: f.description, createdAt: iso(f.createdAt), updatedAt: iso(f.updatedAt) };
}

type ListQuery = { limit?: number; offset?: number; q?: string; productId?: string };

/** Features: the parts of a product a license can grant, identified to applications by `name`. */
export const featureRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const { store, clock } = deps;
  const list = async (organizationId: string, query: ListQuery) => {
    const page = pageOf(query);
    const result = await store.products.listFeatures(organizationId, { ...page, q: query.q, productId: query.productId });
    return { items: result.items.map(featureReply), total: result.total, ...page };
  };

  app.get(
    '/features',
    {
      schema: {
        summary: 'List features, of all products or of one',
        tags,
        querystring: Type.Object({ ...PageQuery, ...SearchQuery, productId: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: PageOf(FeatureReply) },
      },
    },
    async (request) => list(request.principal!.organizationId, request.query as ListQuery),
  );

  app.get(
    '/products/:id/features',
    { schema: { summary: "List a product's features", tags, params: IdParams, querystring: Type.Object({ ...PageQuery, ...SearchQuery }), response: { 200: PageOf(FeatureReply) } } },
    async (request) => {
      const organizationId = request.principal!.organizationId;
      const productId = (request.params as { id: string }).id;
      if (!(await store.products.get(organizationId, productId))) throw notFound('product');
      return list(organizationId, { ...(request.query as ListQuery), productId });
    },
  );

  app.post(
    '/products/:id/features',
    { schema: { summary: 'Create a feature of a product', tags, params: IdParams, body: FeatureBody, response: { 201: FeatureReply } } },
    async (request, reply) => {
      const body = request.body as { name: string; description?: string | null };
      const feature = await store.products.createFeature(
        request.principal!.organizationId,
        (request.params as { id: string }).id,
        randomUUID(),
        { name: body.name, description: body.description ?? null },
        clock.now(),
      );
      await recordChange(deps, request, { action: 'create', resourceType: 'feature', resourceId: feature.id, after: featureReply(feature) });
      return reply.code(201).send(featureReply(feature));
    },
  );

  app.get('/features/:id', { schema: { summary: 'Get a feature', tags, params: IdParams, response: { 200: FeatureReply } } }, async (request) => {
    const feature = await store.products.getFeature(request.principal!.organizationId, (request.params as { id: string }).id);
    if (!feature) throw notFound('feature');
    return featureReply(feature);
  });

  app.patch(
    '/features/:id',
    { schema: { summary: 'Change a feature', tags, params: IdParams, body: FeaturePatch, response: { 200: FeatureReply } } },
    async (request) => {
      const { organizationId } = request.principal!;
      const id = (request.params as { id: string }).id;
      const before = await store.products.getFeature(organizationId, id);
      if (!before) throw notFound('feature');
      const feature = await store.products.updateFeature(organizationId, id, request.body as object, clock.now());
      if (!feature) throw notFound('feature');
      await recordChange(deps, request, { action: 'update', resourceType: 'feature', resourceId: id, before: featureReply(before), after: featureReply(feature) });
      return featureReply(feature);
    },
  );

  app.delete('/features/:id', { schema: { summary: 'Delete a feature (refused while a license grants it)', tags, params: IdParams } }, async (request, reply) => {
    const { organizationId } = request.principal!;
    const id = (request.params as { id: string }).id;
    const before = await store.products.getFeature(organizationId, id);
    if (!before || !(await store.products.deleteFeature(organizationId, id))) throw notFound('feature');
    await recordChange(deps, request, { action: 'delete', resourceType: 'feature', resourceId: id, before: featureReply(before) });
    return reply.code(204).send();
  });
};
