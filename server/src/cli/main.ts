import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { VERSION } from '../app.js';
import { createApiToken, createOrganization, type CreatedOrganization } from '../bootstrap.js';
import { MAX_TOKEN_LIFETIME_DAYS } from '../services/token-service.js';
import { systemClock } from '../clock.js';
import { ConfigError, parseDatabase, publicUrlFrom, resolveConfig, secretKeySource, type Config } from '../config.js';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.js';
import { loadSecretKey } from '../keys/secret-key.js';
import { openConfiguredStore, startServer } from '../server.js';
import { describeDatabase } from '../store/index.js';
import { isWorker, reportListening, runPrimary } from './cluster.js';
import type { Role, SigningAlgorithm } from '../store/schema.js';

function text(max: number) {
  return (value: string) => {
    if (value.length === 0 || value.length > max || /[\0\r\n]/.test(value)) throw new InvalidArgumentError(`must be 1..${max} characters on one line`);
    return value;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A whole number of days, 1..max. */
function days(max: number) {
  return (value: string): number => {
    const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1 && n <= max)) throw new InvalidArgumentError(`must be a whole number of days, 1..${max}`);
    return n;
  };
}

function fail(message: string, code = 2): never {
  process.stderr.write(`leasehold: ${message}\n`);
  process.exit(code);
}

