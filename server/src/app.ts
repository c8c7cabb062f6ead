import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminApi } from './admin/index.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { Keychain } from './keys/keychain.js';
import { Licensing } from './licensing/rules.js';
import { licensingRoutes } from './licensing/routes.js';
import type { Store } from './store/index.js';

export interface AppOptions {
  config: Config;
  store: Store;
  clock: Clock;
  /** A pino logger, or false for none (tests). */
  logger?: FastifyBaseLogger | false;
}

export const VERSION = '0.1.0';

/** Builds the HTTP application from a configuration and a store. No globals: tests build as many as they like. */
export async function buildApp({ config, store, clock, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger === false ? { logger: false } : logger ? { loggerInstance: logger } : { logger: { level: config.logLevel } }),
    bodyLimit: 256 * 1024,
    // Identity and URLs never come from request headers, so no proxy headers are trusted.
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
  });

  const endpointOf = (organizationId: string) => `${config.publicUrl}/licensing/${organizationId}`;
  const keychain = new Keychain(store, clock, config.cacheTtlMs);
  const licensing = new Licensing(store, clock, { defaultLeaseSeconds: config.defaultLeaseSeconds, maxLeaseSeconds: config.maxLeaseSeconds });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Leasehold',
        version: VERSION,
        description:
          'The licensing API (ExaLicense-compatible) under /licensing/{organizationId}, and the catalog admin API under /api/v1, authenticated with `Authorization: Bearer <API token>`.',
      },
      components: { securitySchemes: { apiToken: { type: 'http', scheme: 'bearer' } } },
    },
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/') ? { ...(schema as object), security: [{ apiToken: [] }] } : schema,
      url,
    }),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/healthz',
    { schema: { summary: 'Health check: 200 when the server can reach its database, 503 otherwise', tags: ['health'] } },
    async (request, reply) => {
      try {
        await store.ping();
        return { status: 'ok' };
      } catch (err) {
        request.log.warn({ err }, 'health check failed');
        return reply.code(503).send({ status: 'unavailable' });
      }
    },
  );

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));

  await app.register(licensingRoutes, { prefix: '/licensing/:organizationId', licensing, keychain, endpointOf });
  await app.register(adminApi, { prefix: '/api/v1', store, clock, keychain, endpointOf });
  return app;
}
