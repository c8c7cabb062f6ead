import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STATE_FILE = fileURLToPath(new URL('./.server.json', import.meta.url));
const BIN = fileURLToPath(new URL('../server/bin/leasehold.js', import.meta.url));

/** Starts `leasehold serve` on a new database and records its URL and first credentials for the tests. */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-e2e-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--database', join(dir, 'e2e.db'), '--port', '0', '--log-level', 'warn', '--org-name', 'ACME Software'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on http/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(output)![1]!;
  const url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
  writeFileSync(
    STATE_FILE,
    JSON.stringify({ pid: child.pid, dir, url, endpoint: field('licensing endpoint'), username: field('admin username'), password: field('admin password'), token: field('API token') }),
  );
}
