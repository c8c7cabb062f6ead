import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { createOrganization, type CreatedOrganization } from './bootstrap.js';
import { systemClock, type Clock } from './clock.js';
import { publicUrlFrom, type Config } from './config.js';
import { loadSecretKey, MissingKeyFile, type SecretKeySource } from './keys/secret-key.js';
import { createLogs } from './logging.js';
import { openStore, SealingKeyMismatch, type Store } from './store/index.js';

/** How long closing waits for buffered log lines to be written: an output nobody reads must not hold the exit. */
const LOG_FLUSH_MS = 1000;

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** Set when this start created the first organization. */
  created?: CreatedOrganization;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

function describeSecretKey(source: SecretKeySource): string {
  if (source.kind === 'env') return source.name;
  if (source.kind === 'file') return `the key file ${source.path}`;
  return 'a new key (in-memory database)';
}

/**
 * Opens the store with the configured key-encryption key, loaded once the database said which key
 * sealed it: the key file is created only for a database that has none yet, so a start that
 * cannot reach its database creates nothing, and a lost key file is reported, never replaced. A
 * key that is not the one the database's secrets are sealed with fails here, with a message that
 * says where the key came from, rather than as failed requests later.
 */
export async function openConfiguredStore(config: Pick<Config, 'database' | 'secretKey'>, options: { onIdleError?: (err: Error) => void } = {}): Promise<Store> {
  const help = 'give Leasehold the key the database was sealed with (see LEASEHOLD_SECRET_KEY and LEASEHOLD_SECRET_KEY_FILE in docs/configuration.md)';
  try {
    return await openStore(config.database, {
      secrets: (recorded) => loadSecretKey(config.secretKey, { create: recorded === undefined }),
      onIdleError: options.onIdleError,
    });
  } catch (err) {
    if (err instanceof MissingKeyFile) throw new Error(`the database's secrets are sealed with a key, but ${err.message}: ${help}`, { cause: err });
    if (err instanceof SealingKeyMismatch) throw new Error(`${err.message}, from ${describeSecretKey(config.secretKey)}: ${help}`, { cause: err });
    throw err;
  }
}

/** Opens the database (migrating it), creates a first organization when asked and there is none, and listens. */
export async function startServer(config: Config, options: { clock?: Clock; bootstrapOrganization?: string } = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logs = createLogs(config.logLevel);
  let app: FastifyInstance | undefined;
  // A connection the database dropped while idle (restart, failover) is replaced on next use.
  const store = await openConfiguredStore(config, { onIdleError: (err) => app?.log.warn({ err: err.message }, 'database connection lost; reconnecting on next use') });
  try {
    app = await buildApp({ config, store, clock, logger: logs.logger });
    await app.listen({ port: config.port, host: config.host });
    // Only once the port is ours: a start that fails (port taken) must not leave behind an
    // organization whose secrets were never shown, which would also stop the next start creating one.
    let created: CreatedOrganization | undefined;
    if (options.bootstrapOrganization && (await store.organizations.count()) === 0) {
      created = await createOrganization(store, clock, { name: options.bootstrapOrganization });
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    // With --port 0 the derived public URL must name the port the system actually gave us.
    if (!config.publicUrlGiven && config.port === 0) config.publicUrl = publicUrlFrom(undefined, config.host, port);
    let closing: Promise<void> | undefined;
    const running = app;
    return {
      app,
      store,
      created,
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      close: () =>
        (closing ??= (async () => {
          // forceCloseConnections: 'idle' closes the connections idle when closing starts; one whose
          // request was in flight turns idle after its response and, kept alive by the client, would
          // hold the close up for the keep-alive timeout (72 s). Keep closing those as they go idle.
          const sweep = setInterval(() => running.server.closeIdleConnections(), 50);
          try {
            await running.close();
          } finally {
            clearInterval(sweep);
          }
          await store.close();
          // The last lines (the request counts, shutdown) go out unless nobody reads them.
          await logs.flush(LOG_FLUSH_MS);
        })()),
    };
  } catch (err) {
    await app?.close();
    await store.close();
    throw err;
  }
}
