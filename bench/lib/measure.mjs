// One autocannon run, with latencies kept at full resolution: autocannon's own histogram holds
// whole milliseconds, too coarse for sub-millisecond answers, so every response time is kept here.
import { createRequire } from 'node:module';
import { cpuMicrosOf } from './processes.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

/**
 * Runs `requests` against `url` for `seconds` with `connections` connections. `onBody` sees the
 * length of every response body. Returns the raw figures of the run.
 */
export async function load(url, requests, { connections, seconds, onBody, pid }) {
  const withBodies = requests.map((r) => ({
    ...r,
    onResponse: (status, body, context, headers) => {
      onBody?.(Buffer.byteLength(body));
      r.onResponse?.(status, body, context, headers);
    },
  }));
  const latencies = [];
  const cpuBefore = pid ? cpuMicrosOf(pid) : NaN;
  const instance = autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 10, requests: withBodies });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await instance;
  return {
    cpuMicros: pid ? cpuMicrosOf(pid) - cpuBefore : NaN,
    responses: latencies.length,
    seconds: result.duration,
    latencies,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Figures of several runs taken together: requests per second and latency percentiles in ms. */
export function summarize(runs) {
  const latencies = Float64Array.from(runs.flatMap((r) => r.latencies)).sort();
  const at = (p) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  return {
    rps: latencies.length / seconds,
    p50: at(50),
    p99: at(99),
    responses: latencies.length,
    seconds,
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors + r.timeouts, 0),
    perRound: runs.map((r) => Math.round(r.responses / r.seconds)),
    /** CPU the server process used per answer (all threads, user and system). */
    cpuMicrosPerRequest: runs.reduce((s, r) => s + r.cpuMicros, 0) / latencies.length,
  };
}
