// The two web apps built into web/dist: the hall (web hall, mobile hall and kiosk; hall/index.html
// at `/` and `/kiosk`) and the staff console (console/index.html at `/console`). Any other GET
// that is not an API path gets its app's index.html, so the apps' own paths (`/bills`,
// `/kiosk/recharge`, `/console/offerings/7`) load on a reload or from a link.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/** Paths that belong to the server, never to the apps: an unknown one stays a 404 problem. */
export const RESERVED_PREFIXES = ['/api', '/tmf-api', '/channels', '/docs', '/openapi.json', '/health', '/ready', '/metrics'];

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** A request for a file the build would have made; missing, it is a 404 rather than the app. */
const ASSET = /\.(?:js|mjs|css|map|html|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|json|txt|webmanifest|gz|br)$/i;

const CONSOLE = /^\/console(?:\/|$)/;

function reserved(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));
}

/**
 * What an app may load: its own scripts and styles, and the API on the same origin. The console's
 * components (Ant Design) write their styles into <style> elements at run time, so its pages also
 * allow styles carrying that response's nonce, which the page reads from its `csp-nonce` meta tag.
 */
function csp(styleNonce?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    styleNonce ? `style-src 'self' 'nonce-${styleNonce}'` : "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

export interface WebAppOptions {
  /** The built apps; web/dist beside the source by default. */
  root?: string;
}

type App = 'hall' | 'console';

export function webApp(opts: WebAppOptions = {}): FastifyPluginAsync {
  return async (app) => {
    const root = opts.root ?? DEFAULT_WEB_ROOT;
    const pagePath = (a: App) => join(root, a, 'index.html');
    const built = { hall: existsSync(pagePath('hall')), console: existsSync(pagePath('console')) };
    // Read once: the build does not change under a running server (a rebuild needs a restart).
    const consoleHtml = built.console ? readFileSync(pagePath('console'), 'utf8') : '';

    if (built.hall || built.console) {
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
    }
    for (const a of ['hall', 'console'] as const) {
      if (!built[a]) app.log.warn(`web app ${a} not built (no ${pagePath(a)}); run \`node scripts/build-web.mjs\``);
    }

    const page = (reply: FastifyReply, a: App) => {
      reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin').header('cache-control', 'no-cache');
      if (!built[a]) {
        return reply.code(503).header('content-security-policy', csp()).type('text/html; charset=utf-8').send(
          '<!doctype html><meta charset="utf-8"><title>omnihall</title>' +
          '<p>网页应用尚未构建。The web app is not built yet: run <code>node scripts/build-web.mjs</code> (npm start does it).</p>',
        );
      }
      if (a === 'hall') return reply.header('content-security-policy', csp()).sendFile('hall/index.html');
      const nonce = randomBytes(16).toString('base64');
      return reply
        .header('content-security-policy', csp(nonce))
        .header('x-robots-tag', 'noindex')
        .type('text/html; charset=utf-8')
        .send(consoleHtml.replace(/(<meta name="csp-nonce" content=")[^"]*"/, `$1${nonce}"`));
    };

    app.get('/', { schema: { hide: true } }, async (_req, reply) => page(reply, 'hall'));
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const path = req.url.split('?')[0] ?? '/';
      // A missing asset or a server path is a plain 404, not an app. (App paths may hold dots:
      // `/b/pack.subscribe`.)
      if (reserved(path) || ASSET.test(path)) return reply.callNotFound();
      return page(reply, CONSOLE.test(path) ? 'console' : 'hall');
    });
  };
}
