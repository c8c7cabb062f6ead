import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { decodeLease, LicenseClient, machineClientId } from '../src/index.js';
import { admin, createLicense, seatsUsed, startServer, type LiveServer } from './support.js';

describe('LicenseClient against a real server', () => {
  let live: LiveServer;
  let client: (options?: Partial<ConstructorParameters<typeof LicenseClient>[0]>) => LicenseClient;
  before(async () => {
    // A short SQLite busy timeout, so that a locked database answers 503 at once.
    live = await startServer({ env: { LEASEHOLD_SQLITE_BUSY_TIMEOUT_MS: '50' } });
    client = (options = {}) => new LicenseClient({ endpoint: live.endpoint, clock: { now: () => live.server.clock.now() }, ...options });
  });
  after(() => live.close());

  describe('validateKey', () => {
    it('answers what a valid key grants and how many seats are used', async () => {
      const license = await createLicense(live.server, { leaseLimit: 3, product: 'editor', features: ['export', 'print'], expiry: '2031-01-01T00:00:00.000Z' });
      const c = client({ licenseKey: license.key });
      await c.obtainLease();
      const r = await c.validateKey();
      assert.equal(r.ok, true);
      assert.equal(r.kind, 'ok');
      assert.ok(r.ok);
      assert.deepEqual(r.expiry, new Date('2031-01-01T00:00:00.000Z'));
      assert.equal(r.leaseLimit, 3);
      assert.equal(r.leasesUsed, 1);
      assert.deepEqual(
        r.validFor.map((p) => [p.product, p.features.map((f) => f.feature).sort()]),
        [['editor', ['export', 'print']]],
      );
    });

    it('answers KEY_INVALID for an unknown key and KEY_EXPIRED (with the license fields) for an expired one', async () => {
      const unknown = await client().validateKey('NO-SUCH-KEY');
      assert.equal(unknown.kind, 'denied');
      assert.ok(unknown.kind === 'denied');
      assert.equal(unknown.errorCode, 'KEY_INVALID');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.leaseLimit, null);
      assert.deepEqual(unknown.validFor, []);

      const expiry = new Date(live.server.clock.now() + 60_000);
      const license = await createLicense(live.server, { leaseLimit: 2, expiry: expiry.toISOString() });
      live.server.clock.advance(61);
      const expired = await client({ licenseKey: license.key }).validateKey();
      assert.ok(expired.kind === 'denied');
      assert.equal(expired.errorCode, 'KEY_EXPIRED');
      assert.equal(expired.status, 403);
      assert.deepEqual(expired.expiry, expiry);
      assert.equal(expired.leaseLimit, 2);
      assert.equal(expired.leasesUsed, 0);
      assert.equal(expired.validFor.length, 1);
    });

    it('answers KEY_INVALID for a key longer than any key, INVALID_REQUEST for one beyond the bound, and without a key refuses locally', async () => {
      const long = await client().validateKey('x'.repeat(257));
      assert.ok(long.kind === 'denied');
      assert.equal(long.errorCode, 'KEY_INVALID');
      assert.equal(long.status, 404);
      const huge = await client().validateKey('x'.repeat(4097));
      assert.ok(huge.kind === 'denied');
      assert.equal(huge.errorCode, 'INVALID_REQUEST');
      assert.equal(huge.status, 400);
      const none = await client().validateKey();
      assert.ok(none.kind === 'denied');
      assert.equal(none.errorCode, 'INVALID_REQUEST');
      assert.equal(none.status, null);
    });

    it('answers LICENSING_ENDPOINT_INVALID at an endpoint no organization has', async () => {
      const c = new LicenseClient({ endpoint: `${live.url}/licensing/00000000-0000-4000-8000-000000000000/`, licenseKey: 'ANY' });
      for (const r of [await c.validateKey(), await c.obtainLease(), await c.validateLease('a.b.c'), await c.renewLease({ lease: 'a.b.c' }), await c.releaseLease('a.b.c')]) {
        assert.ok(r.kind === 'denied');
        assert.equal(r.errorCode, 'LICENSING_ENDPOINT_INVALID');
        assert.equal(r.status, 404);
      }
    });
  });

  describe('obtainLease', () => {
    it('takes a seat for the lifetime asked, keeps the lease as the current one and sends the machine client id', async () => {
      const license = await createLicense(live.server, { product: 'viewer', features: ['base'] });
      const c = client({ licenseKey: license.key, leaseSeconds: 900 });
      const r = await c.obtainLease();
      assert.ok(r.ok);
      assert.equal(c.lease, r.lease);
      assert.equal(r.expiry.getTime(), live.server.clock.now() + 900_000);
      assert.equal(r.validFor[0]!.product, 'viewer');
      const claims = decodeLease(r.lease)!.claims;
      assert.equal(claims.cid, await machineClientId({ namespace: live.endpoint }));
      assert.equal(claims.cid, await c.getClientId());
      assert.equal(claims.sub, license.licenseId);

      const shorter = await c.obtainLease({ leaseSeconds: 60 });
      assert.ok(shorter.ok);
      assert.equal(shorter.expiry.getTime(), live.server.clock.now() + 60_000);
      assert.equal(await seatsUsed(live.server, license.licenseId), 1, 'the same client id gets its seat back');
    });

    it('sends the client id the application gives, or none', async () => {
      const license = await createLicense(live.server);
      const mine = await client({ licenseKey: license.key, clientId: 'workstation-7' }).obtainLease();
      assert.ok(mine.ok);
      assert.equal(decodeLease(mine.lease)!.claims.cid, 'workstation-7');
      const none = await client({ licenseKey: license.key, clientId: null }).obtainLease();
      assert.ok(none.ok);
      assert.equal(decodeLease(none.lease)!.claims.cid, undefined);
    });

    it('answers LEASE_LIMIT_REACHED when every seat is taken, KEY_INVALID and KEY_EXPIRED', async () => {
      const license = await createLicense(live.server, { leaseLimit: 1 });
      assert.ok((await client({ licenseKey: license.key, clientId: 'a' }).obtainLease()).ok);
      const full = await client({ licenseKey: license.key, clientId: 'b' }).obtainLease();
      assert.ok(full.kind === 'denied');
      assert.equal(full.errorCode, 'LEASE_LIMIT_REACHED');
      assert.equal(full.status, 409);
      assert.match(full.message, /in use/);

      const unknown = await client({ licenseKey: 'NO-SUCH-KEY' }).obtainLease();
      assert.ok(unknown.kind === 'denied');
      assert.equal(unknown.errorCode, 'KEY_INVALID');

      const ending = await createLicense(live.server, { expiry: new Date(live.server.clock.now() + 1000).toISOString() });
      live.server.clock.advance(2);
      const expired = await client({ licenseKey: ending.key }).obtainLease();
      assert.ok(expired.kind === 'denied');
      assert.equal(expired.errorCode, 'KEY_EXPIRED');
      assert.equal(expired.status, 403);

      const bad = await client({ licenseKey: license.key }).obtainLease({ leaseSeconds: -1 });
      assert.ok(bad.kind === 'denied');
      assert.equal(bad.errorCode, 'INVALID_REQUEST');
      const none = await client().obtainLease();
      assert.ok(none.kind === 'denied' && none.errorCode === 'INVALID_REQUEST' && none.status === null);
    });
  });

  describe('validateLease, renewLease and releaseLease', () => {
    it('validates the current lease, renews it into a new code for the same seat, and releases it', async () => {
      const license = await createLicense(live.server, { leaseLimit: 2 });
      const c = client({ licenseKey: license.key });
      const obtained = await c.obtainLease({ leaseSeconds: 300 });
      assert.ok(obtained.ok);

      const valid = await c.validateLease();
      assert.ok(valid.ok);
      assert.deepEqual(valid.expiry, obtained.expiry);
      assert.equal(valid.validFor.length, 1);

      live.server.clock.advance(100);
      const renewed = await c.renewLease({ leaseSeconds: 300 });
      assert.ok(renewed.ok);
      assert.notEqual(renewed.lease, obtained.lease);
      assert.equal(c.lease, renewed.lease);
      assert.equal(renewed.expiry.getTime(), live.server.clock.now() + 300_000);
      assert.equal(await seatsUsed(live.server, license.licenseId), 1);

      const old = await c.validateLease(obtained.lease);
      assert.ok(old.kind === 'denied');
      assert.equal(old.errorCode, 'LEASE_RELEASED');
      assert.equal(old.status, 409);
      const renewOld = await c.renewLease({ lease: obtained.lease });
      assert.ok(renewOld.kind === 'denied');
      assert.equal(renewOld.errorCode, 'LEASE_RELEASED');
      assert.equal(c.lease, renewed.lease, 'a failed renewal keeps the current lease');

      const released = await c.releaseLease();
      assert.ok(released.ok);
      assert.equal(c.lease, undefined);
      assert.equal(await seatsUsed(live.server, license.licenseId), 0);
      assert.ok((await c.releaseLease(renewed.lease)).ok, 'releasing again succeeds and changes nothing');
      const after = await c.validateLease(renewed.lease);
      assert.ok(after.kind === 'denied' && after.errorCode === 'LEASE_RELEASED');
    });

    it('answers LEASE_INVALID for a code the organization did not issue', async () => {
      const c = client();
      for (const r of [await c.validateLease('not-a-lease'), await c.renewLease({ lease: 'a.b.c' }), await c.releaseLease('a.b.c')]) {
        assert.ok(r.kind === 'denied');
        assert.equal(r.errorCode, 'LEASE_INVALID');
        assert.equal(r.status, 404);
      }
      for (const r of [await c.validateLease(), await c.renewLease(), await c.releaseLease()]) {
        assert.ok(r.kind === 'denied' && r.errorCode === 'INVALID_REQUEST' && r.status === null, 'no current lease: refused locally');
      }
    });

    it('answers LEASE_EXPIRED once the lease has run out, with its expiry', async () => {
      const license = await createLicense(live.server);
      const c = client({ licenseKey: license.key });
      const obtained = await c.obtainLease({ leaseSeconds: 60 });
      assert.ok(obtained.ok);
      live.server.clock.advance(61);
      const valid = await c.validateLease();
      assert.ok(valid.kind === 'denied');
      assert.equal(valid.errorCode, 'LEASE_EXPIRED');
      assert.equal(valid.status, 403);
      assert.deepEqual(valid.expiry, obtained.expiry);
      const renewed = await c.renewLease();
      assert.ok(renewed.kind === 'denied');
      assert.equal(renewed.errorCode, 'LEASE_EXPIRED');
    });

    it('answers KEY_EXPIRED when renewing a lease of an expired license, KEY_INVALID of a deleted one', async () => {
      const ending = await createLicense(live.server, { expiry: new Date(live.server.clock.now() + 100_000).toISOString() });
      const c = client({ licenseKey: ending.key });
      assert.ok((await c.obtainLease({ leaseSeconds: 600 })).ok);
      live.server.clock.advance(100);
      const expired = await c.renewLease();
      assert.ok(expired.kind === 'denied');
      assert.equal(expired.errorCode, 'KEY_EXPIRED');
      assert.equal(expired.status, 403);

      const doomed = await createLicense(live.server);
      const d = client({ licenseKey: doomed.key });
      assert.ok((await d.obtainLease()).ok);
      await admin(live.server, 'DELETE', `/api/v1/licenses/${doomed.licenseId}`, undefined, 204);
      const deleted = await d.renewLease();
      assert.ok(deleted.kind === 'denied');
      assert.equal(deleted.errorCode, 'KEY_INVALID');
      assert.equal(deleted.status, 404);
    });
  });

  describe('when the server cannot answer', () => {
    it('a 503 (database unavailable) is Unavailable with Retry-After, never a denial', async () => {
      const license = await createLicense(live.server);
      const c = client({ licenseKey: license.key });
      const path = live.server.config.database.kind === 'sqlite' ? live.server.config.database.path : '';
      const other = new BetterSqlite3(path);
      other.exec('BEGIN EXCLUSIVE');
      try {
        const r = await c.obtainLease();
        assert.equal(r.ok, false);
        assert.ok(r.kind === 'unavailable');
        assert.equal(r.reason, 'server');
        assert.equal(r.status, 503);
        assert.equal(r.retryAfterMs, 1000);
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      assert.ok((await c.obtainLease()).ok);
    });

    it('no server at all is Unavailable (network)', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as { port: number }).port;
      await new Promise((resolve) => probe.close(resolve));
      const c = new LicenseClient({ endpoint: `http://127.0.0.1:${port}/licensing/x`, licenseKey: 'K', clientId: null });
      for (const r of [await c.validateKey(), await c.obtainLease(), await c.validateLease('a.b.c'), await c.renewLease({ lease: 'a.b.c' }), await c.releaseLease('a.b.c')]) {
        assert.ok(r.kind === 'unavailable');
        assert.equal(r.reason, 'network');
        assert.equal(r.status, null);
      }
    });

    describe('a server that is not the licensing API', () => {
      let odd: Server;
      let base: string;
      before(async () => {
        odd = createServer((req, res) => {
          if (req.url!.startsWith('/hang')) return; // never answers
          if (req.url!.startsWith('/html')) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to the Wi-Fi</html>');
          if (req.url!.startsWith('/404')) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
          if (req.url!.startsWith('/500')) return void res.writeHead(500).end('{"errorCode":"KEY_INVALID"}');
          if (req.url!.startsWith('/429')) return void res.writeHead(429, { 'retry-after': '7' }).end('slow down');
          res.writeHead(418).end('{"errorCode":"SOMETHING_ELSE"}');
        });
        await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(odd.address() as { port: number }).port}`;
      });
      after(() => {
        odd.closeAllConnections();
        return new Promise((resolve) => odd.close(resolve));
      });

      it('classifies timeouts, 5xx, 429, HTML pages and unknown answers as Unavailable', async () => {
        // Only the server that never answers gets a short timeout: the others answer at once, but a
        // busy machine must not turn their answers into timeouts.
        const at = (path: string) => new LicenseClient({ endpoint: `${base}/${path}`, licenseKey: 'K', clientId: null, ...(path === 'hang' ? { timeoutMs: 300 } : {}) });
        const cases: [string, string, number | null, number | null][] = [
          ['hang', 'timeout', null, null],
          ['500', 'server', 500, null],
          ['429', 'server', 429, 7000],
          ['html', 'protocol', 200, null],
          ['404', 'protocol', 404, null],
          ['teapot', 'protocol', 418, null],
        ];
        for (const [path, reason, status, retryAfterMs] of cases) {
          const r = await at(path).validateKey();
          assert.ok(r.kind === 'unavailable', path);
          assert.equal(r.reason, reason, path);
          assert.equal(r.status, status, path);
          assert.equal(r.retryAfterMs, retryAfterMs, path);
        }
      });
    });
  });
});
