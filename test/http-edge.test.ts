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
