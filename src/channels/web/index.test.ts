// Serving the built web app: its files, index.html for the app's own paths, and plain 404s
// for server paths and missing files, so the app never shadows the API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { RESERVED_PREFIXES, webApp } from './index.ts';

const INDEX = '<!doctype html><title>omnihall</title><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>';

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
    writeFileSync(join(dir, 'index.html'), INDEX);
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
    const r = await app.inject({ url: '/kiosk' });
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /build-web\.mjs/);
    assert.equal((await app.inject({ url: '/api/v1/hello' })).statusCode, 200);
  } finally {
    await app.close();
    rmSync(empty, { recursive: true, force: true });
  }
});
