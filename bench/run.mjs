// npm run bench [-- options]: measures Leasehold's licensing API against the physical limit of a
// Node.js HTTP service on this machine, a bare node:http server answering a constant JSON body of
// the same size, with the same autocannon load, the two alternating. Not part of the test suite.
//
//   --quick                 short runs (3 s, one round) and a 100,000-license large dataset
//   --scenario a,b          only these scenarios (key-validate, lease-validate, lease-renew,
//                           obtain-release, mix-10k, mix-1m), or none
//   --variant a,b           only these comparisons of a setting (logging: key/validate at the
//                           default log level against warn; durability: obtain/release with
//                           SQLite's synchronous FULL against NORMAL), or none; default: all when
//                           every scenario runs, else none
//   --database sqlite,postgres   only these databases (default both; PostgreSQL is skipped when
//                           it cannot be reached)
//   --duration S            seconds per measured run (default 10)
//   --rounds N              baseline/server pairs per scenario (default 2)
//   --connections N         autocannon connections (default 10)
//   --pg-url URL            PostgreSQL server (default LEASEHOLD_BENCH_PG_URL, LEASEHOLD_TEST_PG_URL
//                           or postgres://postgres@127.0.0.1:5432/test); the benchmark works in
//                           schemas of its own, which it creates and drops
//   --write / --no-write    write docs/bench/ (default: only a full run writes)
// LEASEHOLD_BENCH_SERVER=<path to another checkout's server/bin/leasehold.js> measures that
// server instead (without the store-alone column), to compare two versions on one machine.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { fillPostgres, fillSqlite, plan } from './lib/dataset.mjs';
import { load, summarize } from './lib/measure.mjs';
import { LEASEHOLD, memoryOf, ROOT, run, sleep, startBaseline, startLeasehold } from './lib/processes.mjs';
import { evaluate, machine, printTable, printTargets, printVariants, write } from './lib/report.mjs';
import { forgetUnanswered, SCENARIOS } from './lib/scenarios.mjs';
import { runVariant, VARIANTS } from './lib/variants.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    variant: { type: 'string' },
    database: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    'pg-url': { type: 'string' },
    write: { type: 'boolean' },
    'no-write': { type: 'boolean' },
  },
});

const quick = args.quick;
const options = {
  seconds: Number(args.duration ?? (quick ? 3 : 10)),
  rounds: Number(args.rounds ?? (quick ? 1 : 2)),
  connections: Number(args.connections ?? 10),
  warmupSeconds: quick ? 1 : 3,
  probeSeconds: quick ? 1 : 3,
};
/** Scenarios whose store calls bench/store-probe.ts repeats without HTTP. */
const PROBED = ['key-validate', 'lease-validate', 'lease-renew', 'obtain-release'];
const DATASETS = {
  small: { licenses: 10_000, activeLeases: 10_000, usableLeases: 10_000 },
  large: quick ? { licenses: 100_000, activeLeases: 20_000, usableLeases: 10_000 } : { licenses: 1_000_000, activeLeases: 200_000, usableLeases: 50_000 },
};
const PUBLIC_URL = 'https://licenses.bench.test';
// The servers, the dataset and the store probe of this run share one key-encryption key, given to
// each through the environment (a key file beside each new database would differ from the dataset's).
process.env.LEASEHOLD_SECRET_KEY ||= randomBytes(32).toString('base64url');
const pgUrl = args['pg-url'] ?? process.env.LEASEHOLD_BENCH_PG_URL ?? process.env.LEASEHOLD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const pick = (list, filter, all) => {
  if (!filter) return all;
  if (filter.trim() === 'none') return [];
  const wanted = filter.split(',').map((s) => s.trim());
  const unknown = wanted.filter((w) => !list.includes(w));
  if (unknown.length > 0) {
    console.error(`unknown: ${unknown.join(', ')} (choose from ${list.join(', ')})`);
    process.exit(2);
  }
  return all.filter((x) => wanted.includes(typeof x === 'string' ? x : x.name));
};
const scenarios = pick(
  SCENARIOS.map((s) => s.name),
  args.scenario,
  SCENARIOS,
);
const databases = pick(['sqlite', 'postgres'], args.database, ['sqlite', 'postgres']);
const variants = pick(
  VARIANTS.map((v) => v.name),
  args.variant ?? (args.scenario ? 'none' : undefined),
  VARIANTS,
);
const full = !quick && !args.scenario && !args.variant && !args.database && !args.duration && !args.rounds && !args.connections && !process.env.LEASEHOLD_BENCH_SERVER;
const shouldWrite = args['no-write'] ? false : (args.write ?? full);

const log = (message) => console.log(message);

