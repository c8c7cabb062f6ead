import { createServer, Socket, type Server } from 'node:net';
import type { Clock, FetchLike, SeatKeeper, SeatKeeperEvents } from '../src/index.js';
import { createLicense, startTestServer, type ManualClock, type TestLicense, type TestServer } from '../../server/test/helpers.js';
import { within } from '../../server/test/wait.js';

export { createLicense, type TestLicense, type TestServer };

export interface LiveServer {
  server: TestServer;
  /** The base URL the server listens on. */
  url: string;
  /** The organization's licensing endpoint at that URL; leases name it as their issuer. */
  endpoint: string;
  close(): Promise<void>;
}

/** A real Leasehold server on a loopback port, on a manual clock, whose public URL is the one it listens on. */
export async function startServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<LiveServer> {
  const server = await startTestServer(options);
  const url = await server.listen();
  server.config.publicUrl = url;
  return { server, url, endpoint: `${url}${server.licensingPath}`, close: () => server.close() };
}

/** Calls the admin API and returns the JSON reply, failing on an unexpected status. */
export async function admin(server: TestServer, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, status = 200): Promise<any> {
  const res = await server.admin(method, url, body);
  if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.body ? res.json() : undefined;
}

/** Seats in use on a license, as the server counts them. */
export async function seatsUsed(server: TestServer, licenseId: string): Promise<number> {
  return (await admin(server, 'GET', `/api/v1/licenses/${licenseId}`)).leasesUsed;
}

/**
 * The keeper's clock in tests: the server's ManualClock, with timers that fire only when the test
 * advances time. `advance` fires what falls due, in order, letting the keeper finish each step
 * (its calls to the real server) before the next.
 */
export class TestClock implements Clock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  constructor(private readonly base: ManualClock) {}

  now(): number {
    return this.base.ms;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.base.ms + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Milliseconds until each pending timer, soonest first. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.base.ms).sort((a, b) => a - b);
  }
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.base.ms + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.base.ms = Math.max(this.base.ms, next[1].at);
      next[1].fn();
    }
    this.base.ms = target;
    await settle();
  }
}

// The global fetch fits the library's FetchLike.
export const globalFetch: FetchLike = fetch;

/** A fetch whose network can be switched off (every call fails as fetch does without a network) or made to answer 503. */
export class Network {
  mode: 'up' | 'down' | '503' = 'up';
  calls: string[] = [];
  readonly fetch: FetchLike = async (url, init) => {
    this.calls.push(`${init.method} ${new URL(url).pathname.split('/').slice(3).join('/')}`);
    if (this.mode === 'down') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    if (this.mode === '503') {
      return new Response(JSON.stringify({ success: false, errorCode: null, message: 'database unavailable' }), {
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '5' },
      });
    }
    return fetch(url, init);
  };
}

/** Records a keeper's events in order. */
export function record(keeper: SeatKeeper): [keyof SeatKeeperEvents, any][] {
  const log: [keyof SeatKeeperEvents, any][] = [];
  for (const name of ['acquired', 'renewed', 'offline', 'online', 'lost', 'limitReached', 'denied', 'released', 'stopped', 'error'] as const) {
    keeper.on(name, (payload) => void log.push([name, payload]));
  }
  return log;
}

export const names = (log: [string, unknown][]) => log.map(([name]) => name);

/**
 * A TCP proxy in front of the server whose network the test can cut: 'refuse' closes new
 * connections at once, 'hang' accepts and never answers, 'drop-response' forwards the request but
 * cuts the connection as the reply comes back (the server did the work; the client never hears).
 */
export class TcpProxy {
  mode: 'pass' | 'refuse' | 'hang' | 'drop-response' = 'pass';
  /** Connections from clients, and the proxy's own to the server. */
  private readonly clients = new Set<Socket>();
  private readonly upstreams = new Set<Socket>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly target: URL) {}

  async start(): Promise<string> {
    this.server = createServer((client) => {
      this.clients.add(client);
      client.on('close', () => this.clients.delete(client));
      client.on('error', () => {});
      if (this.mode === 'refuse') return void client.destroy();
      if (this.mode === 'hang') return;
      const mode = this.mode;
      const upstream = new Socket();
      this.upstreams.add(upstream);
      upstream.on('close', () => this.upstreams.delete(upstream));
      upstream.on('error', () => client.destroy());
      upstream.connect(Number(this.target.port), this.target.hostname);
      client.pipe(upstream);
      if (mode === 'drop-response') upstream.once('data', () => (client.destroy(), upstream.destroy()));
      else upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this.url;
  }

  /**
   * Cuts every open connection (a network that drops mid-way) and sets the mode for new ones.
   * Resolves once every client closed its end too: a client that did has seen its kept-alive
   * connection go, and will not send its next request on it.
   */
  async cut(mode: 'refuse' | 'hang' | 'drop-response' = 'refuse'): Promise<void> {
    this.mode = mode;
    for (const upstream of this.upstreams) upstream.destroy();
    const closing = [...this.clients].map((client) => {
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      // Half-closes: the socket closes once the client answers with its own end, which is seen only
      // if the socket is read (one whose upstream went, or that hangs, is read by nobody).
      client.unpipe();
      client.resume();
      client.end();
      return closed;
    });
    await within('the clients to close their cut connections', Promise.all(closing));
  }

  async restore(): Promise<void> {
    await this.cut();
    this.mode = 'pass';
  }

  async close(): Promise<void> {
    for (const socket of [...this.clients, ...this.upstreams]) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
