// What a benchmark run shows and keeps: the table, the targets, docs/bench/results.json, the chart
// docs/bench/throughput.svg and the generated parts of docs/bench/README.md and README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../../docs/bench/', import.meta.url));
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ms = (n) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');
const pct = (r) => (Number.isFinite(r) ? `${Math.round(r * 100)}%` : 'n/a');

/** The machine the run is on. */
export function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  let nproc = availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // not on this system
  }
  let kernel = process.platform;
  try {
    kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    // not on this system
  }
  return {
    cpus: nproc,
    cpuModel: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? 'unknown CPU',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    kernel,
  };
}

const find = (results, database, scenario) => results.databases[database]?.scenarios?.find((s) => s.scenario === scenario);

/** The issue's targets, each with the figure measured and whether it is met (null: not measured). */
export function evaluate(results) {
  const targets = [];
  for (const [database, d] of Object.entries(results.databases)) {
    if (d.skipped) continue;
    const ratio = (scenario, goal, sqliteOnly = false) => {
      const s = find(results, database, scenario);
      if (!s) return;
      const applies = !sqliteOnly || database === 'sqlite';
      targets.push({
        database,
        target: `${scenario} ≥ ${goal * 100}% of the baseline's throughput${sqliteOnly ? ' (SQLite)' : ''}`,
        value: pct(s.ratio),
        met: applies ? s.ratio >= goal : null,
      });
    };
    const logging = d.variants?.find((v) => v.variant === 'logging');
    if (logging) {
      const target = 'request logging at the default level costs ≤ 5% of key/validate throughput (against --log-level warn)';
      targets.push({ database, target, value: pct(logging.cost), met: logging.cost <= 0.05 });
    }
    ratio('key-validate', 0.7);
    ratio('lease-validate', 0.7);
    ratio('lease-renew', 0.35, true);
    ratio('obtain-release', 0.35, true);
    const small = find(results, database, 'mix-10k');
    const large = find(results, database, 'mix-1m');
    if (small && large) {
      const factor = large.server.p99 / small.server.p99;
      targets.push({
        database,
        target: `mix p99 over ${fmt(large.licenses)} licenses ≤ 1.5 × over ${fmt(small.licenses)}`,
        value: `${ms(large.server.p99)} ms vs ${ms(small.server.p99)} ms (${factor.toFixed(2)}×)`,
        met: factor <= 1.5,
      });
    }
    const big = d.datasets.large;
    if (big?.memory) {
      targets.push({
        database,
        target: `resident memory < 300 MB at ${fmt(big.licenses)} licenses`,
        value: `${fmt(big.memory.peakRssMiB)} MiB peak (${fmt(big.memory.rssMiB)} MiB at the end)`,
        met: big.memory.peakRssMiB * 1.048576 < 300,
      });
    }
    const startup = (d.datasets.large ?? d.datasets.small)?.startup;
    if (startup) {
      targets.push({
        database,
        target: 'start-up to a ready /healthz < 1 s on an existing database',
        value: `${fmt(startup.medianMs)} ms (first start on it: ${fmt(startup.firstStartMs)} ms)`,
        met: startup.medianMs < 1000,
      });
    }
  }
  return targets;
}

function rows(results) {
  const list = [];
  for (const d of Object.values(results.databases)) for (const s of d.scenarios ?? []) list.push(s);
  return list;
}