// What to undo when the run is interrupted: servers to stop, databases to drop.
const cleanups = new Set();
const undo = (fn) => {
  const once = async () => {
    cleanups.delete(once);
    await fn();
  };
  cleanups.add(once);
  return once;
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping servers and removing the benchmark's databases`);
    for (const fn of [...cleanups].reverse()) await fn().catch(() => undefined);
    process.exit(130);
  });
}
const load1 = () => loadavg().map((l) => Number(l.toFixed(2)));
const fmt = (n) => n.toLocaleString('en-US');

/** The PostgreSQL reachable for the benchmark, or why not. */
async function postgresReason() {
  const pg = createRequire(new URL('../server/package.json', import.meta.url))('pg');
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return err.message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function pgAdmin(sql) {
  const pg = createRequire(new URL('../server/package.json', import.meta.url))('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database of `kind`: its location and how to remove it. */
async function createDatabase(kind, name) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-bench-'));
    return { database: join(dir, `${name}.db`), path: join(dir, `${name}.db`), drop: undo(async () => rmSync(dir, { recursive: true, force: true })) };
  }
  const schema = `lh_bench_${process.pid}_${randomBytes(3).toString('hex')}_${name}`;
  await pgAdmin(`create schema ${schema}`);
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { database: url.toString(), url: url.toString(), drop: undo(() => pgAdmin(`drop schema if exists ${schema} cascade`)) };
}

/**
 * Start-up to a ready /healthz on the existing database: the first start on it, then three times
 * as every later start. The server runs its build (server/dist), made before the run.
 */
async function measureStartup(database) {
  const start = async () => {
    const server = await startLeasehold(database, { publicUrl: PUBLIC_URL });
    return Object.assign(server, { stop: undo(server.stop) });
  };
  let server = await start();
  const firstMs = server.startupMs;
  await server.stop();
  const warm = [];
  for (let i = 0; i < 3; i++) {
    await sleep(200);
    server = await start();
    warm.push(server.startupMs);
    if (i < 2) await server.stop();
  }
  warm.sort((a, b) => a - b);
  return { server, startup: { firstStartMs: Math.round(firstMs), warmMs: warm.map(Math.round), medianMs: Math.round(warm[1]) } };
}

async function runScenario(scenario, server, pool, licenses) {
  const base = `/licensing/${server.organizationId}`;
  const runInfo = () => ({ connections: 0, width: options.connections, id: randomBytes(2).toString('hex') });
  const env = { base, pool, licenses };
  const loadBefore = load1();
  log(`\n${scenario.name}: ${scenario.title} (load average ${loadBefore.join(' ')})`);

  // Warm-up on the server, which also tells the size of its answers.
  let bytes = 0;
  let bodies = 0;
  await load(server.url, scenario.requests(runInfo(), env), {
    connections: options.connections,
    seconds: options.warmupSeconds,
    onBody: (n) => ((bytes += n), bodies++),
  });
  forgetUnanswered(pool);
  const bodyBytes = bodies > 0 ? bytes / bodies : 200;
  const baseline = await startBaseline(bodyBytes);
  baseline.stop = undo(baseline.stop);
  // The baseline gets the very same requests; it answers them all alike.
  const baselineRequests = () => scenario.requests(runInfo(), { ...env, baseline: true });
  await load(baseline.url, baselineRequests(), { connections: options.connections, seconds: 1 });

  const serverRuns = [];
  const baselineRuns = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? ['baseline', 'server'] : ['server', 'baseline'];
      for (const which of order) {
        const r =
          which === 'server'
            ? await load(server.url, scenario.requests(runInfo(), env), { connections: options.connections, seconds: options.seconds, pid: server.pid })
            : await load(baseline.url, baselineRequests(), { connections: options.connections, seconds: options.seconds, pid: baseline.pid });
        if (which === 'server') forgetUnanswered(pool);
        (which === 'server' ? serverRuns : baselineRuns).push(r);
        const failed = r.non2xx + r.errors + r.timeouts > 0 ? `  (${r.non2xx} non-2xx, ${r.errors + r.timeouts} errors)` : '';
        log(`  ${which.padEnd(8)} ${fmt(Math.round(r.responses / r.seconds)).padStart(7)} req/s${failed}`);
      }
    }
  } finally {
    await baseline.stop();
  }
  const s = summarize(serverRuns);
  const b = summarize(baselineRuns);
  return {
    scenario: scenario.name,
    title: scenario.title,
    bodyBytes: Math.round(bodyBytes),
    server: s,
    baseline: b,
    ratio: s.rps / b.rps,
    loadAverage: { before: loadBefore, after: load1() },
  };
}

