import type { FastifyPluginAsync } from 'fastify';
import { bearerAuth } from '../http/auth.js';
import { adminErrorHandler } from '../http/errors.js';
import { strictValidatorCompiler } from '../http/validation.js';
import { customerRoutes } from './customers.js';
import type { AdminDeps } from './deps.js';
import { featureRoutes } from './features.js';
import { leaseRoutes } from './leases.js';
import { licenseRoutes } from './licenses.js';
import { organizationRoutes } from './organization.js';
import { productRoutes } from './products.js';

/** The catalog admin API under /api/v1: bearer-token auth, one organization per token, JSON errors. */
export const adminApi: FastifyPluginAsync<AdminDeps> = async (app, opts) => {
  const deps: AdminDeps = { store: opts.store, clock: opts.clock, keychain: opts.keychain, endpointOf: opts.endpointOf };
  app.setValidatorCompiler(strictValidatorCompiler({ coerceText: true }));
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/json').send(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } })),
  );
  app.decorateRequest('principal', null);
  app.addHook('onRequest', bearerAuth(deps.store, deps.clock));
  for (const routes of [organizationRoutes, productRoutes, featureRoutes, customerRoutes, licenseRoutes, leaseRoutes]) {
    await app.register(routes, deps);
  }
};
