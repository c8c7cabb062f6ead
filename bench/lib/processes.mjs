// Starting and stopping the processes the benchmark measures: Leasehold (`leasehold serve`, as an
// operator runs it) and the bare node:http baseline.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The server under test: this checkout's, or another one's bin/leasehold.js (LEASEHOLD_BENCH_SERVER), to compare versions. */
export const LEASEHOLD = process.env.LEASEHOLD_BENCH_SERVER || fileURLToPath(new URL('../../server/bin/leasehold.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('../baseline-server.mjs', import.meta.url));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port nobody listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion; resolves with its stdout, rejects with its stderr. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${err || out}`))));
  });
}

/** CPU time a process has used so far (all its threads, user and system), in µs; NaN where /proc is missing. */
export function cpuMicrosOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

/** Resident memory of a process, now and at its peak, in MiB (Linux /proc). */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakRssMiB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMiB: NaN, peakRssMiB: NaN };
  }
}

function stopper(child) {
  let exited = false;
  const done = new Promise((resolve) => child.once('exit', () => ((exited = true), resolve())));
  return async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await done;
    clearTimeout(timer);
  };
}

/**
 * Starts `leasehold serve` on an existing database and waits for /healthz to answer 200.
 * `startupMs` is the time from spawning the process to that first 200. The scenarios run at
 * `--log-level warn`; the logging variant compares it with the default.
 */
export async function startLeasehold(database, { publicUrl, env = {}, logLevel = 'warn' } = {}) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [LEASEHOLD, 'serve', '--database', database, '--port', String(port), '--public-url', publicUrl, '--log-level', logLevel, '--no-bootstrap'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = stopper(child);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`leasehold exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 60_000) {
      await stop();
      throw new Error(`leasehold was not ready after 60 s:\n${output}`);
    }
    await sleep(5);
  }
  const startupMs = performance.now() - started;
  return { url, pid: child.pid, startupMs, stop, output: () => output };
}

/** Starts the baseline server answering a constant JSON body of `bytes` bytes. */
export async function startBaseline(bytes) {
  const child = spawn(process.execPath, [BASELINE, String(Math.round(bytes))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = stopper(child);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return { url, pid: child.pid, stop };
}
