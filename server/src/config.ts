import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { SecretKeySource } from './keys/secret-key.js';
import type { DatabaseConfig } from './store/index.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Everything the server is told, from flags and the environment, checked once. */
export interface Config {
  host: string;
  port: number;
  /** Base URL clients reach the server at; licensing endpoint URLs and lease issuers are built from it. */
  publicUrl: string;
  /** False when publicUrl was derived from host and port, so that it follows the port actually bound. */
  publicUrlGiven: boolean;
  database: DatabaseConfig;
  defaultLeaseSeconds: number;
  maxLeaseSeconds: number;
  /** How long an instance may keep using a cached signing key after it was rotated elsewhere. */
  cacheTtlMs: number;
  logLevel: LogLevel;
  /** Server processes `serve` runs on this machine (node:cluster); 1 runs no cluster. */
  workers: number;
  /** Days released, superseded and expired leases are kept before housekeeping deletes them. */
  leaseRetentionDays: number;
  /** Days outbox events are kept, once every live subscriber has passed them, before housekeeping deletes them. */
  eventRetentionDays: number;
  /** Seconds between housekeeping runs; 0 turns it off on this instance. */
  housekeepingIntervalSeconds: number;
  /** Addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For gives the client address. */
  trustProxy: string[];
  /** argon2 password hashes computed at once by one process (default: its CPU cores). */
  passwordHashConcurrency: number;
  /** Password hashes that may wait for a free place; more are answered 503 (default: twice the concurrency). */
  passwordHashQueue: number;
  /** Where the key that seals private signing keys and license key codes comes from. */
  secretKey: SecretKeySource;
  /** Failed key and lease lookups a client address may make per minute on the licensing API; 0 is no limit. */
  licensingFailuresPerMinute: number;
  /** Seconds an address that went over that limit is refused. */
  licensingBlockSeconds: number;
  /** Whether the web app's source maps (*.map) are served; off, they answer 404 even when built. */
  sourceMaps: boolean;
}

/** What the command line gives; every field may also come from the environment. */
export interface ConfigInput {
  host?: string;
  port?: string;
  database?: string;
  publicUrl?: string;
  maxLeaseSeconds?: string;
  logLevel?: string;
  workers?: string;
}

/** A setting that cannot be used, with the reason. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d{1,10}$/.test(text.trim())) throw new ConfigError(`${name} must be a whole number, got "${text}"`);
  const value = Number(text.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** An on/off setting: 1, true, yes or on; 0, false, no, off or empty. */
export function onOff(name: string, text: string | undefined): boolean {
  const value = (text ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be on or off (1 or 0), got "${text}"`);
}

export const DEFAULT_DATABASE_PATH = 'data/leasehold.db';

/** Reads a database setting: a PostgreSQL URL, or an SQLite file path (optionally `file:`-prefixed). */
export function parseDatabase(text: string | undefined, cwd = process.cwd()): DatabaseConfig {
  const value = (text ?? '').trim() || DEFAULT_DATABASE_PATH;
  if (/^postgres(ql)?:\/\//i.test(value)) {
    if (value.length > 4096) throw new ConfigError('database URL is too long');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError('database URL is not a valid postgres:// URL');
    }
    if (!url.hostname && !url.searchParams.get('host')) throw new ConfigError('database URL names no host');
    return { kind: 'postgres', url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new ConfigError(`unsupported database URL scheme in "${value}"`);
  const path = value.startsWith('file:') ? value.slice('file:'.length) : value;
  if (path.length === 0 || path.length > 4096 || path.includes('\0')) throw new ConfigError('database path is empty, too long or contains NUL');
  return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
}

export function publicUrlFrom(text: string | undefined, host: string, port: number): string {
  if (text === undefined || text.trim() === '') {
    const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ConfigError(`public URL "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('public URL must be http or https');
  if (url.search || url.hash || url.username || url.password) throw new ConfigError('public URL must not carry a query, fragment or credentials');
  const normalized = url.toString().replace(/\/+$/, '');
  // It is every lease code's issuer claim, and lease codes have a size budget (keys/lease-code.ts).
  if (normalized.length > 1024) throw new ConfigError('public URL must be at most 1024 characters');
  return normalized;
}

/** A comma-separated list of IP addresses or CIDR ranges, at most 32. */
export function parseTrustProxy(text: string): string[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length > 32) throw new ConfigError('LEASEHOLD_TRUST_PROXY lists more than 32 proxies');
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 4 ? 32 : 128;
    if (family === 0 || rest.length > 0 || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
      throw new ConfigError(`LEASEHOLD_TRUST_PROXY: "${entry}" is not an IP address or CIDR range`);
    }
  }
  return entries;
}

