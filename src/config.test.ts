// The configuration read from the environment: TRUST_PROXY's forms, and a bad value refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { loadConfig } from './config.ts';

test('TRUST_PROXY: unset trusts nobody; true, a hop count or a list of addresses and CIDRs', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  assert.throws(() => loadConfig({ TRUST_PROXY: 'the balancer' }));
});

test('behind a trusted balancer the source address is the client’s, not the balancer’s', async () => {
  for (const [trust, want] of [[false, '127.0.0.1'], [loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy, '203.0.113.9']] as const) {
    const app = Fastify({ trustProxy: trust as boolean });
    app.get('/ip', async (req) => req.ip);
    const r = await app.inject({ method: 'GET', url: '/ip', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(r.body, want);
    await app.close();
  }
});

test('OPERATOR_TIME_ZONE: Beijing time unless set; an unknown zone is refused', () => {
  assert.equal(loadConfig({}).operatorTimeZone, 'Asia/Shanghai');
  assert.equal(loadConfig({ OPERATOR_TIME_ZONE: 'Asia/Urumqi' }).operatorTimeZone, 'Asia/Urumqi');
  assert.throws(() => loadConfig({ OPERATOR_TIME_ZONE: 'Beijing' }), /OPERATOR_TIME_ZONE/);
});

test('NATS_URL: the in-process bus unless set; a URL that is not nats:// is refused', () => {
  assert.equal(loadConfig({}).natsUrl, undefined);
  assert.equal(loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' }).natsUrl, 'nats://127.0.0.1:4222');
  assert.equal(loadConfig({ NATS_URL: 'nats://omnihall:secret@nats.internal:4222' }).natsUrl, 'nats://omnihall:secret@nats.internal:4222');
  assert.throws(() => loadConfig({ NATS_URL: 'http://127.0.0.1:4222' }), /NATS_URL/);
  assert.equal(loadConfig({}).natsSubjectPrefix, 'omnihall');
  assert.equal(loadConfig({}).natsAckWaitSeconds, 30);
  assert.throws(() => loadConfig({ NATS_SUBJECT_PREFIX: 'a.b' }), /NATS_SUBJECT_PREFIX/);
});
