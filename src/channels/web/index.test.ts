// Serving the built web apps: their files, each app's index.html for its own paths (the hall's
// everywhere, the console's under /console), and plain 404s for server paths and missing files,
// so an app never shadows the API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { RESERVED_PREFIXES, webApp } from './index.ts';

const INDEX = '<!doctype html><title>omnihall</title><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>';
const CONSOLE = '<!doctype html><meta name="csp-nonce" content="" /><title>console</title><div id="root"></div><script type="module" src="/assets/console-def456.js"></script>';

async function appOn(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('application/problem+json').send({ code: 'NOT_FOUND' }));
  app.get('/api/v1/hello', async () => ({ hello: 'world' }));
  await app.register(webApp({ root }));
  await app.ready();
  return app;
}

describe('the built web app', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omnihall-web-'));
    mkdirSync(join(dir, 'assets'));
    mkdirSync(join(dir, 'hall'));
    mkdirSync(join(dir, 'console'));
    writeFileSync(join(dir, 'hall', 'index.html'), INDEX);
    writeFileSync(join(dir, 'console', 'index.html'), CONSOLE);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await appOn(dir);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the hall, the kiosk and every app path get index.html, never cached, with a CSP', async () => {
    for (const url of ['/', '/kiosk', '/kiosk/recharge', '/bills', '/b/pack.subscribe', '/subscriptions?x=1']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, INDEX, url);
      assert.match(String(r.headers['content-type']), /^text\/html/, url);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'/, url);
    }
  });

  test('the console and its paths get its own page, with a fresh style nonce in the page and the CSP', async () => {
    const nonces = new Set<string>();
    for (const url of ['/console', '/console/', '/console/offerings/7', '/console/reviews?status=pending']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.match(r.body, /<title>console<\/title>/, url);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
      const nonce = /<meta name="csp-nonce" content="([^"]+)"/.exec(r.body)?.[1];
      assert.ok(nonce && nonce.length >= 16, `${url} carries a nonce`);
      const policy = String(r.headers['content-security-policy']);
      assert.match(policy, /script-src 'self';/, url);
      assert.ok(policy.includes(`style-src 'self' 'nonce-${nonce}'`), `${url}: ${policy}`);
      nonces.add(nonce);
    }
    assert.equal(nonces.size, 4, 'a new nonce for every page');
    // Not the console: the hall, with no inline styles allowed.
    const hall = await app.inject({ url: '/consoles' });
    assert.equal(hall.body, INDEX);
    assert.match(String(hall.headers['content-security-policy']), /style-src 'self';/);
  });

  test('hashed assets are served and cached for a year', async () => {
    const r = await app.inject({ url: '/assets/index-abc123.js' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, 'console.log("app")');
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await app.inject({ url: '/favicon.svg' })).headers['cache-control'], 'no-cache');
  });

  test('server paths and missing files stay 404s, and API routes still answer', async () => {
    assert.deepEqual((await app.inject({ url: '/api/v1/hello' })).json(), { hello: 'world' });
    for (const prefix of RESERVED_PREFIXES) {
      for (const url of [prefix, `${prefix}/nothing-here`]) {
        const r = await app.inject({ url });
        assert.equal(r.statusCode, 404, url);
        assert.deepEqual(r.json(), { code: 'NOT_FOUND' }, url);
      }
    }
    for (const url of ['/assets/gone-123.js', '/missing.css', '/logo.png']) {
      assert.equal((await app.inject({ url })).statusCode, 404, url);
    }
  });
});

test('before the app is built, its pages say how to build it instead of failing', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'omnihall-web-empty-'));
  const app = await appOn(empty);
  try {
    for (const url of ['/kiosk', '/console']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 503, url);
      assert.match(r.body, /build-web\.mjs/, url);
    }
    assert.equal((await app.inject({ url: '/api/v1/hello' })).statusCode, 200);
  } finally {
    await app.close();
    rmSync(empty, { recursive: true, force: true });
  }
});
