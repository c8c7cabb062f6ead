import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/leasehold.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends the signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `leasehold serve` with `args` and resolves once it prints its listening line. `wrapper`
 * runs it under another command (e.g. strace and its options).
 */
export async function serve(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000, wrapper: string[] = []): Promise<ServerProcess> {
  const command = [...wrapper, process.execPath, BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args];
  const child = spawn(command[0]!, command.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, sig] = await exited;
      return { code, signal: sig };
    },
  };
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
