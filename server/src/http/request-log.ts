import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A request taking longer than this is logged on its own at warn. */
const SLOW_MS = 1000;
/** How often the counts of requests per route and status are logged. */
const SUMMARY_MS = 60_000;

/**
 * Request logging that costs next to nothing at the default level (info): Fastify's two lines per
 * request are off (`disableRequestLogging`); instead every request is counted per route and
 * status, and the counts are logged once a minute ("requests") and at close. A request gets a line
 * of its own only when it failed (5xx, at error), was slow (at warn), was refused by the admin API
 * (4xx, at info: failed sign-ins, missing rights), or when the level is debug or trace. Lines give
 * the method, the path without its query string, the status and the time taken; never the query
 * string, headers or body, which carry keys, lease codes, tokens, passwords and cookies.
 */
export function logRequests(app: FastifyInstance): void {
  let counts = new Map<string, number>();
  let since = Date.now();

  const summarize = () => {
    if (counts.size === 0) return;
    const requests = Object.fromEntries(counts);
    const seconds = Math.round((Date.now() - since) / 1000);
    counts = new Map();
    since = Date.now();
    app.log.info({ requests, seconds }, 'requests');
  };

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const status = reply.statusCode;
    const key = `${request.method} ${request.routeOptions.url ?? '(no route)'} ${status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const line = { method: request.method, path: request.url.split('?')[0], status, ms };
    if (status >= 500) request.log.error(line, 'request failed');
    else if (ms >= SLOW_MS) request.log.warn(line, 'slow request');
    else if (status >= 400 && request.url.startsWith('/api/')) request.log.info(line, 'request refused');
    else if (request.log.level === 'debug' || request.log.level === 'trace') request.log.debug(line, 'request');
  });

  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    since = Date.now();
    timer = setInterval(summarize, SUMMARY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    summarize();
  });
}
