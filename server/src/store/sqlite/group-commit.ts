import { sql, type Kysely } from 'kysely';
import type { Db } from '../db.js';
import type { Database } from '../schema.js';
import type { SqliteConnection } from './connection.js';

/*
 * SQLite allows one writer at a time and a durable commit costs a flush to disk: write
 * transactions that queue up while one runs share the next commit, so that writes under load
 * share the flush instead of waiting for one each.
 */

/** Write transactions that may share one SQLite transaction (see `groupCommit`). */
const GROUP_MAX = 32;

interface PendingWrite {
  fn: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * SQLite write transactions with group commit. Each runs on the one connection inside
 * BEGIN IMMEDIATE ... COMMIT, which takes the file's write lock up front, so two processes can
 * never both read "4 of 5 seats used" and both insert. The write transactions that arrive while
 * one runs are queued and then share the next transaction, each inside a savepoint: one that fails
 * is rolled back to its savepoint alone, and each caller hears of its outcome only once COMMIT
 * has made it durable. A commit writes every page it changed to the WAL, and the pages that
 * several writes touch (the ends of the time indexes, the table) are then written once for all:
 * durable writes under load cost less. They still run one after the other, each seeing the
 * writes before it, exactly as in separate transactions.
 */
export function groupCommit(kysely: Kysely<Database>, handle: SqliteConnection, reopen: () => void): Db['writeTransaction'] {
  const queue: PendingWrite[] = [];
  let running = false;

  /**
   * Runs the writes queued when the connection is free in one transaction; settles every write
   * of them, or puts the unstarted ones back in the queue. The group is taken only once the
   * connection is ours: the writes that arrived while it was busy join it.
   */
  const runGroup = (taken: PendingWrite[]) =>
    kysely.connection().execute(async (conn) => {
      // The connection is ours and idle: a faulty one is replaced before the next writes, so that
      // service resumes without a restart once the file is writable again. While the fault lasts
      // each group reopens it, a cost only while writes fail anyway.
      if (handle.faulted) {
        try {
          reopen();
        } catch {
          // Cannot open the file now either: the writes below fail and tell why; try again later.
        }
      }
      const native = handle.native;
      const group = queue.splice(0, GROUP_MAX);
      taken.push(...group);
      const run = (text: string) => sql.raw(text).execute(conn);
      // Undoes the whole transaction: the writes done so far fail with `err`, those not started go to the next group.
      const abandon = async (err: unknown, done: PendingWrite[], rest: PendingWrite[]) => {
        if (native.inTransaction) await run('rollback').catch(() => undefined);
        for (const write of done) write.reject(err);
        queue.unshift(...rest);
      };
      try {
        await run('begin immediate');
      } catch (err) {
        for (const write of group) write.reject(err);
        return;
      }
      // Alone, a write needs no savepoint: its failure rolls the transaction back.
      const alone = group.length === 1;
      const done: { write: PendingWrite; result: unknown }[] = [];
      for (let i = 0; i < group.length; i++) {
        const write = group[i]!;
        try {
          if (!alone) await run('savepoint leasehold_write');
          const result = await write.fn(conn);
          if (!alone) await run('release leasehold_write');
          done.push({ write, result });
        } catch (err) {
          write.reject(err);
          if (alone) {
            await abandon(err, [], []);
            return;
          }
          try {
            // SQLite may have rolled the whole transaction back itself (a full disk, an I/O error).
            if (!native.inTransaction) throw err;
            await run('rollback to leasehold_write');
            await run('release leasehold_write');
          } catch {
            await abandon(
              err,
              done.map((d) => d.write),
              group.slice(i + 1),
            );
            return;
          }
        }
      }
      try {
        await run('commit');
      } catch (err) {
        await abandon(
          err,
          done.map((d) => d.write),
          [],
        );
        return;
      }
      for (const { write, result } of done) write.resolve(result);
    });

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const group: PendingWrite[] = [];
        await runGroup(group).catch((err: unknown) => {
          // No connection (the database is closing) or a fault: the writes of the group that are
          // still pending fail (a settled one ignores this), and so do all those waiting, rather
          // than wait forever or be retried in a loop.
          for (const write of [...group, ...queue.splice(0)]) write.reject(err);
        });
      }
    } finally {
      running = false;
    }
  }

  return <T>(fn: (trx: Kysely<Database>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!running) {
        running = true;
        // The first write waits for the event loop's next turn: better-sqlite3 answers at once, so
        // without it every request would finish its write before the next one is even read, and
        // no two writes would ever share a commit.
        setImmediate(() => void drain());
      }
    });
}
