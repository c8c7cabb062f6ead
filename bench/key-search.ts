// How long license search by a part of a key code takes with many keys in one organization, and
// how large the blind index is. Not part of npm test or npm run bench's scenarios:
//   node --import tsx bench/key-search.ts [keys, default 100000] [sqlite path | postgres url]
// Prints one JSON object: for fragments of 4, 6 and 10 characters, the median and 95th percentile
// milliseconds of GET /licenses?q= as the store answers it (no HTTP: the page of 25 licenses with
// their keys opened, and its count), the median of the key match alone, and the licenses found.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createOrganization } from '../server/src/bootstrap.ts';
import { generateKeyCode } from '../server/src/credentials.ts';
import { SecretBox } from '../server/src/keys/secret-box.ts';
import { openStore, type DatabaseConfig } from '../server/src/store/index.ts';

const keys = Number(process.argv[2] ?? 100_000);
const target = process.argv[3];
const dir = target ? undefined : mkdtempSync(join(tmpdir(), 'leasehold-key-search-'));
const config: DatabaseConfig = target?.startsWith('postgres') ? { kind: 'postgres', url: target } : { kind: 'sqlite', path: target ?? join(dir!, 'bench.db') };
const store = await openStore(config, { secrets: SecretBox.ephemeral() });
const clock = { now: () => Date.now() };
const { organizationId } = await createOrganization(store, clock, { name: 'Key search bench' });
const customerId = randomUUID();
await store.customers.create(organizationId, customerId, { name: 'Bench customer', contactName: null, contactEmail: null, phone: null, comment: null }, clock.now());

const KEYS_PER_LICENSE = 100;
const codes: string[] = [];
for (let made = 0; made < keys; made += KEYS_PER_LICENSE) {
  const batch = Array.from({ length: Math.min(KEYS_PER_LICENSE, keys - made) }, () => ({ id: randomUUID(), code: generateKeyCode() }));
  codes.push(...batch.map((k) => k.code));
  await store.licenses.create(organizationId, { id: randomUUID(), customerId, featureIds: [], leaseLimit: null, expiry: null, comment: null, keys: batch }, clock.now());
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const timings: Record<string, { medianMs: number; p95Ms: number; matchKeysMedianMs: number; found: number }> = {};
for (const length of [4, 6, 10]) {
  const ms: number[] = [];
  const matching: number[] = [];
  let found = 0;
  for (let i = 0; i < 100; i++) {
    const code = codes[Math.floor(Math.random() * codes.length)]!.replace(/-/g, '');
    const start = Math.floor(Math.random() * (code.length - length));
    const q = code.slice(start, start + length).toLowerCase();
    const began = performance.now();
    const page = await store.licenses.list(organizationId, clock.now(), { limit: 25, offset: 0, q });
    ms.push(performance.now() - began);
    // The blind index's part alone: the candidates found and opened.
    const matchBegan = performance.now();
    await store.licenses.matchKeys(organizationId, q);
    matching.push(performance.now() - matchBegan);
    found += page.total;
  }
  ms.sort((a, b) => a - b);
  matching.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  timings[`fragment of ${length}`] = { medianMs: round(percentile(ms, 0.5)), p95Ms: round(percentile(ms, 0.95)), matchKeysMedianMs: round(percentile(matching, 0.5)), found: Math.round(found / 100) };
}
console.log(JSON.stringify({ database: config.kind, keys, timings }));
await store.close();
if (dir) rmSync(dir, { recursive: true, force: true });
