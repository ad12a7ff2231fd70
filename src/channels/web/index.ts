// The web hall, mobile hall and kiosk: the React app built into web/dist, served at `/` and
// `/kiosk`. Any other GET that is not an API path gets index.html, so the app's own paths
// (`/bills`, `/kiosk/recharge`) load on a reload or from a link.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/** Paths that belong to the server, never to the app: an unknown one stays a 404 problem. */
export const RESERVED_PREFIXES = ['/api', '/tmf-api', '/channels', '/docs', '/openapi.json', '/health', '/ready', '/metrics'];

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** A request for a file the build would have made; missing, it is a 404 rather than the app. */
const ASSET = /\.(?:js|mjs|css|map|html|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|json|txt|webmanifest|gz|br)$/i;

function reserved(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));
}

/** What the app may load: its own scripts and styles, and the API on the same origin. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface WebAppOptions {
  /** The built app; web/dist beside the source by default. */
  root?: string;
}

export function webApp(opts: WebAppOptions = {}): FastifyPluginAsync {
  return async (app) => {
    const root = opts.root ?? DEFAULT_WEB_ROOT;
    const built = existsSync(join(root, 'index.html'));

    if (built) {
      await app.register(fastifyStatic, {
        root,
        // Files are listed once at start-up: no wildcard route, so unknown paths reach the fallback below.
        wildcard: false,
        index: false,
        preCompressed: true,
        setHeaders(reply, path) {
          // Vite puts a content hash in every asset name, so they never change under one URL.
          reply.header('cache-control', /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
          reply.header('x-content-type-options', 'nosniff');
        },
      });
    } else {
      app.log.warn(`web app not built (no ${join(root, 'index.html')}); run \`node scripts/build-web.mjs\``);
    }

    const page = (reply: FastifyReply) => {
      reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin');
      if (built) return reply.sendFile('index.html');
      return reply.code(503).type('text/html; charset=utf-8').send(
        '<!doctype html><meta charset="utf-8"><title>omnihall</title>' +
        '<p>网上营业厅尚未构建。The web app is not built yet: run <code>node scripts/build-web.mjs</code> (npm start does it).</p>',
      );
    };

    app.get('/', { schema: { hide: true } }, async (_req, reply) => page(reply));
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const path = req.url.split('?')[0] ?? '/';
      // A missing asset or a server path is a plain 404, not the app. (App paths may hold dots:
      // `/b/pack.subscribe`.)
      if (reserved(path) || ASSET.test(path)) return reply.callNotFound();
      return page(reply);
    });
  };
}