async function main() {
  const started = Date.now();
  const results = { startedAt: new Date().toISOString(), machine: machine(), options: { ...options, quick, datasets: DATASETS }, databases: {} };
  log(`Leasehold benchmark: ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Node ${process.version}`);
  log(`load average ${load1().join(' ')}; ${options.connections} connections, ${options.rounds} round(s) of ${options.seconds} s per scenario and side`);
  // The server under test runs server/dist: this checkout's is built first when stale (another
  // checkout's, LEASEHOLD_BENCH_SERVER, is built there).
  if (!process.env.LEASEHOLD_BENCH_SERVER) await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale', 'server']);

  for (const kind of databases) {
    if (kind === 'postgres') {
      const reason = await postgresReason();
      if (reason) {
        log(`\nPostgreSQL skipped: cannot reach ${new URL(pgUrl).host} (${reason})`);
        results.databases.postgres = { skipped: reason };
        continue;
      }
    }
    const out = (results.databases[kind] = { scenarios: [], datasets: {}, variants: [] });
    for (const datasetName of ['small', 'large']) {
      const here = scenarios.filter((s) => s.dataset === datasetName);
      // The variants run on the small dataset.
      const variantsHere = datasetName === 'small' ? variants.filter((v) => v.databases.includes(kind)) : [];
      if (here.length === 0 && variantsHere.length === 0) continue;
      const shape = plan(DATASETS[datasetName].licenses, DATASETS[datasetName].activeLeases, DATASETS[datasetName].usableLeases);
      log(`\n=== ${kind}, ${fmt(shape.licenses)} licenses, ${fmt(shape.activeLeases)} active leases ===`);
      const db = await createDatabase(kind, datasetName);
      let server;
      try {
        const init = JSON.parse(await run(process.execPath, [LEASEHOLD, 'init', '--database', db.database, '--org-name', 'Bench', '--public-url', PUBLIC_URL, '--json']));
        const organizationId = init.organizationId;
        const endpoint = `${PUBLIC_URL}/licensing/${organizationId}`;
        const t = performance.now();
        const fill = kind === 'sqlite' ? fillSqlite(db.path, shape, { organizationId, endpoint, log }) : fillPostgres(db.url, shape, { organizationId, endpoint, log });
        const pool = await fill;
        const generateSeconds = (performance.now() - t) / 1000;
        log(`generated in ${generateSeconds.toFixed(1)} s; ${fmt(pool.length)} leases with known codes`);

        const started = await measureStartup(db.database);
        server = Object.assign(started.server, { organizationId });
        log(`start-up to a ready /healthz: ${started.startup.medianMs} ms (median of ${started.startup.warmMs.join(', ')}); first start: ${started.startup.firstStartMs} ms`);
        const dataset = { ...shape, generateSeconds: Number(generateSeconds.toFixed(1)), startup: started.startup };
        out.datasets[datasetName] = dataset;

        const results = [];
        for (const scenario of here) results.push({ database: kind, dataset: datasetName, licenses: shape.licenses, ...(await runScenario(scenario, server, pool, shape.licenses)) });
        dataset.memory = memoryOf(server.pid);
        out.scenarios.push(...results);

        // The database's share: the same store calls without HTTP (bench/store-probe.ts).
        // (Not for another checkout's server: the probe uses this checkout's store.)
        const probed = process.env.LEASEHOLD_BENCH_SERVER ? [] : results.filter((r) => PROBED.includes(r.scenario));
        if (probed.length > 0) {
          const figures = JSON.parse(
            await run(process.execPath, [
              '--import',
              'tsx',
              'bench/store-probe.ts',
              db.database,
              organizationId,
              String(options.probeSeconds),
              String(options.connections),
              String(shape.licenses),
              String(shape.activeLeases),
              ...probed.map((r) => r.scenario),
            ]),
          );
          for (const r of probed) r.storeAlone = figures[r.scenario];
          log(`store calls alone, without HTTP: ${probed.map((r) => `${r.scenario} ${fmt(r.storeAlone)}/s`).join(', ')}`);
        }
        log(`resident memory after the runs: ${dataset.memory.rssMiB.toFixed(0)} MiB (peak ${dataset.memory.peakRssMiB.toFixed(0)} MiB)`);
        for (const variant of variantsHere) {
          out.variants.push({ database: kind, ...(await runVariant(variant, { database: db.database, publicUrl: PUBLIC_URL, organizationId, pool, licenses: shape.licenses, options, undo, log })) });
        }
      } finally {
        await server?.stop();
        await db.drop();
      }
    }
  }
  results.loadAverageAtEnd = load1();
  results.minutes = Number(((Date.now() - started) / 60_000).toFixed(1));
  results.targets = evaluate(results);
  printTable(results);
  printVariants(results);
  printTargets(results);
  if (shouldWrite) {
    const files = write(results);
    log(`\nwrote ${files.join(', ')}`);
  } else {
    log('\n(not written to docs/bench: pass --write to keep a partial or quick run)');
  }
  log(`\ndone in ${results.minutes} min`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