export function printTable(results) {
  const header = ['database', 'scenario', 'licenses', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'baseline req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'ratio', 'non-2xx', 'store alone/s'];
  const body = rows(results).map((s) => [
    s.database,
    s.scenario,
    fmt(s.licenses),
    fmt(s.server.rps),
    ms(s.server.p50),
    ms(s.server.p99),
    fmt(s.server.cpuMicrosPerRequest),
    fmt(s.baseline.rps),
    ms(s.baseline.p50),
    ms(s.baseline.p99),
    fmt(s.baseline.cpuMicrosPerRequest),
    pct(s.ratio),
    String(s.server.non2xx + s.server.errors),
    s.storeAlone === undefined ? '' : fmt(s.storeAlone),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}`);
}

/** The comparisons of a setting (bench/lib/variants.mjs): each side's throughput and p99, and the default's cost. */
function variantRows(results) {
  return Object.values(results.databases).flatMap((d) => d.variants ?? []);
}

export function printVariants(results) {
  const list = variantRows(results);
  if (list.length === 0) return;
  console.log('\nSettings compared (default first):');
  for (const v of list) {
    const [a, b] = v.sides;
    console.log(`  ${v.database} ${v.variant}: ${a.label} ${fmt(a.rps)} req/s (p99 ${ms(a.p99)} ms) against ${b.label} ${fmt(b.rps)} req/s (p99 ${ms(b.p99)} ms): cost ${pct(v.cost)}`);
  }
}

const mark = (met) => (met === true ? 'met' : met === false ? 'NOT met' : 'no target');

export function printTargets(results) {
  console.log('\nTargets:');
  for (const t of results.targets) console.log(`  [${mark(t.met).padEnd(9)}] ${t.database}: ${t.target}: ${t.value}`);
}

/** The throughput target of a scenario as a share of the baseline, if it has one. */
function ratioTarget(database, scenario) {
  if (scenario === 'key-validate' || scenario === 'lease-validate') return 0.7;
  if ((scenario === 'lease-renew' || scenario === 'obtain-release') && database === 'sqlite') return 0.35;
  return undefined;
}

/** The chart: requests per second of Leasehold against the baseline, per database and scenario. */
export function chart(results) {
  const list = rows(results);
  const left = 250;
  const barMax = 470;
  const rowH = 46;
  const top = 70;
  const groups = [...new Set(list.map((s) => s.database))];
  const height = top + list.length * rowH + groups.length * 30 + 56;
  const width = 980;
  const max = Math.max(1, ...list.map((s) => Math.max(s.server.rps, s.baseline.rps)));
  const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const m = results.machine;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="20" y="28" font-size="17" font-weight="600" fill="#111">Leasehold licensing API against a bare node:http server (requests per second)</text>`,
    `<text x="20" y="50" fill="#555">${esc(`${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; ${results.options.connections} connections, load generator on the same machine; ${results.startedAt.slice(0, 10)}`)}</text>`,
  ];
  let y = top;
  for (const database of groups) {
    y += 22;
    parts.push(`<text x="20" y="${y}" font-size="14" font-weight="600" fill="#111">${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}</text>`);
    y += 8;
    for (const s of list.filter((r) => r.database === database)) {
      const target = ratioTarget(s.database, s.scenario);
      const wb = (s.baseline.rps / max) * barMax;
      const ws = (s.server.rps / max) * barMax;
      parts.push(
        `<text x="20" y="${y + 16}" fill="#111">${esc(s.scenario)}</text>`,
        `<text x="20" y="${y + 32}" fill="#777" font-size="11">${esc(`${fmt(s.licenses)} licenses`)}</text>`,
        `<rect x="${left}" y="${y + 4}" width="${wb.toFixed(1)}" height="16" fill="#c9ced6"/>`,
        `<text x="${left + wb + 6}" y="${y + 17}" fill="#555" font-size="12">${fmt(s.baseline.rps)} baseline, p99 ${ms(s.baseline.p99)} ms</text>`,
        `<rect x="${left}" y="${y + 22}" width="${ws.toFixed(1)}" height="16" fill="${target === undefined ? '#3b6ea8' : s.ratio >= target ? '#2f7d4f' : '#b5523b'}"/>`,
        `<text x="${left + ws + 6}" y="${y + 35}" fill="#111" font-size="12">${fmt(s.server.rps)} Leasehold (${pct(s.ratio)}), p99 ${ms(s.server.p99)} ms</text>`,
      );
      y += rowH;
    }
  }
  parts.push(
    `<text x="20" y="${height - 30}" fill="#777" font-size="11">Grey: the baseline, a bare node:http server answering the same requests with a constant JSON body of the same size. Green: Leasehold meets its</text>`,
    `<text x="20" y="${height - 16}" fill="#777" font-size="11">throughput target (70% of the baseline for validations, 35% for renew and obtain/release on SQLite); red: it does not; blue: no throughput target. Figures: results.json.</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** The generated part of docs/bench/README.md: machine, table and targets. */
export function markdown(results) {
  const m = results.machine;
  const lines = [];
  lines.push(
    `Measured ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${m.cpus} × ${m.cpuModel} (\`nproc\` ${m.cpus}), ${m.memoryGiB} GiB of memory, ${m.kernel}, Node.js ${m.node}; ` +
      `autocannon with ${results.options.connections} connections on the same machine, ${results.options.rounds} round(s) of ${results.options.seconds} s per side and scenario, ` +
      `Leasehold and the baseline alternating. The load average (1, 5, 15 min) at the start of each scenario is in the last column: other work on the machine shows there.`,
    '',
    `![Requests per second, Leasehold against the baseline](throughput.svg)`,
    '',
    '| database | scenario | licenses | Leasehold req/s | p50 ms | p99 ms | CPU µs/req | baseline req/s | p50 ms | p99 ms | CPU µs/req | ratio | store alone/s | load average |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  );
  for (const s of rows(results)) {
    lines.push(
      `| ${s.database} | ${s.scenario} | ${fmt(s.licenses)} | ${fmt(s.server.rps)} | ${ms(s.server.p50)} | ${ms(s.server.p99)} | ${fmt(s.server.cpuMicrosPerRequest)} | ${fmt(s.baseline.rps)} | ${ms(s.baseline.p50)} | ${ms(s.baseline.p99)} | ${fmt(s.baseline.cpuMicrosPerRequest)} | ${pct(s.ratio)} | ${s.storeAlone === undefined ? '' : fmt(s.storeAlone)} | ${s.loadAverage.before.join(' ')} |`,
    );
  }
  const compared = variantRows(results);
  if (compared.length > 0) {
    lines.push('', 'Settings compared on the same database and load, the two servers alternating; the cost is the throughput the default gives up:', '');
    lines.push('| database | comparison | default | req/s | p99 ms | other | req/s | p99 ms | cost of the default |', '|---|---|---|--:|--:|---|--:|--:|--:|');
    for (const v of compared) {
      const [a, b] = v.sides;
      lines.push(`| ${v.database} | ${v.variant}: ${v.title} | ${a.label} | ${fmt(a.rps)} | ${ms(a.p99)} | ${b.label} | ${fmt(b.rps)} | ${ms(b.p99)} | ${pct(v.cost)} |`);
    }
  }
  lines.push('', '| database | target | measured | |', '|---|---|---|---|');
  for (const t of results.targets) lines.push(`| ${t.database} | ${t.target} | ${t.value} | ${mark(t.met)} |`);
  for (const [database, d] of Object.entries(results.databases)) {
    if (d.skipped) lines.push('', `${database}: skipped (${d.skipped}).`);
  }
  return lines.join('\n');
}

const START = '<!-- bench:start (generated by npm run bench; edits between these markers are replaced) -->';
const END = '<!-- bench:end -->';
const ROOT_README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The generated part of the repository's README: the machine, the chart and the targets. */
export function summary(results) {
  const m = results.machine;
  const lines = [
    `Measured ${results.startedAt.slice(0, 10)} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.kernel}, Node.js ${m.node}, with the load generator ` +
      `(autocannon, ${results.options.connections} connections) on the same machine. Full table: [docs/bench](docs/bench/README.md).`,
    '',
    '![Requests per second, Leasehold against a bare node:http server](docs/bench/throughput.svg)',
    '',
    '| database | target | measured | |',
    '|---|---|---|---|',
  ];
  for (const t of results.targets) lines.push(`| ${t.database} | ${t.target} | ${t.value} | ${mark(t.met)} |`);
  return lines.join('\n');
}

/** Replaces the text between the markers in `file` by `body` (appends both when they are missing). */
function replaceSection(file, body, fallback) {
  const section = `${START}\n${body}\n${END}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : fallback;
  const at = text.indexOf(START);
  const end = text.indexOf(END);
  writeFileSync(file, at >= 0 && end > at ? `${text.slice(0, at)}${section}${text.slice(end + END.length)}` : `${text}\n${section}\n`);
}

/** Writes results.json, throughput.svg and the generated sections of docs/bench/README.md and README.md. */
export function write(results) {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}results.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${OUT}throughput.svg`, chart(results));
  replaceSection(`${OUT}README.md`, markdown(results), '# Benchmark\n');
  replaceSection(ROOT_README, summary(results), '# Leasehold\n');
  return ['docs/bench/results.json', 'docs/bench/throughput.svg', 'docs/bench/README.md', 'README.md'];
}