const program = new Command()
  .name('leasehold')
  .description('Leasehold license server')
  .version(VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

program
  .command('serve')
  .description('run the server (migrates the database first; creates a first organization when the database has none)')
  .option('--port <port>', 'port to listen on (env PORT, default 8080)')
  .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
  .option('--database <path|url>', 'SQLite database file or postgres:// URL (env DATABASE_URL, default ./data/leasehold.db)')
  .option('--public-url <url>', 'URL clients reach this server at (env PUBLIC_URL, default http://HOST:PORT)')
  .option('--max-lease-seconds <seconds>', 'longest lease granted (env LEASEHOLD_MAX_LEASE_SECONDS, default 86400)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env LOG_LEVEL, default info)')
  .option('--org-name <name>', 'name of the organization created on first start', text(200), 'My Organization')
  .option('--no-bootstrap', 'do not create an organization when the database has none')
  .option('--workers <n>', 'server processes on this machine, sharing the port (env LEASEHOLD_WORKERS, default 1)')
  .action(async (opts: { port?: string; host?: string; database?: string; publicUrl?: string; maxLeaseSeconds?: string; logLevel?: string; orgName: string; bootstrap: boolean; workers?: string }) => {
    const config = resolveConfig(opts);
    if (config.workers > 1 && !isWorker()) {
      runPrimary({
        workers: config.workers,
        log: (message) => process.stderr.write(`leasehold: ${message}\n`),
        ready: async (url) => {
          // With --port 0 the workers share the port the system gave the first of them.
          if (!config.publicUrlGiven && config.port === 0) config.publicUrl = publicUrlFrom(undefined, config.host, Number(new URL(url).port));
          // The first organization is created once every worker holds the port, as without workers.
          let created: CreatedOrganization | undefined;
          if (opts.bootstrap) {
            const store = await openConfiguredStore(config);
            try {
              if ((await store.organizations.count()) === 0) created = await createOrganization(store, systemClock, { name: opts.orgName });
            } finally {
              await store.close();
            }
          }
          printBanner(config, url, created, config.workers);
        },
      });
      return;
    }
    const server = await startServer(config, { bootstrapOrganization: opts.bootstrap && !isWorker() ? opts.orgName : undefined });
    // Handlers before the listening line: whoever waits for that line may signal at once, and a
    // signal that comes before its handler kills the process without draining requests.
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      server.app.log.info({ signal }, 'shutting down: draining requests');
      const force = setTimeout(() => {
        server.app.log.error('shutdown took longer than 10 s; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          server.app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    // In a worker, Ctrl-C reaches the whole process group; the primary's SIGTERM decides.
    process.on('SIGINT', () => (isWorker() ? undefined : stop('SIGINT')));
    if (isWorker()) reportListening(server.url);
    else printBanner(config, server.url, server.created, 1);
  });

function printBanner(config: Config, url: string, created: CreatedOrganization | undefined, workers: number): void {
  if (created) {
    process.stdout.write(
      [
        '',
        'Leasehold created your first organization. These secrets are shown only this once:',
        `  organization:        ${created.name} (${created.organizationId})`,
        `  licensing endpoint:  ${config.publicUrl}/licensing/${created.organizationId}`,
        `  admin username:      ${created.adminUsername}`,
        `  admin password:      ${created.adminPassword}`,
        `  API token:           ${created.apiToken}`,
        '',
        '',
      ].join('\n'),
    );
  }
  const processes = workers > 1 ? `, ${workers} workers` : '';
  process.stdout.write(`Leasehold ${VERSION} listening on ${url} (public URL ${config.publicUrl}, database ${describeDatabase(config.database)}${processes})\n`);
}

program
  .command('init')
  .description('create an organization with an owner account and an API token')
  .requiredOption('--database <path|url>', 'SQLite database file (created when missing) or postgres:// URL')
  .requiredOption('--org-name <name>', 'organization name', text(200))
  .addOption(new Option('--algorithm <alg>', 'lease signing algorithm').choices([...SIGNING_ALGORITHMS]).default('ES256'))
  .option('--admin-username <name>', 'owner username (a number is added when taken)', text(100), 'admin')
  .option('--public-url <url>', 'URL clients reach the server at (env PUBLIC_URL); give serve the same')
  .option('--host <host>', 'without a public URL: the address serve will listen on (env HOST, default 127.0.0.1)')
  .option('--port <port>', 'without a public URL: the port serve will listen on (env PORT, default 8080)')
  .option('--json', 'print one JSON object instead of text')
  .addHelpText(
    'after',
    `
The licensing endpoint printed is the one serve will answer at when it is given the same public URL,
or, without one, the same --host and --port (or HOST and PORT): it is derived as serve derives it,
from --public-url, PUBLIC_URL, else http://HOST:PORT. Nothing of it is stored: a serve started with
other settings serves another URL, and GET /api/v1/organization tells the one it really serves.`,
  )
  .action(async (opts: { database: string; orgName: string; algorithm: SigningAlgorithm; adminUsername: string; publicUrl?: string; host?: string; port?: string; json?: boolean }) => {
    const config = resolveConfig({ database: opts.database, publicUrl: opts.publicUrl, host: opts.host, port: opts.port });
    // Port 0 is chosen by the system when serve starts: no endpoint printed now would be the real one.
    if (!config.publicUrlGiven && config.port === 0) fail('with port 0 serve chooses its port when it starts, so the licensing endpoint cannot be known: give --public-url (or PUBLIC_URL) or a port');
    const store = await openConfiguredStore(config);
    try {
      const c = await createOrganization(store, systemClock, { name: opts.orgName, algorithm: opts.algorithm, adminUsername: opts.adminUsername });
      const licensingEndpoint = `${config.publicUrl}/licensing/${c.organizationId}`;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ organizationId: c.organizationId, licensingEndpoint, adminUsername: c.adminUsername, adminPassword: c.adminPassword, apiToken: c.apiToken })}\n`);
      } else {
        process.stdout.write(
          `organization:        ${c.name} (${c.organizationId})\nlicensing endpoint:  ${licensingEndpoint}\nadmin username:      ${c.adminUsername}\nadmin password:      ${c.adminPassword}\nAPI token:           ${c.apiToken}\n`,
        );
      }
    } finally {
      await store.close();
    }
  });

const token = program.command('token').description('manage API tokens');
token
  .command('create')
  .description('print a new API token for an organization: an operator token, bound to no user account')
  .requiredOption('--database <path|url>', 'SQLite database file or postgres:// URL')
  .requiredOption('--org <id>', 'organization id')
  .option('--name <name>', 'what the token is for', text(200), 'cli token')
  .addOption(new Option('--role <role>', 'what the token may do').choices(['owner', 'admin', 'viewer']).default('admin'))
  .option('--expires-in <days>', `days until the token stops being accepted (1..${MAX_TOKEN_LIFETIME_DAYS}); without it the token never expires`, days(MAX_TOKEN_LIFETIME_DAYS))
  .action(async (opts: { database: string; org: string; name: string; role: Role; expiresIn?: number }) => {
    if (!UUID.test(opts.org)) fail(`--org must be an organization id, got "${opts.org}"`);
    const database = parseDatabase(opts.database);
    // A missing file is a wrong path: opening it would create and migrate an empty database there.
    if (database.kind === 'sqlite' && (database.path === ':memory:' || !existsSync(database.path))) fail(`no database at ${database.path}`, 1);
    const store = await openConfiguredStore({ database, secretKey: secretKeySource(database) });
    try {
      if (!(await store.organizations.get(opts.org))) fail(`no organization ${opts.org} in ${opts.database}`, 1);
      process.stdout.write(`${(await createApiToken(store, systemClock, opts.org, opts.name, opts.role, null, opts.expiresIn)).token}\n`);
    } finally {
      await store.close();
    }
  });

const secrets = program.command('secrets').description('manage the key that seals private signing keys and license key codes');
secrets
  .command('rotate')
  .description('reseal every secret of the database under a new key, in one transaction; stop every server first')
  .requiredOption('--database <path|url>', 'SQLite database file or postgres:// URL')
  .requiredOption('--new-key-file <path>', 'the new key: a file holding a base64 key of 32 bytes, created (0600) with a random key when missing')
  .action(async (opts: { database: string; newKeyFile: string }) => {
    const config = resolveConfig({ database: opts.database });
    if (config.database.kind === 'sqlite' && (config.database.path === ':memory:' || !existsSync(config.database.path))) fail(`no database at ${config.database.path}`, 1);
    const newKeyFile = resolve(opts.newKeyFile);
    if (config.secretKey.kind === 'file' && config.secretKey.path === newKeyFile) fail('--new-key-file names the current key file; give the new key a file of its own', 2);
    const next = loadSecretKey({ kind: 'file', path: newKeyFile }, { create: true });
    // The current key: LEASEHOLD_SECRET_KEY, LEASEHOLD_SECRET_KEY_FILE or the default file, as for serve.
    const store = await openConfiguredStore(config);
    try {
      if (store.secrets.keyId === next.keyId) fail('the new key is the current key', 2);
      const counts = await store.resealSecrets(next, systemClock.now());
      const current = config.secretKey.kind === 'file' ? `the key file ${config.secretKey.path}` : 'LEASEHOLD_SECRET_KEY';
      process.stdout.write(
        `resealed ${counts.signingKeys} signing key(s) and ${counts.keyCodes} license key code(s) under key ${next.keyId} (was ${store.secrets.keyId}).\n` +
          `Give every server the new key (${newKeyFile}) in place of ${current} before starting it again; the old key opens nothing any more.\n`,
      );
    } finally {
      await store.close();
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  const e = err as { code?: string; message?: string };
  if (e.code === 'EADDRINUSE') fail(`the port is already in use: ${e.message}`, 1);
  fail(e.message ?? String(err), 1);
});
