import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, valueOf } from '../http/outcome.js';
import { IdParams, Identifier, NullableText, PageOf, PageQuery, SearchQuery, Timestamp, pageOf } from '../http/schemas.js';
import { FeatureService } from '../services/feature-service.js';
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

/** Features: the parts of a product a license can grant, identified to applications by `name`. */
export const featureRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const features = new FeatureService(deps);

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
    async (request, reply) => {
      const page = pageOf(request.query);
      const { q, productId } = request.query;
      return { ...valueOf(await features.list(callerOf(request), { ...page, q, productId }), reply), ...page };
    },
  );

  app.get(
    '/products/:id/features',
    { schema: { summary: "List a product's features", tags, params: IdParams, querystring: Type.Object({ ...PageQuery, ...SearchQuery }), response: { 200: PageOf(FeatureReply) } } },
    async (request, reply) => {
      const page = pageOf(request.query);
      return { ...valueOf(await features.listOfProduct(callerOf(request), request.params.id, { ...page, q: request.query.q }), reply), ...page };
    },
  );

  app.post('/products/:id/features', { schema: { summary: 'Create a feature of a product', tags, params: IdParams, body: FeatureBody, response: { 201: FeatureReply } } }, async (request, reply) => {
    const feature = valueOf(await features.create(callerOf(request), request.params.id, request.body), reply);
    return reply.code(201).send(feature);
  });

  app.get('/features/:id', { schema: { summary: 'Get a feature', tags, params: IdParams, response: { 200: FeatureReply } } }, async (request, reply) =>
    valueOf(await features.get(callerOf(request), request.params.id), reply),
  );

  app.patch('/features/:id', { schema: { summary: 'Change a feature', tags, params: IdParams, body: FeaturePatch, response: { 200: FeatureReply } } }, async (request, reply) =>
    valueOf(await features.update(callerOf(request), request.params.id, request.body), reply),
  );

  app.delete('/features/:id', { schema: { summary: 'Delete a feature (refused while a license grants it)', tags, params: IdParams } }, async (request, reply) => {
    valueOf(await features.delete(callerOf(request), request.params.id), reply);
    return reply.code(204).send();
  });
};
