import BetterSqlite3 from 'better-sqlite3';
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseConfig } from '../src/store/index.js';

/**
 * What someone who copied the database holds: for SQLite the raw bytes of the file and its WAL,
 * after a checkpoint (and before one, as a backup of a live file may be taken); for PostgreSQL
 * every row of every table of the schema, as text.
 */
export async function copyOfDatabase(config: DatabaseConfig): Promise<Buffer> {
  if (config.kind === 'sqlite') {
    const files = () => [config.path, `${config.path}-wal`].filter(existsSync).map((f) => readFileSync(f));
    const live = files();
    const other = new BetterSqlite3(config.path);
    try {
      other.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      other.close();
    }
    return Buffer.concat([...live, ...files()]);
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'")).rows;
    const rows: string[] = [];
    for (const { name } of tables) rows.push(...(await client.query<{ row: string }>(`select t::text as row from "${name}" t`)).rows.map((r) => r.row));
    return Buffer.from(rows.join('\n'));
  } finally {
    await client.end();
  }
}

/** The ways a private key in PEM could show in a copy: each base64 line of its body, and its DER bytes. */
export function tracesOfPrivateKey(pem: string): Buffer[] {
  const lines = pem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
  return [...lines.map((line) => Buffer.from(line)), createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' })];
}

/** Reads one column of every row of a table from the database, as the copy holds it. */
export async function readColumn(config: DatabaseConfig, table: string, column: string): Promise<{ id: string; value: string }[]> {
  if (config.kind === 'sqlite') {
    const db = new BetterSqlite3(config.path, { readonly: true });
    try {
      return db.prepare(`select id, ${column} as value from ${table}`).all() as { id: string; value: string }[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    return (await client.query<{ id: string; value: string }>(`select id, ${column} as value from ${table}`)).rows;
  } finally {
    await client.end();
  }
}
