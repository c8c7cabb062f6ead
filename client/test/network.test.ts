import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LicenseClient } from '../src/index.js';
import { createLicense, names, record, seatsUsed, startServer, TcpProxy, TestClock, type LiveServer } from './support.js';

describe('a network that drops mid-way (a TCP proxy the test cuts)', () => {
  let live: LiveServer;
  let proxy: TcpProxy;
  let endpoint: string;
  before(async () => {
    live = await startServer();
    proxy = new TcpProxy(new URL(live.url));
    endpoint = `${await proxy.start()}${live.server.licensingPath}`;
  });
  after(async () => {
    await proxy.close();
    await live.close();
  });

  it('a call cut before the answer, refused or left hanging is Unavailable, never a denial', async () => {
    const license = await createLicense(live.server, { leaseLimit: 1 });
    // The library's default timeout, so that a call the server answers is never cut short by a
    // slow machine; only the call left hanging is given a short one.
    const client = new LicenseClient({ endpoint, licenseKey: license.key, clientId: 'flaky-host' });

    await proxy.cut('drop-response');
    const cut = await client.obtainLease();
    assert.ok(cut.kind === 'unavailable');
    assert.equal(cut.reason, 'network');
    assert.equal(client.lease, undefined);
    assert.equal(await seatsUsed(live.server, license.licenseId), 1, 'the server did take the seat');

    await proxy.cut('refuse');
    const refused = await client.validateKey();
    assert.ok(refused.kind === 'unavailable' && refused.reason === 'network');

    await proxy.cut('hang');
    const hung = await client.validateKey(undefined, { timeoutMs: 500 });
    assert.ok(hung.kind === 'unavailable' && hung.reason === 'timeout');

    await proxy.restore();
    const again = await client.obtainLease();
    assert.ok(again.ok, 'the same client id gets the seat whose answer it never heard');
    assert.equal(await seatsUsed(live.server, license.licenseId), 1);
    assert.ok((await client.releaseLease()).ok);
  });

  it('the keeper recovers its seat when the answer to a renewal is lost', async () => {
    const license = await createLicense(live.server, { leaseLimit: 1 });
    const clock = new TestClock(live.server.clock);
    const client = new LicenseClient({ endpoint, licenseKey: license.key, clientId: 'flaky-keeper', clock, leaseSeconds: 600 });
    const keeper = client.keeper({ random: () => 0.5, handleSignals: false });
    const log = record(keeper);
    const advance = (seconds: number) => clock.advance(seconds * 1000, () => keeper.whenIdle());
    await keeper.start();

    await proxy.cut('drop-response');
    await advance(400);
    assert.deepEqual(names(log), ['acquired', 'offline']);
    assert.equal(keeper.held, true);

    await proxy.restore();
    await advance(1);
    // The server renewed (superseding the lease the keeper holds) but the keeper never heard: its
    // retry meets LEASE_RELEASED and it obtains again under the same client id, which gets it
    // another lease on the seat that the renewed lease it never heard of holds.
    assert.deepEqual(names(log), ['acquired', 'offline', 'online', 'acquired']);
    assert.equal(log[3]![1].replaced, 'LEASE_RELEASED');
    assert.equal(keeper.held, true);
    assert.equal(await seatsUsed(live.server, license.licenseId), 1, 'no seat leaked');
    assert.deepEqual(await keeper.stop(), { released: true });
    // The lease whose code never arrived cannot be released: it holds the seat until it expires.
    assert.equal(await seatsUsed(live.server, license.licenseId), 1);
    await advance(600);
    assert.equal(await seatsUsed(live.server, license.licenseId), 0);
  });

  it('the keeper holds its seat while connections are cut for less than the lease', async () => {
    const license = await createLicense(live.server, { leaseLimit: 1 });
    const clock = new TestClock(live.server.clock);
    const client = new LicenseClient({ endpoint, licenseKey: license.key, clientId: 'flaky-keeper-2', clock, leaseSeconds: 600 });
    const keeper = client.keeper({ random: () => 0.5, handleSignals: false });
    const log = record(keeper);
    const advance = (seconds: number) => clock.advance(seconds * 1000, () => keeper.whenIdle());
    await keeper.start();
    await advance(300);
    await proxy.cut('refuse');
    for (let t = 0; t < 250; t += 50) {
      await advance(50);
      assert.equal(keeper.held, true, `held at ${300 + t + 50} s`);
    }
    assert.deepEqual(names(log), ['acquired', 'offline']);
    await proxy.restore();
    await advance(60);
    assert.deepEqual(names(log), ['acquired', 'offline', 'online', 'renewed']);
    assert.equal(keeper.held, true);
    assert.equal(await seatsUsed(live.server, license.licenseId), 1);
    await keeper.stop();
  });
});
