// Comparisons of one setting on the same database and the same workload: Leasehold with the
// setting's default against Leasehold with the other value, the two alternating (A B B A ...), as
// the scenarios alternate Leasehold and the baseline. `cost` is how much throughput the default
// gives up: 1 - default/other.
import { randomBytes } from 'node:crypto';
import { load, summarize } from './measure.mjs';
import { startLeasehold } from './processes.mjs';
import { forgetUnanswered, SCENARIOS } from './scenarios.mjs';

export const VARIANTS = [
  {
    name: 'logging',
    scenario: 'key-validate',
    title: 'key/validate at the default log level (info) against --log-level warn',
    databases: ['sqlite', 'postgres'],
    sides: [
      { label: 'info (default)', logLevel: 'info' },
      { label: 'warn', logLevel: 'warn' },
    ],
  },
  {
    name: 'durability',
    scenario: 'obtain-release',
    title: 'obtain/release with every commit flushed (synchronous=FULL, the default) against flushes at checkpoints only (LEASEHOLD_SQLITE_SYNCHRONOUS=normal)',
    databases: ['sqlite'],
    sides: [
      { label: 'synchronous=FULL (default)', env: {} },
      { label: 'synchronous=NORMAL', env: { LEASEHOLD_SQLITE_SYNCHRONOUS: 'normal' } },
    ],
  },
];

/**
 * Runs `variant` against two servers on `database` (the default setting, then the other one) and
 * returns the figures of each side and the cost of the default.
 */
export async function runVariant(variant, { database, publicUrl, organizationId, pool, licenses, options, undo, log }) {
  const scenario = SCENARIOS.find((s) => s.name === variant.scenario);
  const env = { base: `/licensing/${organizationId}`, pool, licenses };
  const runInfo = () => ({ connections: 0, width: options.connections, id: randomBytes(2).toString('hex') });
  log(`\nvariant ${variant.name}: ${variant.title}`);
  const servers = [];
  try {
    for (const side of variant.sides) {
      const server = await startLeasehold(database, { publicUrl, env: side.env ?? {}, logLevel: side.logLevel });
      server.stop = undo(server.stop);
      servers.push(server);
      await load(server.url, scenario.requests(runInfo(), env), { connections: options.connections, seconds: options.warmupSeconds });
      forgetUnanswered(pool);
    }
    const runs = variant.sides.map(() => []);
    // At least two rounds, so that each side runs once first and once second.
    const rounds = Math.max(2, options.rounds);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const r = await load(servers[i].url, scenario.requests(runInfo(), env), { connections: options.connections, seconds: options.seconds, pid: servers[i].pid });
        forgetUnanswered(pool);
        runs[i].push(r);
        const rate = Math.round(r.responses / r.seconds).toLocaleString('en-US');
        const failed = r.non2xx + r.errors + r.timeouts > 0 ? `  (${r.non2xx} non-2xx, ${r.errors + r.timeouts} errors)` : '';
        log(`  ${variant.sides[i].label.padEnd(28)} ${rate.padStart(7)} req/s${failed}`);
      }
    }
    const [chosen, other] = runs.map(summarize);
    return {
      variant: variant.name,
      scenario: variant.scenario,
      title: variant.title,
      sides: variant.sides.map((side, i) => ({ label: side.label, ...[chosen, other][i] })),
      cost: 1 - chosen.rps / other.rps,
    };
  } finally {
    for (const server of servers) await server.stop();
  }
}
