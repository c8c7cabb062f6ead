import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';

/**
 * The two checks a deployment polls. `/healthz` (liveness): the process answers and its database
 * answers a read. `/readyz` (readiness): the database answers a read and a write commits, so an
 * instance whose disk is full, whose database file or mount is read-only or failing answers 503
 * and is taken out of rotation, and 200 again once writes work, without a restart.
 */
export async function healthRoutes(app: FastifyInstance, { store }: { store: Store }): Promise<void> {
  // Checks that arrive while one runs share it: a load balancer polling hard costs one write at a time.
  let running: Promise<void> | undefined;
  const writable = () =>
    (running ??= (async () => {
      try {
        await store.ping();
        await store.probeWrite();
      } finally {
        running = undefined;
      }
    })());

  app.get('/healthz', { schema: { summary: 'Liveness: 200 when the server answers and can read its database, 503 otherwise', tags: ['health'] } }, async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: 200 when the server can read and write its database, 503 otherwise (unreachable, disk full, read-only, I/O errors)', tags: ['health'] } },
    async (request, reply) => {
      try {
        await writable();
        return { status: 'ok' };
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        return reply.code(503).header('retry-after', '5').send({ status: 'unavailable' });
      }
    },
  );
}
