/*
 * Programs that tests run as child processes: the CLI server (`serve`), any other program
 * (`startProcess`), and a free port for a process that must be told its port. The server's, the
 * client's and the browser tests all use this file, so it imports nothing from src/: loading it
 * must not load the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { HANG_MS, waitUntil, within } from './wait.js';

/** The CLI entry, as users run it; the only place a test names it. */
export const BIN = fileURLToPath(new URL('../bin/leasehold.js', import.meta.url));

/** How long a stopped process may take to exit before it is killed: the server itself gives up draining after 10 s (15 s with workers). */
export const STOP_MS = 30_000;
/** How long the output of a process that exited may take to arrive when something it started still holds its pipes. */
const OUTPUT_AFTER_EXIT_MS = 5_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessOptions {
  /** The whole environment of the child; this process's unless told. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Leaves stdout and stderr unread, so that their pipes fill up as they do when nobody reads them. */
  unread?: boolean;
  /** A process group of its own, so that `kill` also ends what it started (workers, a wrapper's child). */
  ownGroup?: boolean;
}

/** The processes started here that have not exited: killed when this process exits, so that none outlives a failed test. */
const running = new Set<TestProcess>();
process.once('exit', () => {
  for (const started of running) started.killNow();
});

/** Kills every process started here that still runs, and waits until they exited. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((started) => started.kill()));
}

/** A child process whose output is collected, awaited and shown when something fails. */
export class TestProcess {
  readonly child: ChildProcess;
  /** Resolves with how the process ended. */
  readonly exited: Promise<Exit>;
  private readonly name: string;
  private readonly ownGroup: boolean;
  private readonly unread: boolean;
  private out = '';
  private outStdout = '';
  private outStderr = '';
  private readonly onOutput = new Set<() => void>();

