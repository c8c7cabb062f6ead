#!/usr/bin/env node
// An application that holds a seat of a Leasehold license while it runs, keeps it through short
// network outages, verifies its lease offline, and gives the seat back on Ctrl+C.
//
//   LEASEHOLD_ENDPOINT=http://127.0.0.1:8080/licensing/<organization id> \
//   LEASEHOLD_KEY=<license key> node examples/hold-a-seat/index.mjs
import { LicenseClient } from '@leasehold/client';

const endpoint = process.env.LEASEHOLD_ENDPOINT;
const licenseKey = process.env.LEASEHOLD_KEY;
if (!endpoint || !licenseKey) {
  console.error('Set LEASEHOLD_ENDPOINT (the licensing endpoint) and LEASEHOLD_KEY (a license key).');
  process.exit(2);
}
const log = (message) => console.log(`${new Date().toISOString()} ${message}`);

const client = new LicenseClient({ endpoint, licenseKey, leaseSeconds: Number(process.env.LEASEHOLD_LEASE_SECONDS ?? 600) });
const seat = client.keeper();

seat.on('acquired', async ({ expiry, validFor }) => {
  const products = validFor.map((p) => `${p.product} (${p.features.map((f) => f.feature).join(', ')})`).join('; ');
  log(`holding a seat until ${expiry.toISOString()} for ${products}`);
  // The lease is a signed token: check it against the organization's public key.
  const verified = await client.verifyLeaseOffline();
  log(verified.ok ? `lease verified offline (${verified.algorithm}, lease ${verified.leaseId})` : `lease NOT verified: ${verified.message}`);
});
seat.on('renewed', ({ expiry }) => log(`lease renewed until ${expiry.toISOString()}`));
seat.on('offline', ({ error, heldUntil }) => log(`license server unreachable (${error.message}); seat held until ${heldUntil?.toISOString() ?? 'none held'}`));
seat.on('online', () => log('license server reachable again'));
seat.on('lost', ({ errorCode }) => log(`seat lost (${errorCode})`));
seat.on('limitReached', ({ retryInMs }) => log(`every seat is taken; asking again in ${Math.round(retryInMs / 1000)} s`));
seat.on('released', () => log('seat given back'));
seat.on('denied', ({ errorCode, message }) => {
  log(`license refused: ${errorCode} (${message})`);
  process.exit(1);
});

await seat.start();

// The application's own work. The keeper's timers never keep the process alive; this does.
setInterval(() => log(seat.held ? 'working, seat held' : `not working: ${seat.state.status}`), 30_000);
log('running; press Ctrl+C to stop');
