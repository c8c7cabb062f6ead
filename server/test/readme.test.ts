// @sqlite-only: exercises the default single-machine SQLite deployment (files, processes, locks).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'server/bin/leasehold.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced code blocks of one README section, in order. */
function blocks(section: string, language: string): string[] {
  const start = README.indexOf(`## ${section}`);
  assert.ok(start >= 0, `README has a "${section}" section`);
  const end = README.indexOf('\n## ', start + 1);
  const text = README.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

describe('the README, followed by a new user', () => {
  const dir = tempDir();
  let child: ChildProcess;
  let output = '';

  before(async () => {
    child = spawn(process.execPath, [BIN, 'serve', '--database', join(dir, 'readme.db'), '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/listening on http/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
  });

  after(async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every shell command of "Use it" against a fresh server, and the offline check verifies the lease', () => {
    const url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
    const token = /API token:\s+(\S+)/.exec(output)![1]!;
    const endpoint = /licensing endpoint:\s+(\S+)/.exec(output)![1]!;
    const [setup, ...commands] = blocks('Use it', 'sh');
    assert.match(setup!, /TOKEN=.*\nEP=/, 'the first block names the two variables to set');
    const script = [
      'set -euo pipefail',
      `TOKEN='${token}'`,
      `EP='${endpoint}'`,
      ...commands.map((c) => c.replaceAll('http://127.0.0.1:8080', url)),
      'echo',
      'echo "LEASE=$LEASE"',
    ].join('\n');
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const out = run.stdout;
    assert.match(out, /"isValid":true,"errorCode":null,"expiry":null,"leaseLimit":5,"leasesUsed":0/, 'key/validate');
    assert.match(out, /"isValid":true,"errorCode":null,"expiry":"/, 'lease/validate');
    assert.match(out, /\{"success":true,"errorCode":null\}/, 'lease/release');
    assert.match(out, /-----BEGIN PUBLIC KEY-----/, 'signature.pem');
    assert.match(out, /\{"keys":\[\{/, 'jwks.json');
    const lease = /LEASE=(\S+)/.exec(out)![1]!;
    assert.notEqual(lease, 'undefined');

    const [verify] = blocks('Use it', 'js');
    const program = `const endpoint = ${JSON.stringify(endpoint)};\nconst lease = ${JSON.stringify(lease)};\n${verify}\nconsole.log(JSON.stringify(payload));`;
    const node = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(node.status, 0, node.stderr);
    const payload = JSON.parse(node.stdout);
    assert.equal(payload.iss, endpoint);
    assert.equal(payload.validFor[0].product, 'editor');
  });
});