  constructor(command: string, args: string[], options: ProcessOptions = {}) {
    this.name = [basename(command), ...args.map((a) => (a === BIN ? 'leasehold' : a))].join(' ');
    this.ownGroup = options.ownGroup ?? false;
    this.unread = options.unread ?? false;
    this.child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: this.ownGroup });
    running.add(this);
    this.exited = new Promise<Exit>((resolve) => {
      let done = false;
      const finish = (exit: Exit) => {
        if (done) return;
        done = true;
        running.delete(this);
        this.notify();
        resolve(exit);
      };
      this.child.once('exit', (code, signal) => {
        const exit = { code, signal };
        if (this.unread) return finish(exit);
        // Its last lines may still be in the pipes: wait until they are drained, unless a process
        // it started (an orphaned worker) keeps them open.
        const drained = setTimeout(() => finish(exit), OUTPUT_AFTER_EXIT_MS);
        this.child.once('close', () => {
          clearTimeout(drained);
          finish(exit);
        });
      });
      // A command that cannot be started never exits: it ends here.
      this.child.once('error', (err) => {
        const line = `[${this.name}: ${err.message}]\n`;
        this.out += line;
        this.outStderr += line;
        if (this.child.pid === undefined) finish({ code: null, signal: null });
      });
    });
    if (this.unread) {
      this.child.stdout!.pause();
      this.child.stderr!.pause();
    } else {
      this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        this.outStdout += chunk;
        this.out += chunk;
        this.notify();
      });
      this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        this.outStderr += chunk;
        this.out += chunk;
        this.notify();
      });
    }
  }

  /** Everything it printed so far, stdout and stderr in the order they arrived. */
  output(): string {
    return this.unread ? `${this.out}(its output is left unread)` : this.out;
  }

  stdout(): string {
    return this.outStdout;
  }

  stderr(): string {
    return this.outStderr;
  }

  /** Whether the process has not exited yet. */
  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && running.has(this);
  }

  /** The command line and output, for a failure message. */
  describe(): string {
    return `--- ${this.name} ---\n${this.output()}`;
  }

  /** Resolves with the first match of `pattern` in its stdout (or all its output); fails once it ended without, or after `timeoutMs`. */
  async waitForOutput(pattern: RegExp, options: { stream?: 'stdout' | 'any'; timeoutMs?: number } = {}): Promise<RegExpExecArray> {
    const text = () => (options.stream === 'any' ? this.out : this.outStdout);
    let wake = () => {};
    const changed = () => wake();
    this.onOutput.add(changed);
    try {
      return await within(
        `${pattern} in the output of ${this.name}`,
        (async () => {
          for (;;) {
            const next = new Promise<void>((resolve) => (wake = resolve));
            const m = pattern.exec(text());
            if (m) return m;
            // Ended: exited, and its output is all here.
            if (!running.has(this)) throw new Error(`${this.name} exited (${describeExit(await this.exited)}) before printing ${pattern}\n${this.describe()}`);
            await next;
          }
        })(),
        { timeoutMs: options.timeoutMs, diagnostics: () => this.describe() },
      );
    } finally {
      this.onOutput.delete(changed);
    }
  }

  /** Resolves with how it ended, for a process that ends by itself; fails when it still runs after `timeoutMs`. */
  waitForExit(timeoutMs = HANG_MS): Promise<Exit> {
    return within(`${this.name} to exit`, this.exited, { timeoutMs, diagnostics: () => this.describe() });
  }

  /** How it ended, once it did within `timeoutMs`; undefined while it still runs. */
  async exitWithin(timeoutMs: number): Promise<Exit | undefined> {
    return within('the exit', this.exited, { timeoutMs }).catch(() => undefined);
  }

  /** Sends `signal` to the process itself (not its group). */
  signal(signal: NodeJS.Signals): void {
    if (this.isRunning) this.child.kill(signal);
  }

  /**
   * Sends `signal` and resolves with how the process ended; one that has not exited after
   * `graceMs` is killed (with its group), and its output says so.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = STOP_MS): Promise<Exit> {
    this.signal(signal);
    const exit = await this.exitWithin(graceMs);
    if (exit) return exit;
    this.out += `\n[${this.name}: still running ${graceMs} ms after ${signal}; killed]\n`;
    return this.kill();
  }

  /** SIGKILL, to its whole group when it has one; resolves once it exited. */
  async kill(): Promise<Exit> {
    this.killNow();
    return this.exited;
  }

  /** @internal SIGKILL without waiting, for the exit of this process. */
  killNow(): void {
    // Never once it ended: its pid, and so its group id, may belong to someone else by then.
    if (this.child.pid === undefined || !running.has(this)) return;
    try {
      if (this.ownGroup) process.kill(-this.child.pid, 'SIGKILL');
      else if (this.isRunning) this.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  private notify(): void {
    for (const listener of this.onOutput) listener();
  }
}

const describeExit = (exit: Exit) => (exit.signal ? `by ${exit.signal}` : `with code ${exit.code}`);

/** Starts any program, e.g. an example application. */
export function startProcess(command: string, args: string[], options: ProcessOptions = {}): TestProcess {
  return new TestProcess(command, args, options);
}

/** The environment a runner may set for servers (PORT, DATABASE_URL, LEASEHOLD_*, ...), which a test of the CLI's own defaults must not inherit. */
export function environmentWithoutServerSettings(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (['PORT', 'HOST', 'PUBLIC_URL', 'DATABASE_URL', 'LOG_LEVEL'].includes(name) || name.startsWith('LEASEHOLD_')) delete env[name];
  }
  return { ...env, ...extra };
}

export interface ServeOptions {
  /** Added to the environment. */
  env?: Record<string, string>;
  /** Start from an environment without the runner's server settings (see environmentWithoutServerSettings). */
  withoutServerSettings?: boolean;
  cwd?: string;
  /** `--log-level`, warn unless told; null gives no flag (LOG_LEVEL or the default decides). */
  logLevel?: string | null;
  /**
   * How to know it is ready: its listening line, on a port the system chose (`--port 0`, the
   * default); or /healthz answering 200 on a free port chosen beforehand, for output nobody reads.
   */
  readyWhen?: 'listening' | 'healthy';
  unread?: boolean;
  ownGroup?: boolean;
  /** Runs it under another command: strace and its options. */
  wrapper?: string[];
  /** Fail when it is not ready after so many milliseconds; HANG_MS unless told. */
  startMs?: number;
}

