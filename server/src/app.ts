import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminApi } from './admin/index.js';
import { PasswordHashing } from './password-hashing.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { EventDispatcher } from './events/dispatcher.js';
import { Housekeeping } from './housekeeping.js';
import { healthRoutes } from './http/health.js';
import { lazySerializers } from './http/lazy-compile.js';
import { securityHeaders } from './http/security-headers.js';
import { serveWebApp } from './http/web-app.js';
import { logRequests } from './http/request-log.js';
import { Keychain } from './keys/keychain.js';
import { createLogs } from './logging.js';
import { documentRoute, nameSchemas } from './openapi.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Licensing } from './licensing/rules.js';
import { UsageHistory } from './licensing/usage-history.js';
import { UsageRecorder } from './licensing/usage-recorder.js';
import { licensingRoutes } from './licensing/routes.js';
import { LookupThrottle } from './licensing/throttle.js';
import type { Store } from './store/index.js';

export interface AppOptions {
  config: Config;
  store: Store;
  clock: Clock;
  /** A pino logger (see logging.ts), or false for none (tests); by default one at the configured level on stdout. */
  logger?: FastifyBaseLogger | false;
  /** Where the built web app is; by default the package's web/, else web/dist in this repository (`defaultWebRoot`). */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Usage history; `flush()` brings it up to date with the outbox now and samples the active leases. */
    usage: UsageRecorder;
    housekeeping: Housekeeping;
    /** The bounded queue every password hash of a request goes through. */
    passwordHashing: PasswordHashing;
    /** Delivers the outbox's events to the subscribers registered on it (webhooks, metrics). */
    events: EventDispatcher;
  }
}

const USAGE_FLUSH_MS = 30_000;
/**
 * Where the built web app is, relative to this file, which runs as src/app.ts or dist/app.js (the
 * same depth): web/ inside the server's package, where packing puts it, else the repository's
 * web/dist beside server/. The last when neither has been built.
 */
