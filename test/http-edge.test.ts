// The HTTP edge: how the server answers requests that are too big, or that carry secrets in the URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => { env = await startTestEnv(); });
after(async () => { await env.close(); });

test('an oversized body answers 413 PAYLOAD_TOO_LARGE, not 400', async () => {
  const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ msisdn: 'x'.repeat(200 * 1024) }) });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().code, 'PAYLOAD_TOO_LARGE');
});

test("a problem's instance is the path alone: the query string (a gateway's token=) is not echoed", async () => {
  const res = await env.app.inject({ method: 'GET', url: '/api/v1/nowhere?token=s3cret&msisdn=13800000001' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().instance, '/api/v1/nowhere');
  assert.doesNotMatch(res.body, /s3cret|13800000001/);
});

// ---- security headers, /metrics, 431 and slow bodies (issue 13) --------------------------------

import { connect, createServer, type AddressInfo } from 'node:net';
import { buildApp } from '../src/app.ts';
import { addSubscriber, callBusiness, signIn } from './helpers.ts';
import type { Config } from '../src/config.ts';

/** The same services behind an app built with other settings. */
async function appWith(config: Partial<Config>) {
  const app = await buildApp({ ...env.s, config: { ...env.s.config, ...config } });
  await app.ready();
  return app;
}

/** Writes raw bytes to a listening app and reads until the server closes the connection. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => { got += d.toString('latin1'); });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.write(bytes);
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((done) => srv.listen(0, '127.0.0.1', done));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((done) => srv.close(() => done()));
  return port;
}

test('every response carries nosniff and a Referrer-Policy; the API, console, TMF and channels are never cached', async () => {
  for (const url of ['/api/v1/nowhere', '/api/v1/console/offerings', '/tmf-api/productCatalogManagement/v4/productOffering?limit=1', '/channels/ivr/vxml', '/docs', '/openapi.json', '/health', '/']) {
    const r = await env.app.inject({ method: 'GET', url });
    assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
    assert.ok(r.headers['referrer-policy'], url);
    assert.equal(r.headers['strict-transport-security'], undefined, `${url}: no HSTS over plain http`);
    if (!['/docs', '/openapi.json', '/health', '/'].includes(url)) assert.equal(r.headers['cache-control'], 'no-store', url);
  }
});

test('HSTS when the request came over TLS, as a trusted proxy says', async () => {
  const app = await appWith({ trustProxy: true });
  try {
    const r = await app.inject({ method: 'GET', url: '/health', headers: { 'x-forwarded-proto': 'https' } });
    assert.match(String(r.headers['strict-transport-security']), /max-age=\d+/);
    const plain = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(plain.headers['strict-transport-security'], undefined);
  } finally {
    await app.close();
  }
  // Without a trusted proxy the header is the client's word, and not believed.
  const r = await env.app.inject({ method: 'GET', url: '/health', headers: { 'x-forwarded-proto': 'https' } });
  assert.equal(r.headers['strict-transport-security'], undefined);
});

test('calls to ids that are not businesses add one `unknown` series to /metrics, not one per id', async () => {
  const sub = await addSubscriber(env.db);
  const token = await signIn(env, sub.msisdn);
  for (let i = 0; i < 300; i++) await callBusiness(env, token, `made-up-${i}`);
  await callBusiness(env, token, 'balance.query');
  const text = (await env.app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.doesNotMatch(text, /made-up-/);
  const unknown = text.split('\n').filter((l) => l.startsWith('omnihall_business_calls_total{') && l.includes('business="unknown"'));
  assert.equal(unknown.length, 1, unknown.join('\n'));
  assert.match(unknown[0]!, / 300$/);
  assert.match(text, /omnihall_business_calls_total\{[^}]*business="balance\.query"/);
});

test('with METRICS_TOKEN, /metrics asks for it as a bearer token', async () => {
  const app = await appWith({ metricsToken: 'metrics-token-0123456789' });
  try {
    const none = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'UNAUTHENTICATED');
    assert.equal((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode, 401);
    const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /omnihall_business_calls_total/);
  } finally {
    await app.close();
  }
});

test('with METRICS_PORT, /metrics is served on that port and not on the main one', async () => {
  const metricsPort = await freePort();
  const app = await appWith({ metricsPort, host: '127.0.0.1' });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const main = (app.server.address() as AddressInfo).port;
    assert.equal((await fetch(`http://127.0.0.1:${main}/metrics`)).status, 404);
    const m = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(m.status, 200);
    assert.match(await m.text(), /omnihall_business_calls_total/);
  } finally {
    await app.close();
  }
});

test('headers too large answer 431 as a problem and close the connection', async () => {
  const app = await appWith({});
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const answer = await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.match(answer, /\r\nConnection: close\r\n/i);
    assert.match(answer, /application\/problem\+json/);
  } finally {
    await app.close();
  }
});

test('a body that does not arrive within REQUEST_TIMEOUT_MS is cut with 408 and the connection closed', async () => {
  const app = await appWith({ requestTimeoutMs: 1000 });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    // Ten bytes promised, one sent, then nothing: the server ends it rather than wait 300 s.
    const answer = await raw(port, 'POST /api/v1/auth/otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{');
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /\r\nConnection: close\r\n/i);
  } finally {
    await app.close();
  }
});
