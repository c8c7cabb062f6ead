// @sqlite-only: exercises the default single-machine SQLite deployment (files, processes, locks).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from './helpers.js';
import { BIN, serve as serveProcess, type ServerProcess } from './processes.js';

const serve = (database: string) => serveProcess(['--database', database, '--no-bootstrap']);

describe('several server processes on one SQLite database', () => {
  const dir = tempDir();
  const database = join(dir, 'shared.db');
  const servers: ServerProcess[] = [];
  let org: { organizationId: string; apiToken: string };

  before(async () => {
    // Three processes start at once on a new file: one migrates it, the others wait for its write lock.
    servers.push(...(await Promise.all([serve(database), serve(database), serve(database)])));
    const init = spawnSync(process.execPath, [BIN, 'init', '--database', database, '--org-name', 'Shared', '--json'], { encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    org = JSON.parse(init.stdout);
  });

  after(async () => {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function admin(path: string, body: unknown): Promise<{ id: string; keys: string[] }> {
    const res = await fetch(`${servers[0]!.url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201);
    return (await res.json()) as { id: string; keys: string[] };
  }

  it('gives exactly the limit of leases to obtains spread over three processes at once, and renews once', async () => {
    const product = await admin('/products', { name: 'multi' });
    const feature = await admin(`/products/${product.id}/features`, { name: 'core' });
    const customer = await admin('/customers', { name: 'Shared customer' });
    const license = await admin('/licenses', { customerId: customer.id, featureIds: [feature.id], leaseLimit: 7 });
    const key = license.keys[0]!;

    const obtains = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const res = await fetch(`${servers[i % servers.length]!.url}/licensing/${org.organizationId}/lease/obtain`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key, clientId: `c${i}` }),
        });
        return { status: res.status, body: (await res.json()) as { lease: string; errorCode: string } };
      }),
    );
    assert.deepEqual(
      obtains.filter((r) => r.status !== 200 && r.status !== 409),
      [],
      'every answer is a lease or LEASE_LIMIT_REACHED',
    );
    const granted = obtains.filter((r) => r.status === 200);
    assert.equal(granted.length, 7);
    const used = await (await fetch(`${servers[1]!.url}/licensing/${org.organizationId}/key/validate?key=${key}`)).json();
    assert.equal(used.leasesUsed, 7);

    const lease = granted[0]!.body.lease;
    const renewals = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await fetch(`${servers[i % servers.length]!.url}/licensing/${org.organizationId}/lease/renew`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ lease }),
        });
        return res.status;
      }),
    );
    assert.equal(renewals.filter((s) => s === 200).length, 1);
    assert.ok(
      renewals.every((s) => s === 200 || s === 409),
      `renewals answered ${renewals.join(',')}`,
    );
  });
});
