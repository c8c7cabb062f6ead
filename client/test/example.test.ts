import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLicense, seatsUsed, startServer, type LiveServer } from './support.js';

const example = fileURLToPath(new URL('../../examples/hold-a-seat/index.mjs', import.meta.url));

/** Runs a Node program and collects its output; `waitFor` resolves when the output matches. */
function run(args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters: Array<[RegExp, () => void]> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) if (waiter[0].test(output)) (waiters.splice(waiters.indexOf(waiter), 1), waiter[1]());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    output: () => output,
    waitFor: (pattern: RegExp, ms = 20_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`)), ms);
        waiters.push([pattern, () => (clearTimeout(timer), resolve())]);
      }),
  };
}

describe('the hold-a-seat example against a real server', () => {
  let live: LiveServer;
  before(async () => {
    live = await startServer();
  });
  after(() => live.close());

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`holds a seat while it runs, verifies its lease offline, and gives the seat back on ${signal}`, async () => {
      const license = await createLicense(live.server, { leaseLimit: 1, product: `app-${signal}`, features: ['pro'] });
      const app = run([example], { LEASEHOLD_ENDPOINT: live.endpoint, LEASEHOLD_KEY: license.key });
      try {
        await app.waitFor(/lease verified offline \((ES256)/);
        assert.match(app.output(), new RegExp(`holding a seat until .* for app-${signal} \\(pro\\)`));
        assert.equal(await seatsUsed(live.server, license.licenseId), 1);
        app.child.kill(signal);
        const { code, signal: by } = await app.exited;
        assert.match(app.output(), /seat given back/);
        assert.equal(by, signal, 'after giving the seat back, the signal does what it would have done');
        assert.equal(code, null);
        assert.equal(await seatsUsed(live.server, license.licenseId), 0);
      } finally {
        app.child.kill('SIGKILL');
      }
    });
  }

  it('tells the user when the key is refused, and exits', async () => {
    const app = run([example], { LEASEHOLD_ENDPOINT: live.endpoint, LEASEHOLD_KEY: 'NO-SUCH-KEY' });
    const { code } = await app.exited;
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
    const { code } = await app.exited;
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
    const { code } = await app.exited;
    assert.equal(code, 0, app.output());
    assert.match(app.output(), /held true\nreleased/);
    assert.equal(await seatsUsed(live.server, license.licenseId), 0);
  });
});
