import { sql } from 'kysely';
import type { SecretBox } from '../keys/secret-box.js';
import type { Db, Dialect } from './db.js';
import { isUnavailable } from './db-errors.js';
import { migrate } from './migrate.js';
import { openPostgres } from './postgres/open-postgres.js';
import { openSqlite, type SqliteSynchronous } from './sqlite/open-sqlite.js';
import { CustomerStore } from './customers.js';
import { LeaseStore } from './leases.js';
import { LicenseStore } from './licenses.js';
import { OrganizationStore } from './organizations.js';
import { ProductStore } from './products.js';
import { SigningKeyStore } from './signing-keys.js';
import { TokenStore } from './tokens.js';
import { AuditReferenceStore } from './audit-references.js';
import { AuditStore } from './audit.js';
import { UsageStore } from './usage.js';
import { UserStore } from './users.js';
import { LoginThrottleStore } from './login-throttle.js';
import { ensureKeyIndex } from './key-search-index.js';
import { ensureSealed, resealSecrets, type SecretsSource } from './sealing.js';
import { LicensingThrottleStore } from './licensing-throttle.js';
import { EventStore } from './events.js';
import { EventSubscriptionStore } from './event-subscriptions.js';
import { transactionDb } from './transaction.js';

export { ConflictError, NotFoundError, type RelatedLicenses } from './errors.js';
export { isForeignKeyViolation, isStorageFault, isUnavailable } from './db-errors.js';
export type { SqliteSynchronous } from './sqlite/open-sqlite.js';
export { classifyFault, type Fault } from './faults.js';
export { SealingKeyMismatch, type SecretsSource } from './sealing.js';
export type { Page, PageRequest } from './page.js';
export type { FailureCount, FailurePolicy } from './licensing-throttle.js';
export type { DomainEvent, EventCursor, NewDomainEvent } from './events.js';

/** Where the data lives. */
export type DatabaseConfig =
  | {
      kind: 'sqlite';
      path: string;
      /** How long a write waits for another process's write lock before the request answers 503. */
      busyTimeoutMs?: number;
      /** `full` (default): every commit is flushed to disk before it is answered; `normal`: only at checkpoints. */
      synchronous?: SqliteSynchronous;
    }
  | {
      kind: 'postgres';
      /** postgres://user:password@host:port/database[?options=-c search_path=schema] */
      url: string;
      poolSize?: number;
      connectTimeoutMs?: number;
    };

/** The database named for people: the file, or the PostgreSQL server and database without credentials. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.kind === 'sqlite') return config.path;
  try {
    const url = new URL(config.url);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return 'postgres';
  }
}

/** Everything Leasehold keeps, grouped by concept. Only this layer knows SQL and the dialect. */
export class Store {
  readonly organizations: OrganizationStore;
  readonly signingKeys: SigningKeyStore;
  readonly tokens: TokenStore;
  readonly customers: CustomerStore;
  readonly products: ProductStore;
  readonly licenses: LicenseStore;
  readonly leases: LeaseStore;
  readonly users: UserStore;
  readonly loginThrottle: LoginThrottleStore;
  readonly audit: AuditStore;
  readonly auditReferences: AuditReferenceStore;
  readonly usage: UsageStore;
  readonly licensingThrottle: LicensingThrottleStore;
  /** The outbox: every change's events, appended in its transaction. */
  readonly events: EventStore;
  readonly eventSubscriptions: EventSubscriptionStore;

  constructor(
    private readonly db: Db,
    /** The key-encryption key's box: private keys and key codes are sealed under it. */
    readonly secrets: SecretBox,
  ) {
    this.organizations = new OrganizationStore(db, secrets);
    this.signingKeys = new SigningKeyStore(db, secrets);
    this.tokens = new TokenStore(db);
    this.customers = new CustomerStore(db);
    this.products = new ProductStore(db);
    this.licenses = new LicenseStore(db, secrets);
    this.leases = new LeaseStore(db, secrets);
    this.users = new UserStore(db);
    this.loginThrottle = new LoginThrottleStore(db);
    this.audit = new AuditStore(db);
    this.auditReferences = new AuditReferenceStore(db);
    this.usage = new UsageStore(db);
    this.licensingThrottle = new LicensingThrottleStore(db);
    this.events = new EventStore(db);
    this.eventSubscriptions = new EventSubscriptionStore(db);
  }

  /**
   * Runs `fn` in one write transaction with a store bound to it: every call on `tx` is part of the
   * transaction, which commits when `fn` resolves and rolls back when it throws. The services make
   * each change, its audit entry and its events this way. Inside `fn`, use only `tx`: on SQLite the
   * transaction holds the one connection, so a call on the outer store would wait for it forever.
   * Called on a store that is already bound to a transaction, `fn` joins it.
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn(this);
    return this.db.writeTransaction((trx) => fn(new Store(transactionDb(this.db, trx), this.secrets)));
  }

  get dialect(): Dialect {
    return this.db.dialect;
  }

  /** Statements this store has sent to the database so far (BEGIN and COMMIT included). */
  get statements(): number {
    return this.db.statements.count;
  }

  /** Answers when the database does; used by the health check. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db.kysely);
  }

  /** Reseals every secret under `to` in one transaction (see sealing.ts); this store keeps using its own key after. */
  resealSecrets(to: SecretBox, now: number): Promise<{ signingKeys: number; keyCodes: number }> {
    return resealSecrets(this.db, this.secrets, to, now);
  }

  /**
   * Writes, as any change does, and leaves everything as it was: answers when the write commits
   * (flushed like every other), throws the storage fault otherwise. Used by the readiness check.
   * The row is the migrator's lock row, which Kysely's migrator creates in every migrated database
   * and which neither dialect's migration lock uses (PostgreSQL locks with an advisory lock, SQLite
   * with the write lock). It is flipped and flipped back: SQLite writes nothing for an update that
   * leaves a row's bytes as they were, but a page changed twice is written at the commit.
   */
  async probeWrite(): Promise<void> {
    const flip = sql`update leasehold_migration_lock set is_locked = 1 - is_locked where id = 'migration_lock'`;
    await this.db.writeTransaction(async (trx) => {
      await flip.execute(trx);
      await flip.execute(trx);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

export interface OpenOptions {
  /**
   * The key-encryption key: it must be the one the database's secrets are sealed with
   * (SealingKeyMismatch otherwise). A function is called once the migrations ran, with the id of
   * the key the database records (undefined for a database not sealed yet).
   */
  secrets: SecretsSource;
  onIdleError?: (err: Error) => void;
}

/**
 * Opens the database, brings its schema up to date, seals any secret still in plain text and
 * returns the store.
 */
export async function openStore(config: DatabaseConfig, options: OpenOptions): Promise<Store> {
  const db =
    config.kind === 'sqlite'
      ? openSqlite(config.path, config.busyTimeoutMs, config.synchronous)
      : openPostgres(config.url, { poolSize: config.poolSize, connectTimeoutMs: config.connectTimeoutMs, onIdleError: options.onIdleError });
  let secrets: SecretBox;
  try {
    await migrate(db);
    secrets = await ensureSealed(db, options.secrets, Date.now());
    await ensureKeyIndex(db, secrets);
  } catch (err) {
    await db.close().catch(() => undefined);
    if (isUnavailable(err)) throw new Error(`cannot reach the database ${describeDatabase(config)}: ${(err as Error).message}`, { cause: err });
    throw err;
  }
  return new Store(db, secrets);
}