function withDatabaseSettings(database: DatabaseConfig, env: NodeJS.ProcessEnv): DatabaseConfig {
  if (database.kind === 'sqlite') {
    const synchronous = (env.LEASEHOLD_SQLITE_SYNCHRONOUS ?? 'full').trim().toLowerCase();
    if (synchronous !== 'full' && synchronous !== 'normal') throw new ConfigError(`LEASEHOLD_SQLITE_SYNCHRONOUS must be full or normal, got "${synchronous}"`);
    return { ...database, busyTimeoutMs: integer('SQLite busy timeout', env.LEASEHOLD_SQLITE_BUSY_TIMEOUT_MS ?? '5000', 0, 600_000), synchronous };
  }
  return {
    ...database,
    poolSize: integer('PostgreSQL pool size', env.LEASEHOLD_PG_POOL_SIZE ?? '10', 1, 1000),
    connectTimeoutMs: integer('PostgreSQL connect timeout', env.LEASEHOLD_PG_CONNECT_TIMEOUT_MS ?? '5000', 100, 600_000),
  };
}

/**
 * The key-encryption key: LEASEHOLD_SECRET_KEY (the key, base64/base64url of 32 bytes), else the
 * file LEASEHOLD_SECRET_KEY_FILE, else `leasehold.key` beside the SQLite database, or
 * ./data/leasehold.key for PostgreSQL (every instance must be given the same key).
 */
export function secretKeySource(database: DatabaseConfig, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SecretKeySource {
  const value = env.LEASEHOLD_SECRET_KEY?.trim();
  const file = env.LEASEHOLD_SECRET_KEY_FILE?.trim();
  if (value && file) throw new ConfigError('set LEASEHOLD_SECRET_KEY or LEASEHOLD_SECRET_KEY_FILE, not both');
  if (value) return { kind: 'env', name: 'LEASEHOLD_SECRET_KEY', value };
  if (file) {
    if (file.length > 4096 || file.includes('\0')) throw new ConfigError('LEASEHOLD_SECRET_KEY_FILE is too long or contains NUL');
    return { kind: 'file', path: resolve(cwd, file) };
  }
  if (database.kind === 'sqlite') return database.path === ':memory:' ? { kind: 'ephemeral' } : { kind: 'file', path: join(dirname(database.path), 'leasehold.key') };
  return { kind: 'file', path: resolve(cwd, 'data', 'leasehold.key') };
}

/** Builds the configuration from flags first, then the environment, then defaults. */
export function resolveConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const host = (input.host ?? env.HOST ?? '127.0.0.1').trim();
  if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(host)) throw new ConfigError(`host "${host}" is not a host name or address`);
  const port = integer('port', input.port ?? env.PORT ?? '8080', 0, 65535);
  const maxLeaseSeconds = integer('max lease seconds', input.maxLeaseSeconds ?? env.LEASEHOLD_MAX_LEASE_SECONDS ?? '86400', 60, 366 * 86400);
  const workers = integer('workers', input.workers ?? env.LEASEHOLD_WORKERS ?? '1', 1, 64);
  // Each worker process has its own queue: together they use the machine's cores, not each all of them.
  const defaultHashes = Math.max(1, Math.floor(availableParallelism() / workers));
  const passwordHashConcurrency = integer('password hash concurrency', env.LEASEHOLD_PASSWORD_HASH_CONCURRENCY ?? String(defaultHashes), 1, 1024);
  const logLevel = (input.logLevel ?? env.LOG_LEVEL ?? 'info').trim() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}`);
  const database = withDatabaseSettings(parseDatabase(input.database ?? env.DATABASE_URL, cwd), env);
  return {
    host,
    port,
    publicUrl: publicUrlFrom(input.publicUrl ?? env.PUBLIC_URL, host, port),
    publicUrlGiven: (input.publicUrl ?? env.PUBLIC_URL ?? '').trim() !== '',
    database,
    defaultLeaseSeconds: Math.min(600, maxLeaseSeconds),
    maxLeaseSeconds,
    cacheTtlMs: integer('cache TTL', env.LEASEHOLD_CACHE_TTL_MS ?? '5000', 0, 600_000),
    logLevel,
    workers,
    leaseRetentionDays: integer('lease retention days', env.LEASEHOLD_LEASE_RETENTION_DAYS ?? '30', 1, 36_500),
    eventRetentionDays: integer('event retention days', env.LEASEHOLD_EVENT_RETENTION_DAYS ?? '30', 1, 36_500),
    housekeepingIntervalSeconds: integer('housekeeping interval', env.LEASEHOLD_HOUSEKEEPING_INTERVAL_SECONDS ?? '3600', 0, 7 * 86_400),
    trustProxy: parseTrustProxy(env.LEASEHOLD_TRUST_PROXY ?? ''),
    passwordHashConcurrency,
    passwordHashQueue: integer('password hash queue', env.LEASEHOLD_PASSWORD_HASH_QUEUE ?? String(2 * passwordHashConcurrency), 0, 10_000),
    secretKey: secretKeySource(database, env, cwd),
    licensingFailuresPerMinute: integer('licensing failures per minute', env.LEASEHOLD_LICENSING_FAILURES_PER_MINUTE ?? '30', 0, 1_000_000),
    licensingBlockSeconds: integer('licensing block seconds', env.LEASEHOLD_LICENSING_BLOCK_SECONDS ?? '60', 1, 86_400),
    sourceMaps: onOff('LEASEHOLD_SOURCE_MAPS', env.LEASEHOLD_SOURCE_MAPS),
  };
}
