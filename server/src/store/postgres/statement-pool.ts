import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/*
 * The pool Kysely's PostgreSQL driver is given: pg's Pool behind Kysely's public `PostgresPool`
 * interface, so that every statement the store sends passes here, where it is counted and, when
 * it is one to keep prepared, sent as a named prepared statement. Neither pg nor Kysely is patched.
 */

/** Kysely's driver sends every statement, BEGIN and COMMIT included, as `query(text, values)` on a client of this pool. */
export class StatementPool implements PostgresPool {
  /** The texts to send as named prepared statements, and their names (the same on every connection). */
  private readonly names = new Map<string, string>();
  /** One wrapper per pg client: a connection the pool hands out again is the same client, as with pg's own Pool. */
  private readonly clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  /** Statements sent so far, BEGIN and COMMIT included (see `Db.statements`). */
  readonly statements = { count: 0 };

  constructor(private readonly pool: pg.Pool) {}

  /** Sends `text` as a named prepared statement from now on, on every connection. */
  keepPrepared(text: string): void {
    if (!this.names.has(text)) this.names.set(text, `leasehold_${this.names.size + 1}`);
  }

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    let counted = this.clients.get(client);
    if (!counted) {
      counted = this.wrap(client);
      this.clients.set(client, counted);
    }
    return counted;
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  private wrap(client: pg.PoolClient): PostgresPoolClient {
    const { names, statements } = this;
    function query<R>(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(textOrCursor: string | PostgresCursor<R>, parameters?: readonly unknown[]): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      statements.count++;
      if (typeof textOrCursor !== 'string') return client.query(textOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
      const name = names.get(textOrCursor);
      const values = parameters as unknown[] | undefined;
      const result = name ? client.query({ name, text: textOrCursor, values }) : client.query(textOrCursor, values);
      return result as unknown as Promise<PostgresQueryResult<R>>;
    }
    return { query, release: (destroy) => client.release(destroy) };
  }
}
