// @sqlite-only: runs the CLI server and reads everything it prints.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from './helpers.js';
import { BIN, createLicenseOver, serve, type ServerProcess } from './processes.js';

/**
 * Every secret a client sends (license key, lease code, API token, password, session cookie, CSRF
 * token) in every place it may travel (query string, body, headers), in successful and refused
 * calls; then the server's whole output is searched for each of them.
 */
async function exerciseSecrets(server: ServerProcess, org: { organizationId: string; apiToken: string; adminUsername: string; adminPassword: string }) {
  const endpoint = `${server.url}/licensing/${org.organizationId}`;
  const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({ method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const license = await createLicenseOver(server.url, org.apiToken, 5);
  const secrets: Record<string, string> = { 'license key': license.key, 'API token': org.apiToken, 'API token secret': org.apiToken.split('_').slice(2).join('_'), password: org.adminPassword };

  assert.equal((await fetch(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}`)).status, 200);
  assert.equal((await fetch(`${endpoint}/key/validate?key=${encodeURIComponent(license.key)}&key=${encodeURIComponent(license.key)}`)).status, 400, 'a refused call carries the key too');
  const obtained = (await (await fetch(`${endpoint}/lease/obtain`, json('POST', { key: license.key, clientId: 'logs' }))).json()) as { lease: string };
  secrets['lease code'] = obtained.lease;
  assert.equal((await fetch(`${endpoint}/lease/validate?lease=${encodeURIComponent(obtained.lease)}`)).status, 200);
  const renewed = (await (await fetch(`${endpoint}/lease/renew`, json('POST', { lease: obtained.lease }))).json()) as { lease: string };
  secrets['renewed lease code'] = renewed.lease;
  assert.equal(
    (await fetch(`${endpoint}/lease/release`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `lease=${encodeURIComponent(renewed.lease)}` })).status,
    200,
  );
  assert.equal((await fetch(`${server.url}/licensing/not-an-org/key/validate?key=${encodeURIComponent(license.key)}`)).status, 404);
  assert.equal((await fetch(`${server.url}/no/such/route?key=${encodeURIComponent(license.key)}&token=${org.apiToken}`)).status, 404);

  const wrongPassword = 'Wrong-Password-4bY7qZ';
  secrets['wrong password'] = wrongPassword;
  assert.equal((await fetch(`${server.url}/api/v1/session`, json('POST', { username: org.adminUsername, password: wrongPassword }))).status, 401);
  const signIn = await fetch(`${server.url}/api/v1/session`, json('POST', { username: org.adminUsername, password: org.adminPassword }));
  assert.equal(signIn.status, 200);
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  secrets['session cookie'] = cookie.split('=').slice(1).join('=');
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  secrets['CSRF token'] = csrfToken;
  assert.equal((await fetch(`${server.url}/api/v1/session`, { headers: { cookie } })).status, 200);
  assert.equal((await fetch(`${server.url}/api/v1/customers`, json('POST', { name: 'Logged' }, { cookie, 'x-csrf-token': csrfToken }))).status, 201);
  assert.equal((await fetch(`${server.url}/api/v1/customers`, json('POST', { name: 'Forged' }, { cookie, 'x-csrf-token': `${csrfToken}x` }))).status, 403);
  const newPassword = 'New-Password-9kP2wX-long-enough';
  secrets['new password'] = newPassword;
  const changed = await fetch(`${server.url}/api/v1/session/password`, json('PUT', { currentPassword: org.adminPassword, newPassword }, { cookie, 'x-csrf-token': csrfToken }));
  assert.equal(changed.status, 204, await changed.text());
  assert.equal((await fetch(`${server.url}/api/v1/customers?q=${encodeURIComponent(license.key)}`, { headers: { authorization: `Bearer ${org.apiToken}` } })).status, 200);
  assert.equal((await fetch(`${server.url}/api/v1/customers`, { headers: { authorization: `Bearer ${org.apiToken}x` } })).status, 401);
  return secrets;
}

describe('logs never carry secrets', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const level of ['trace', 'debug', 'info']) {
    it(`at --log-level ${level}`, async () => {
      const dir = tempDir();
      dirs.push(dir);
      const database = join(dir, 'leasehold.db');
      const init = spawnSync(process.execPath, [BIN, 'init', '--database', database, '--org-name', 'Logs', '--json'], { encoding: 'utf8' });
      assert.equal(init.status, 0, init.stderr);
      const org = JSON.parse(init.stdout);
      const server = await serve(['--database', database, '--no-bootstrap', '--log-level', level]);
      servers.push(server);
      const secrets = await exerciseSecrets(server, org);
      assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null });
      const output = server.output();
      if (level !== 'info') assert.match(output, /"reqId"/, 'requests were logged');
      for (const [what, secret] of Object.entries(secrets)) {
        for (const form of new Set([secret, encodeURIComponent(secret)])) {
          assert.ok(!output.includes(form), `the ${what} appears in the logs: ${output.split('\n').find((line) => line.includes(form))}`);
        }
      }
    });
  }
});
