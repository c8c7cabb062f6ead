import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** Log lines kept in memory at most while the output does not keep up; later lines are dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface Logs {
  logger: Logger;
  /** Writes what is buffered; resolves when written or after `timeoutMs`, whichever comes first. */
  flush(timeoutMs: number): Promise<void>;
  /** Whether nothing is buffered or being written now (see `flush`). */
  idle(): boolean;
}

/** What a request line says about the request: never its query string, headers or body, where secrets travel. */
function requestFields(request: { method?: string; url?: string; routeOptions?: { url?: string } }) {
  return { method: request.method, path: (request.url ?? '').split('?')[0] };
}

/**
 * The server's logger: JSON lines on stdout that never block the process. Writes go out
 * asynchronously from a bounded buffer: when nobody reads the output (a full pipe), lines beyond
 * the buffer are dropped rather than held, and nothing waits for the pipe, neither a request nor
 * the exit (pino would otherwise flush synchronously at exit, retrying forever).
 */
export function createLogs(level: LogLevel, fd = 1): Logs {
  // A process started with a pipe as its output gets it in blocking mode, and an asynchronous write
  // to a full one then blocks a thread of libuv's pool for good, which holds the exit too. Node puts
  // the pipe in non-blocking mode when it opens process.stdout (or stderr): a full pipe then refuses
  // the write (EAGAIN), the destination tries again a little later, and nothing waits.
  if (fd === 1) void process.stdout;
  else if (fd === 2) void process.stderr;
  const destination = pino.destination({ dest: fd, sync: false, maxLength: MAX_BUFFERED_BYTES });
  // pino flushes this destination synchronously when the process exits, retrying until the pipe
  // takes everything: with nobody reading, forever. `flush` (below) is the bounded way.
  destination.flushSync = () => undefined;
  const logger = pino(
    {
      level,
      serializers: {
        req: requestFields,
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
        // The message, code and stack only: drivers attach the statement's details to their errors.
        err: (err: unknown) => {
          if (!(err instanceof Error)) return err;
          const { code } = err as { code?: unknown };
          return { type: err.name, message: err.message, ...(code === undefined ? {} : { code }), stack: err.stack };
        },
      },
      // Nothing logs these, and nothing shall: should a header ever be logged, its secrets are not.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'headers.authorization', 'headers.cookie', 'headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
    destination,
  );
  // sonic-boom calls back from flush() at once unless lines are buffered by minLength; what tells
  // whether lines are still on their way out is its write state, and 'drain' when they are out.
  // The two fields are sonic-boom's own, not its API: test/logging-flush.test.ts fails when a
  // version of it no longer has them (flush would then wait its whole timeout at every exit).
  const state = destination as unknown as { _writing?: boolean; _len?: number };
  const idle = () => state._writing === false && state._len === 0;
  return {
    logger,
    idle,
    flush: (timeoutMs) =>
      new Promise<void>((resolve) => {
        if (idle()) return resolve();
        const done = () => {
          clearTimeout(timer);
          destination.off('drain', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        timer.unref();
        destination.on('drain', done);
      }),
  };
}
