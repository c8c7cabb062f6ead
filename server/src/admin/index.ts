import cookie from '@fastify/cookie';
import type { FastifyPluginAsync } from 'fastify';
import { authenticate } from '../http/auth.js';
import { ApiError, adminErrorHandler } from '../http/errors.js';
import { strictValidatorCompiler } from '../http/validation.js';
import { auditRoutes } from './audit.js';
import { customerRoutes } from './customers.js';
import { dashboardRoutes } from './dashboard.js';
import { exportRoutes } from './exports.js';
import type { AdminDeps } from './deps.js';
import { featureRoutes } from './features.js';
import { leaseRoutes } from './leases.js';
import { licenseBulkRoutes } from './license-bulk.js';
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
  const deps: SessionDeps = { store: opts.store, clock: opts.clock, keychain: opts.keychain, endpointOf: opts.endpointOf, passwords: opts.passwords, secureCookies: opts.secureCookies };
  await app.register(cookie);
  app.setValidatorCompiler(strictValidatorCompiler({ coerceText: true }));
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } })),
  );
  app.decorateRequest('principal', null);
  // No text Leasehold keeps may hold NUL (PostgreSQL cannot store it): refuse it in any input up front.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const field = nulField(value, part);
      if (field) throw new ApiError(400, 'VALIDATION_FAILED', 'text must not contain NUL characters', [{ field, message: 'must not contain NUL characters' }]);
    }
  });

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
      exportRoutes,
      licenseBulkRoutes,
    ];
    for (const routes of resources) await authenticated.register(routes, deps);
  });
};

/** The path of the first string in `value` that contains NUL, if any. */
function nulField(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '')}`;
    const found = nulField(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
