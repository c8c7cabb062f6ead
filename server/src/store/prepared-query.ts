import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Db } from './db.js';
import type { Database } from './schema.js';

/*
 * Queries the licensing path runs at every call, built and compiled by Kysely once rather than at
 * every call. Kysely has no public notion of a placeholder, so the query is compiled once with a
 * stand-in for each argument, and each call puts its values where the stand-ins came out. That
 * relies on Kysely handing values through to the compiled parameters unchanged, which
 * test/prepared-queries.test.ts checks for every prepared query on both dialects: it fails when a
 * Kysely version compiles a query with real values into anything else.
 */

/** A prepared query run: what it was called with and what it sent (see `observePreparedQueries`). */
export interface PreparedQueryRun {
  readonly db: Db;
  /** The function that builds the query, as given to `prepared`. */
  readonly build: (...args: readonly unknown[]) => Compilable;
  readonly args: readonly unknown[];
  /** The SQL text and parameters sent to the database. */
  readonly query: CompiledQuery;
}

export interface PreparedQueryObserver {
  /** A prepared query was made for `db` (when its store was constructed). */
  made(db: Db, build: PreparedQueryRun['build']): void;
  ran(run: PreparedQueryRun): void;
}

let observer: PreparedQueryObserver | undefined;

/**
 * Tells `observer` of every prepared query made and run from now on, until the returned function
 * is called. For tests: one check per run, on the reference held here, costs nothing otherwise.
 */
export function observePreparedQueries(next: PreparedQueryObserver): () => void {
  observer = next;
  return () => {
    if (observer === next) observer = undefined;
  };
}

/**
 * A query built and compiled once, at its first call; every call then binds its own values to the
 * same SQL text, which stays prepared (see `keepPrepared`). Building and compiling a Kysely query
 * costs about as much as running one of Leasehold's indexed lookups, so the licensing calls use
 * these. `build` receives a stand-in for each argument and must pass each one on as a plain value,
 * never branch on it. Call with the transaction to run in, or undefined for the database.
 */
export function prepared<Args extends unknown[], Row>(db: Db, build: (...args: Args) => Compilable<Row>) {
  let compiled: { query: CompiledQuery<Row>; positions: number[] } | undefined;
  const compile = () => {
    const standIns = Array.from({ length: build.length }, (_, i) => `\u0000leasehold-argument-${i}\u0000`) as unknown as Args;
    const query = build(...standIns).compile();
    const positions = query.parameters.map((value) => (standIns as unknown[]).indexOf(value));
    const unused = (standIns as unknown[]).findIndex((_, i) => !positions.includes(i));
    if (unused >= 0) throw new Error(`prepared query: argument ${unused} is not a parameter of: ${query.sql}`);
    db.keepPrepared(query.sql);
    return { query, positions };
  };
  const built = build as unknown as PreparedQueryRun['build'];
  observer?.made(db, built);
  return (executor: Kysely<Database> | undefined, ...args: Args): Promise<QueryResult<Row>> => {
    compiled ??= compile();
    const { query, positions } = compiled;
    const parameters = positions.map((position, i) => (position >= 0 ? args[position] : query.parameters[i]));
    const bound: CompiledQuery<Row> = { ...query, parameters };
    observer?.ran({ db, build: built, args, query: bound });
    return (executor ?? db.kysely).executeQuery<Row>(bound);
  };
}
