import cookie from '@fastify/cookie';
import type { FastifyPluginAsync } from 'fastify';
import { authenticate } from '../http/auth.js';
import { adminErrorHandler } from '../http/errors.js';
import { strictValidatorCompiler } from '../http/validation.js';
import { auditRoutes } from './audit.js';
import { customerRoutes } from './customers.js';
import { dashboardRoutes } from './dashboard.js';
import type { AdminDeps } from './deps.js';
import { featureRoutes } from './features.js';
import { leaseRoutes } from './leases.js';
import { licenseRoutes } from './licenses.js';
import { organizationRoutes } from './organization.js';
import { productRoutes } from './products.js';
import { sessionRoutes, signInRoutes, type SessionDeps } from './session.js';
import { tokenRoutes } from './tokens.js';
import { userRoutes } from './users.js';

/**
 * The admin API under /api/v1, for the web app and for scripts: an API token or a signed-in
 * user's session, one organization per caller, JSON errors.
 */
export const adminApi: FastifyPluginAsync<SessionDeps> = async (app, opts) => {
  const deps: SessionDeps = { store: opts.store, clock: opts.clock, keychain: opts.keychain, endpointOf: opts.endpointOf, secureCookies: opts.secureCookies };
  await app.register(cookie);
  app.setValidatorCompiler(strictValidatorCompiler({ coerceText: true }));
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/json').send(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } })),
  );
  app.decorateRequest('principal', null);

  await app.register(signInRoutes, deps);
  await app.register(async (authenticated) => {
    authenticated.addHook('onRequest', authenticate(deps.store, deps.clock));
    await authenticated.register(sessionRoutes, deps);
    const resources: FastifyPluginAsync<AdminDeps>[] = [
      organizationRoutes,
      productRoutes,
      featureRoutes,
      customerRoutes,
      licenseRoutes,
      leaseRoutes,
      userRoutes,
      tokenRoutes,
      auditRoutes,
      dashboardRoutes,
    ];
    for (const routes of resources) await authenticated.register(routes, deps);
  });
};
