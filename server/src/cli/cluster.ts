import cluster, { type Worker } from 'node:cluster';

/** What a worker tells the primary once its server listens. */
export interface ListeningMessage {
  type: 'leasehold:listening';
  url: string;
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'leasehold:listening';
}

export interface PrimaryOptions {
  workers: number;
  /** Called once every worker listens: creates the first organization and prints the banner. */
  ready(url: string): Promise<void>;
  log(message: string): void;
}

/**
 * Runs `leasehold serve --workers N`: forks N processes that each run the whole server on the
 * shared port (node:cluster hands connections out), waits for all of them to listen, restarts one
 * that dies, and on SIGTERM/SIGINT asks every worker to drain and exits when they all have.
 * Nothing is shared in memory: every decision is made in the database, as across machines.
 */
export function runPrimary(options: PrimaryOptions): void {
  let stopping = false;
  let started = false;
  const listening = new Set<number>();
  let failures = 0;

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isListening(message) || started) return;
      listening.add(worker.id);
      if (listening.size === options.workers) {
        started = true;
        options.ready(message.url).catch((err: unknown) => {
          options.log(`start failed: ${(err as Error).message ?? String(err)}`);
          stop('SIGTERM', 1);
        });
      }
    });
    return worker;
  };

  let exitCode = 0;
  const stop = (signal: NodeJS.Signals, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const force = setTimeout(() => {
      options.log('workers did not stop within 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      // A worker still starting has no handler yet and ends by the signal itself: it served nothing.
      if (code !== 0 && signal !== 'SIGTERM') exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!started) {
      // A worker that cannot start (port taken, database unreachable) will not start on a retry either.
      options.log(`worker ${worker.process.pid} exited with ${signal ?? code} before listening`);
      stop('SIGTERM', 1);
      return;
    }
    failures += 1;
    options.log(`worker ${worker.process.pid} exited with ${signal ?? code}; starting another`);
    if (failures > 20) {
      options.log('workers keep dying; giving up');
      stop('SIGTERM', 1);
      return;
    }
    fork();
  });

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGTERM'));
  for (let i = 0; i < options.workers; i++) fork();
}

/** In a worker: tells the primary that this server listens. */
export function reportListening(url: string): void {
  process.send?.({ type: 'leasehold:listening', url } satisfies ListeningMessage);
}

export const isWorker = (): boolean => cluster.isWorker;