const WEB_ROOTS = ['../web', '../../web/dist'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
const defaultWebRoot = () => WEB_ROOTS.find((root) => existsSync(join(root, 'index.html'))) ?? WEB_ROOTS[WEB_ROOTS.length - 1]!;

export const VERSION = '0.1.0';

/** Builds the HTTP application from a configuration and a store. No globals: tests build as many as they like. */
export async function buildApp({ config, store, clock, logger, webRoot }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger === false ? { logger: false } : { loggerInstance: logger ?? createLogs(config.logLevel).logger }),
    // Two lines per request cost a quarter of a licensing call's throughput: see http/request-log.ts.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // Requests that arrive while closing get our own 503 (below), with Retry-After and the API's error shape.
    return503OnClosing: false,
    // Only the listed proxies (LEASEHOLD_TRUST_PROXY) may tell the client's address, which only
    // sign-in throttling and the licensing lookup limit use; identity and URLs never come from
    // request headers.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    forceCloseConnections: 'idle',
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Reply serializers are built at their first reply rather than at start (see lazy-compile.ts).
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  });

  securityHeaders(app, { https: config.publicUrl.startsWith('https:') });
  logRequests(app);

  // While closing (SIGTERM), in-flight requests finish; new ones are told to go elsewhere and come back.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    const message = 'the server is shutting down; retry shortly';
    const path = request.url;
    const body = path.startsWith('/licensing/')
      ? { [request.routeOptions.config?.resultFlag ?? 'success']: false, errorCode: null, message }
      : path.startsWith('/api/')
        ? { error: { code: 'UNAVAILABLE', message } }
        : { status: 'unavailable', message };
    return reply.code(503).header('retry-after', '1').header('connection', 'close').type('application/json').send(JSON.stringify(body));
  });

  const endpointOf = (organizationId: string) => `${config.publicUrl}/licensing/${organizationId}`;
  const keychain = new Keychain(store, clock, config.cacheTtlMs);
  const licensing = new Licensing(store, clock, { defaultLeaseSeconds: config.defaultLeaseSeconds, maxLeaseSeconds: config.maxLeaseSeconds });
  const events = new EventDispatcher(store, clock, { onError: (err, subscriber) => app.log.warn({ err, subscriber }, 'event delivery failed; it is retried') });
  app.decorate('events', events);
  // The usage history reads the lease events at each usage flush, not at every poll of the
  // dispatcher: a write transaction every 30 s rather than every second, and the history changes
  // only when a flush runs (tests flush when they mean to read it).
  const usageHistory = new UsageHistory();
  events.subscribe(usageHistory, { poll: false });
  const usage = new UsageRecorder(store, clock, () => events.catchUp(usageHistory.name));
  app.decorate('usage', usage);
  // Usage is brought up to date in the background, at most USAGE_FLUSH_MS after it happened, and once more at close.
  let flushing: NodeJS.Timeout | undefined;
  const flush = (paced = false) => usage.flush({ paced }).catch((err: unknown) => app.log.warn({ err }, 'could not write usage history'));
  app.addHook('onReady', async () => {
    // flush() catches and logs its own failure: nothing is left for the timer to handle.
    flushing = setInterval(() => void flush(true), USAGE_FLUSH_MS);
    flushing.unref();
  });
  // Housekeeping deletes leases past their retention, on every instance, in bounded batches.
  const housekeeping = new Housekeeping(store, clock, { retentionDays: config.leaseRetentionDays, eventRetentionDays: config.eventRetentionDays });
  app.decorate('housekeeping', housekeeping);
  const passwords = new PasswordHashing({ concurrency: config.passwordHashConcurrency, maxWaiting: config.passwordHashQueue });
  app.decorate('passwordHashing', passwords);
  let sweeping: NodeJS.Timeout | undefined;
  let sweep: Promise<unknown> = Promise.resolve();
  const tidy = () =>
    (sweep = housekeeping.run().then(
      (result) => result.expired + result.leases + result.sessions + result.events > 0 && app.log.info(result, 'housekeeping marked expired leases and deleted old records'),
      (err: unknown) => app.log.warn({ err }, 'housekeeping failed; it runs again later'),
    ));
  if (config.housekeepingIntervalSeconds > 0) {
    app.addHook('onReady', async () => {
      // tidy() catches and logs its own failure.
      sweeping = setInterval(() => void tidy(), config.housekeepingIntervalSeconds * 1000);
      sweeping.unref();
    });
  }
  app.addHook('onReady', async () => events.start());
  app.addHook('onClose', async () => {
    clearInterval(flushing);
    clearInterval(sweeping);
    await sweep;
    // Before the dispatcher lets go of the subscriptions, so that this instance does not take the usage history again.
    await flush();
    await events.stop();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Leasehold',
        version: VERSION,
        description:
          'The licensing API (ExaLicense-compatible) under /licensing/{organizationId}, and the admin API under /api/v1 (catalog, leases, organization, users, API tokens, audit log, usage), authenticated with `Authorization: Bearer <API token>` or, for the web app, a session cookie from `POST /api/v1/session` with the `X-CSRF-Token` header on writes.',
      },
      components: { securitySchemes: { apiToken: { type: 'http', scheme: 'bearer' } } },
    },
    transform: documentRoute,
    transformObject: (document) => ('openapiObject' in document ? nameSchemas(document.openapiObject) : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { store });

  await serveWebApp(app, webRoot ?? defaultWebRoot(), { sourceMaps: config.sourceMaps });

  const throttle = new LookupThrottle(store, clock, { failuresPerMinute: config.licensingFailuresPerMinute, blockSeconds: config.licensingBlockSeconds });
  await app.register(licensingRoutes, { prefix: '/licensing/:organizationId', licensing, keychain, throttle, endpointOf });
  await app.register(adminApi, { prefix: '/api/v1', store, clock, keychain, endpointOf, passwords, secureCookies: config.publicUrl.startsWith('https:') });
  return app;
}
