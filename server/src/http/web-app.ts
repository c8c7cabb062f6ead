import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A year, the longest that caches honour: a hashed file never changes, a new release has new names. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Stored but revalidated at every use, so that a new release's index.html (naming new assets) is picked up at once. */
export const REVALIDATE = 'no-cache';

/**
 * Vite's output names: everything under assets/ is `name-HASH.ext`, HASH eight or more base64url
 * characters of the content. Files from public/ (favicon.svg) and index.html keep their names.
 */
const HASHED = /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/;
/** The build writes these beside each text asset (scripts/compress-web.mjs); they are chosen by Accept-Encoding, never asked for by name. */
const COMPRESSED_SIBLING = /\.(br|gz)$/;

/** The cache policy of a file of the web app, by its path under the root (a compressed sibling counts as its original). */
export function cacheControlOf(pathUnderRoot: string): string {
  const path = pathUnderRoot.split(sep).join('/').replace(COMPRESSED_SIBLING, '');
  return HASHED.test(path) ? IMMUTABLE : REVALIDATE;
}

export interface WebAppOptions {
  /** Whether *.map files are served (LEASEHOLD_SOURCE_MAPS); off, they answer 404 whether built or not. */
  sourceMaps: boolean;
}

/**
 * Serves the built web app at / with client-side routes surviving a reload: any other GET that
 * wants HTML gets index.html. Text files go out as the build compressed them (.br or .gz beside
 * each), chosen from Accept-Encoding with its q-values, with `Vary: Accept-Encoding`; nothing is
 * compressed per request. Without a build, / points to the API reference instead.
 */
export async function serveWebApp(app: FastifyInstance, root: string, { sourceMaps }: WebAppOptions): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));
    return;
  }
  const refused = (pathname: string) => COMPRESSED_SIBLING.test(pathname) || (!sourceMaps && pathname.endsWith('.map'));
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    preCompressed: true,
    // Set per file below: the plugin's own is one max-age for all.
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlOf(relative(root, path)));
    },
    allowedPath: (pathname) => !refused(pathname),
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const html = (request.headers.accept ?? '').includes('text/html');
    const clientRoute = !/^\/(api|licensing|docs|assets)(\/|$)/.test(path) && !refused(path);
    if (request.method === 'GET' && html && clientRoute) return reply.sendFile('index.html');
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path}` } });
  });
}
