import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { killAll, startProcess } from '../../server/test/processes.js';
import { createLicense, seatsUsed, startServer, type LiveServer } from './support.js';

const example = fileURLToPath(new URL('../../examples/hold-a-seat/index.mjs', import.meta.url));

/** Runs a Node program with `env` added to the environment; its output is collected and can be awaited. */
const run = (args: string[], env: Record<string, string>) => startProcess(process.execPath, args, { env: { ...process.env, ...env } });

describe('the hold-a-seat example against a real server', () => {
  let live: LiveServer;
  before(async () => {
    live = await startServer();
  });
  after(async () => {
    await killAll();
    await live.close();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`holds a seat while it runs, verifies its lease offline, and gives the seat back on ${signal}`, async () => {
      const license = await createLicense(live.server, { leaseLimit: 1, product: `app-${signal}`, features: ['pro'] });
      const app = run([example], { LEASEHOLD_ENDPOINT: live.endpoint, LEASEHOLD_KEY: license.key });
      try {
        await app.waitForOutput(/lease verified offline \((ES256)/, { stream: 'any' });
        assert.match(app.output(), new RegExp(`holding a seat until .* for app-${signal} \\(pro\\)`));
        assert.equal(await seatsUsed(live.server, license.licenseId), 1);
        app.signal(signal);
        const { code, signal: by } = await app.waitForExit();
        assert.match(app.output(), /seat given back/);
        assert.equal(by, signal, 'after giving the seat back, the signal does what it would have done');
        assert.equal(code, null);
        assert.equal(await seatsUsed(live.server, license.licenseId), 0);
      } finally {
        await app.kill();
      }
    });
  }

  it('tells the user when the key is refused, and exits', async () => {
    const app = run([example], { LEASEHOLD_ENDPOINT: live.endpoint, LEASEHOLD_KEY: 'NO-SUCH-KEY' });
    const { code } = await app.waitForExit();
    assert.equal(code, 1);
    assert.match(app.output(), /license refused: KEY_INVALID/);
  });

  it('the quick start of docs/client.md holds a seat, checks a feature offline, and gives the seat back when it ends', async () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/client.md', import.meta.url)), 'utf8');
    const quickStart = /## Quick start\n\n```js\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(quickStart, 'docs/client.md has a quick start');
    assert.ok(quickStart.trim().split('\n').length <= 14, 'a dozen lines or so');
    const license = await createLicense(live.server, { leaseLimit: 1, product: 'editor', features: ['export'] });
    const program = [
      quickStart.replace(/'https:\/\/licenses\.example\.com\/licensing\/[^']+'/, JSON.stringify(live.endpoint)),
      "function enableExport() { console.log('export enabled'); }",
      "console.log('held', seat.held);",
    ].join('\n');
    const app = run(['--input-type=module', '-e', program], { LICENSE_KEY: license.key });
    const { code } = await app.waitForExit();
    assert.equal(code, 0, app.output());
    assert.match(app.output(), /export enabled\nheld true/, 'held a seat whose lease verified offline and grants editor/export');
    assert.equal(await seatsUsed(live.server, license.licenseId), 0);
  });

  it('a program that simply ends gives its seat back on the way out', async () => {
    const license = await createLicense(live.server, { leaseLimit: 1 });
    const program = `
      import { LicenseClient } from '@leasehold/client';
      const seat = new LicenseClient({ endpoint: process.env.LEASEHOLD_ENDPOINT, licenseKey: process.env.LEASEHOLD_KEY }).keeper();
      seat.on('released', () => console.log('released'));
      const state = await seat.start();
      console.log('held', state.held);`;
    const app = run(['--input-type=module', '-e', program], { LEASEHOLD_ENDPOINT: live.endpoint, LEASEHOLD_KEY: license.key });
    const { code } = await app.waitForExit();
    assert.equal(code, 0, app.output());
    assert.match(app.output(), /held true\nreleased/);
    assert.equal(await seatsUsed(live.server, license.licenseId), 0);
  });
});
