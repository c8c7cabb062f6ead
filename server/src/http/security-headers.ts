import type { FastifyInstance } from 'fastify';

/**
 * The web app's policy. Scripts come only from this server's own files: no inline script, no eval.
 * Inline styles are allowed because the component library (Mantine) writes its theme's CSS
 * variables into a <style> element at run time; a style cannot run code.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A year: browsers then refuse plain HTTP to this host for that long after one HTTPS visit. */
const HSTS = 'max-age=31536000';

/**
 * Sets the security headers. Every response: nosniff, so that no answer is ever run as a script or
 * page it was not declared as, and HSTS when the server is reached over HTTPS. Every page (the web
 * app, the API reference at /docs, whatever answers text/html): the Content-Security-Policy above,
 * no framing, and no Referer leaving the page (URLs of the licensing API carry keys and lease
 * codes). Set at onSend so that 404s, errors and files served by plugins get them too; JSON
 * answers of the licensing API get only the two cheap ones.
 */
export function securityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (options.https) reply.header('strict-transport-security', HSTS);
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', APP_CSP);
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cross-origin-opener-policy', 'same-origin');
    }
    done(null, payload);
  });
}
