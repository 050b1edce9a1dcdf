import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';

/**
 * Helmet's headers on every answer. The CSP allows only this origin's scripts, which is all
 * /docs needs: Swagger UI is served from local files with no inline script (its inline style
 * attributes need 'unsafe-inline' for styles, and its icons are data: images).
 *
 * helmet's middleware is built once here: @fastify/helmet rebuilt it (and re-parsed the CSP) on
 * every request, 4 % of a signed-in read's CPU time.
 */
export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const production = config.NODE_ENV === 'production';
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Only where the store is served over HTTPS; a local http://localhost would break.
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // Swagger UI and JSON answers need nothing cross-origin-isolated.
    crossOriginEmbedderPolicy: false,
  });
  // helmet 8 throws instead of calling back with an error, and calls back with none.
  app.addHook('onRequest', (req, reply, done) => setHeaders(req.raw, reply.raw, () => done()));

  // Whether CORS headers are sent depends on Origin, so every answer must say so to caches.
  // The tRPC adapter answers with a fetch Response whose own Vary replaces the one
  // @fastify/cors set, so that one is amended too.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('vary', withOrigin(reply.getHeader('vary')));
    if (payload instanceof Response && payload.headers.has('vary')) {
      payload.headers.set('vary', withOrigin(payload.headers.get('vary') ?? undefined));
    }
    return payload;
  });
}

function withOrigin(vary: string | string[] | number | undefined): string {
  const values = (Array.isArray(vary) ? vary.join(',') : String(vary ?? '')).split(',').map((v) => v.trim()).filter(Boolean);
  return values.some((v) => v.toLowerCase() === 'origin' || v === '*') ? values.join(', ') : [...values, 'Origin'].join(', ');
}
