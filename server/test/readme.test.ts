// @sqlite-only: exercises the default single-machine SQLite deployment (files, processes, locks).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { tempDir } from './helpers.js';
import { serve, type ServerProcess } from './processes.js';
import { HANG_MS } from './wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
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
  let server: ServerProcess;

  before(async () => {
    server = await serve(['--database', join(dir, 'readme.db')]);
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every shell command of "Use it" against a fresh server, and the offline check verifies the lease', () => {
    const url = server.url;
    const token = /API token:\s+(\S+)/.exec(server.banner)![1]!;
    const endpoint = /licensing endpoint:\s+(\S+)/.exec(server.banner)![1]!;
    const [setup, ...commands] = blocks('Use it', 'sh');
    assert.match(setup!, /TOKEN=.*\nEP=/, 'the first block names the two variables to set');
    const script = ['set -euo pipefail', `TOKEN='${token}'`, `EP='${endpoint}'`, ...commands.map((c) => c.replaceAll('http://127.0.0.1:8080', url)), 'echo', 'echo "LEASE=$LEASE"'].join('\n');
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: HANG_MS });
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
    const node = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8', timeout: HANG_MS });
    assert.equal(node.status, 0, node.stderr);
    const payload = JSON.parse(node.stdout);
    assert.equal(payload.iss, endpoint);
    assert.equal(payload.validFor[0].product, 'editor');
  });
});
