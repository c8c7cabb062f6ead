// The database's share of each scenario: the store calls a licensing request makes, straight
// through Leasehold's store classes, with no HTTP, no parameter checks and no signing, from as many
// concurrent callers as the benchmark has connections. What a scenario reaches over HTTP can be
// read against this. Run by bench/run.mjs:
//   node --import tsx bench/store-probe.ts <sqlite path | postgres url> <organization id> <seconds> <callers> <licenses> <active leases> <scenario...>
// Prints one JSON object: { scenario: requests per second }, an obtain/release pair counting as two.
import { randomBytes, randomUUID } from 'node:crypto';
import { secretKeySource } from '../server/src/config.ts';
import { openConfiguredStore } from '../server/src/server.ts';
import type { DatabaseConfig } from '../server/src/store/index.ts';
import type { NewLease } from '../server/src/store/leases.ts';
import { keyCode, uid } from './lib/dataset.mjs';

const [database, organizationId, seconds, callers, licenses, activeLeases, ...scenarios] = process.argv.slice(2);
const config: DatabaseConfig = database!.startsWith('postgres') ? { kind: 'postgres', url: database! } : { kind: 'sqlite', path: database! };
// The run's key-encryption key comes in LEASEHOLD_SECRET_KEY (bench/run.mjs).
const store = await openConfiguredStore({ database: config, secretKey: secretKeySource(config) });
const now = () => Date.now();
const hex = () => randomBytes(32).toString('hex');

const signingKeyId = (await store.signingKeys.current(organizationId!))!.id;
/** A new lease on license `license` of the dataset, as lease/obtain would write it (its code hash random). */
async function lease(license: number, clientId: string): Promise<NewLease> {
  const grant = (await store.leases.findKey(organizationId!, keyCode(license)))!;
  return {
    id: randomUUID(),
    organizationId: organizationId!,
    licenseId: grant.licenseId,
    keyId: grant.keyId,
    clientId,
    issuedAt: now(),
    expiresAt: now() + 600_000,
    signingKeyId,
    codeHash: hex(),
  };
}
const random = (n: number) => Math.floor(Math.random() * n);
/** A lease of the dataset, at random (renewed ones are found too, as superseded). */
const someLease = () => uid('lea', random(Number(activeLeases)));

/** One caller's loop for a scenario; returns the requests it stands for. */
const work: Record<string, (caller: number, until: number) => Promise<number>> = {
  'key-validate': async (_, until) => {
    let n = 0;
    while (now() < until) n += (await store.leases.findKeyWithUsage(organizationId!, keyCode(0), now()), 1);
    return n;
  },
  'lease-validate': async (_, until) => {
    let n = 0;
    while (now() < until) n += (await store.leases.findWithGrant(organizationId!, someLease()), 1);
    return n;
  },
  'lease-renew': async (caller, until) => {
    // Each caller renews the active leases of 50 licenses of its own in turn: the lookup, then the renewal.
    const current: NewLease[] = [];
    for (let k = 0; k < 50; k++) {
      const license = (caller * 50 + k) % Number(licenses);
      const grant = (await store.leases.findKey(organizationId!, keyCode(license)))!;
      const [active] = (await store.leases.listByLicense(organizationId!, grant.licenseId, { state: 'active', limit: 1, offset: 0 })).items;
      if (active) current.push({ ...active, organizationId: organizationId! });
    }
    let n = 0;
    for (let i = 0; now() < until; i = (i + 1) % current.length) {
      const lease = current[i]!;
      await store.leases.findWithGrant(organizationId!, lease.id);
      const next = { ...lease, id: randomUUID(), issuedAt: now(), expiresAt: now() + 600_000, codeHash: hex() };
      if (!(await store.leases.renew(lease.id, next, now()))) throw new Error('renewal refused');
      current[i] = next;
      n++;
    }
    return n;
  },
  'obtain-release': async (caller, until) => {
    let n = 0;
    while (now() < until) {
      // What lease/obtain reads (the key with its grant), then claims; what lease/release reads, then updates.
      const taken = await lease(random(Number(licenses)), `probe-obtain-${caller}`);
      const claimed = await store.leases.claimSeat(taken, now());
      if (claimed.kind !== 'claimed') throw new Error(`claim refused: ${claimed.kind}`);
      await store.leases.find(organizationId!, taken.id);
      await store.leases.release(organizationId!, taken, now());
      n += 2;
    }
    return n;
  },
};

const results: Record<string, number> = {};
try {
  for (const scenario of scenarios) {
    const run = work[scenario];
    if (!run) continue;
    // A short warm-up (connections opened, code compiled), not counted.
    await Promise.all(Array.from({ length: Number(callers) }, (_, caller) => run(caller, now() + 300)));
    const started = now();
    const until = started + Number(seconds) * 1000;
    const counts = await Promise.all(Array.from({ length: Number(callers) }, (_, caller) => run(caller, until)));
    results[scenario] = Math.round(counts.reduce((a, b) => a + b, 0) / ((now() - started) / 1000));
  }
} finally {
  await store.close();
}
process.stdout.write(`${JSON.stringify(results)}\n`);
