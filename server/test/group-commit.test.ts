// @sqlite-only: how SQLite write transactions share commits (store/sqlite/group-commit.ts).
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Db } from '../src/store/db.js';
import { openSqlite } from '../src/store/sqlite/open-sqlite.js';
import { tempDir } from './helpers.js';

/*
 * Write transactions that arrive while one runs share the next SQLite transaction, each in a
 * savepoint. Seen from outside they must behave exactly as separate transactions: each sees the
 * writes before it, one that fails leaves no trace and takes nothing else with it, and a caller
 * hears of success only when the write is committed.
 */
describe('SQLite write transactions under load', () => {
  let dir: string;
  let db: Db;
  /** Another connection to the same file, as another process would have. */
  let other: BetterSqlite3.Database;

  before(async () => {
    dir = tempDir();
    db = openSqlite(join(dir, 'group.db'));
    await sql`create table probe (id integer primary key, label text not null unique)`.execute(db.kysely);
    other = new BetterSqlite3(join(dir, 'group.db'), { readonly: true });
  });
  after(async () => {
    other.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sql`delete from probe`.execute(db.kysely);
  });

  const labels = () => (other.prepare('select label from probe order by id').all() as { label: string }[]).map((r) => r.label);
  const insertInto = (into: Db, label: string) => into.writeTransaction(async (trx) => sql`insert into probe (label) values (${label})`.execute(trx));
  const insert = (label: string) => insertInto(db, label);

  it('commits every one of many writes fired at once, in the order they came, each seeing those before it', async () => {
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        db.writeTransaction(async (trx) => {
          seen.push(Number((await sql<{ n: number }>`select count(*) as n from probe`.execute(trx)).rows[0]!.n));
          await sql`insert into probe (label) values (${`w${i}`})`.execute(trx);
        }),
      ),
    );
    assert.deepEqual(
      labels(),
      Array.from({ length: 100 }, (_, i) => `w${i}`),
    );
    assert.deepEqual(
      seen,
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it('writes fired together share one transaction: another connection sees none of them until all are committed', async () => {
    let visibleToOthers: string[] | undefined;
    await Promise.all([
      insert('a'),
      db.writeTransaction(async (trx) => {
        await sql`insert into probe (label) values ('b')`.execute(trx);
        // 'a' is written in this very transaction, so no other connection sees it yet.
        visibleToOthers = labels();
      }),
      insert('c'),
    ]);
    assert.deepEqual(visibleToOthers, []);
    assert.deepEqual(labels(), ['a', 'b', 'c']);
  });

  it('answers a caller only once its write is committed', async () => {
    await Promise.all(
      ['x', 'y', 'z'].map(async (label) => {
        await insert(label);
        assert.ok(labels().includes(label), `${label} is visible to another connection when its caller hears of it`);
      }),
    );
  });

  it('rolls back a write that fails, and only that one, when it shares a transaction with others', async () => {
    const outcomes = await Promise.allSettled([
      insert('one'),
      insert('two'),
      db.writeTransaction(async (trx) => {
        await sql`insert into probe (label) values ('three')`.execute(trx);
        throw new Error('the rules refused');
      }),
      // A statement that fails in the database: a duplicate label.
      insert('one'),
      insert('four'),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.match(String((outcomes[2] as PromiseRejectedResult).reason), /the rules refused/);
    assert.match(String((outcomes[3] as PromiseRejectedResult).reason), /UNIQUE/);
    assert.deepEqual(labels(), ['one', 'two', 'four']);
  });

  it('rolls back a write that fails alone, and goes on with the next', async () => {
    await assert.rejects(
      db.writeTransaction(async (trx) => {
        await sql`insert into probe (label) values ('lost')`.execute(trx);
        throw new Error('refused');
      }),
      /refused/,
    );
    await insert('kept');
    assert.deepEqual(labels(), ['kept']);
  });

  it('fails the writes of a group whose commit cannot happen, and serves the next ones', async () => {
    // A second connection holding the write lock makes BEGIN IMMEDIATE wait out the busy timeout.
    const quick = openSqlite(join(dir, 'group.db'), 50);
    const locker = new BetterSqlite3(join(dir, 'group.db'));
    try {
      locker.exec('begin immediate');
      const outcomes = await Promise.allSettled([insertInto(quick, 'p'), insertInto(quick, 'q')]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'rejected'],
      );
      assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /locked|busy/i);
      locker.exec('rollback');
      await insertInto(quick, 'r');
      assert.deepEqual(labels(), ['r']);
    } finally {
      if (locker.inTransaction) locker.exec('rollback');
      locker.close();
      await quick.close();
    }
  });
});