export interface ServerProcess extends TestProcess {
  /** Its base URL, http://127.0.0.1:port. */
  readonly url: string;
  /** Everything it printed to stdout up to and including its listening line ('' when ready by /healthz). */
  readonly banner: string;
}

/** The server's start line: "Leasehold <version> listening on <url> (...)". */
const LISTENING = /^Leasehold \S+ listening on (http:\/\/\S+)/m;

/**
 * Starts `leasehold serve` with `args` (`--database`, `--workers`, ...; it chooses the port
 * itself) and resolves once it is ready; one that exits first or is not ready in time is killed,
 * and the failure carries its output. Stop it with `stop()`.
 */
export async function serve(args: string[], options: ServeOptions = {}): Promise<ServerProcess> {
  if ((options.readyWhen ?? 'listening') === 'listening') return serveOnce(args, options);
  // A port chosen beforehand can be taken by another test file's server (they run in parallel)
  // before this one listens on it, and then it exits at once; when its output is unread nothing
  // tells why. So a server that exits before it answers gets a new port, twice at most: one that
  // cannot start fails all three times, and the last failure is what the test reports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await serveOnce(args, options);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof ExitedEarly)) throw err;
    }
  }
}

/** A server that exited before it was ready. */
class ExitedEarly extends Error {}

async function serveOnce(args: string[], options: ServeOptions): Promise<ServerProcess> {
  const readyWhen = options.readyWhen ?? 'listening';
  if (options.unread && readyWhen !== 'healthy') throw new Error('a server whose output is unread can only be found ready by /healthz');
  const port = readyWhen === 'healthy' ? await freePort() : 0;
  const logLevel = options.logLevel === undefined ? 'warn' : options.logLevel;
  const command = [...(options.wrapper ?? []), process.execPath, BIN, 'serve', '--port', String(port), ...(logLevel === null ? [] : ['--log-level', logLevel]), ...args];
  const base = options.withoutServerSettings ? environmentWithoutServerSettings() : process.env;
  const server = new TestProcess(command[0]!, command.slice(1), { env: { ...base, ...options.env }, cwd: options.cwd, unread: options.unread, ownGroup: options.ownGroup });
  try {
    if (readyWhen === 'listening') {
      const line = await server.waitForOutput(LISTENING, { timeoutMs: options.startMs });
      return Object.assign(server, { url: line[1]!, banner: server.stdout() });
    }
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(
      `${url}/healthz to answer 200`,
      async () => {
        if (!server.isRunning) throw new ExitedEarly(`the server exited (${describeExit(await server.exited)}) before it answered\n${server.describe()}`);
        return fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then(
          (res) => (void res.body?.cancel(), res.status === 200),
          () => false,
        );
      },
      { timeoutMs: options.startMs ?? HANG_MS, diagnostics: () => server.describe() },
    );
    return Object.assign(server, { url, banner: '' });
  } catch (err) {
    await server.kill();
    throw err;
  }
}

/** A JSON call over real HTTP. */
export async function call(url: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' = 'GET', body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Creates a product, feature, customer and license through the admin API at `url`; returns the license id and key. */
export async function createLicenseOver(url: string, token: string, leaseLimit: number | null): Promise<{ id: string; key: string }> {
  const ok = async (path: string, body: unknown) => {
    const res = await call(`${url}/api/v1${path}`, 'POST', body, token);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; keys: string[] };
  };
  const suffix = Math.random().toString(36).slice(2, 8);
  const product = await ok('/products', { name: `product-${suffix}` });
  const feature = await ok(`/products/${product.id}/features`, { name: 'core' });
  const customer = await ok('/customers', { name: `Customer ${suffix}` });
  const license = await ok('/licenses', { customerId: customer.id, featureIds: [feature.id], leaseLimit });
  return { id: license.id, key: license.keys[0]! };
}

/** A loopback port free right now, for a process that must be told its port before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
