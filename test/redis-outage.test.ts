// Redis going away under omnihall (issue 13): with REDIS_URL pointing at a redis-server of the
// test's own, which it stops and starts again. The node never exits; meanwhile what needs Redis
// (a USSD dialogue, an IVR call, an SMS confirmation) answers "busy" in its channel's form at once
// and does nothing; once Redis is back the node uses it again by itself.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MENU_TEXT } from '../src/channels/menu.ts';
import { freshDatabase } from './helpers.ts';
import { redisServerUnavailable, startRedisServer, type RedisServer } from './faults/redis-server.ts';
import { serverEnv, sleep, startServer, transcript, type ServerProcess } from './faults/server.ts';

const why = redisServerUnavailable();
let redis: RedisServer | undefined;
let server: ServerProcess | undefined;
let drop: (() => Promise<void>) | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'omnihall-redis-outage-'));
after(async () => {
  await server?.stop();
  await redis?.destroy();
  await drop?.();
  rmSync(dataDir, { recursive: true, force: true });
});

const BUSY = MENU_TEXT.busy['zh-CN'];

test('Redis stopped and started: no exit, USSD, IVR and SMS say busy meanwhile, and it recovers by itself', { skip: why, timeout: 300_000 }, async () => {
  redis = await startRedisServer();
  const fresh = await freshDatabase();
  drop = fresh.drop;
  server = await startServer(serverEnv({ REDIS_URL: redis.url, ...(fresh.url ? { DATABASE_URL: fresh.url } : { OMNIHALL_DATA_DIR: dataDir }) }));
  const base = server.url;
  let session = 0;
  const ussd = async (sessionId: string, text: string): Promise<{ status: number; body: string }> => {
    const r = await fetch(`${base}/channels/ussd/africastalking`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sessionId, serviceCode: '*100#', phoneNumber: '13800000001', text }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: r.status, body: await r.text() };
  };
  const sms = async (text: string): Promise<string> => {
    const r = await fetch(`${base}/channels/sms/kannel?from=13800000001&to=10086&text=${encodeURIComponent(text)}`, { signal: AbortSignal.timeout(30_000) });
    assert.equal(r.status, 200);
    return r.text();
  };
  const ivr = async (): Promise<{ status: number; body: string }> => {
    const r = await fetch(`${base}/channels/ivr/vxml?caller=13800000001`, { signal: AbortSignal.timeout(30_000) });
    return { status: r.status, body: await r.text() };
  };

  // Before: a dialogue is open, and an SMS recharge waits for its code.
  const open = await ussd('redis-outage-1', '');
  assert.ok(open.body.startsWith('CON '), `the USSD menu: ${open.body}`);
  const quote = await sms('CZ 20');
  const code = quote.match(/\b(\d{4})\b/)?.[1];
  assert.ok(code, `the SMS hall asks for a code: ${quote}`);
  assert.match((await ivr()).body, /<vxml/);

  await redis.stop();
  // Once the node has noticed, every hop says busy in its own form.
  const until = Date.now() + 60_000;
  let hop = await ussd('redis-outage-1', '1');
  while (!hop.body.includes(BUSY)) {
    assert.equal(server.exited(), undefined, `omnihall exited:\n${transcript(server.output())}`);
    assert.ok(Date.now() < until, `USSD says busy within 60 s of Redis stopping: ${hop.body}`);
    await sleep(200);
    hop = await ussd(`redis-outage-wait-${++session}`, '');
  }
  assert.equal(hop.status, 200, 'USSD answers 200 so the gateway shows the text');
  assert.ok(hop.body.startsWith(`END ${BUSY}`), `USSD ends with busy: ${hop.body}`);
  const fresh2 = await ussd('redis-outage-2', '');
  assert.ok(fresh2.body.startsWith(`END ${BUSY}`), `a new dialogue too: ${fresh2.body}`);
  const call = await ivr();
  assert.equal(call.status, 200);
  assert.match(call.body, /<vxml/);
  assert.ok(call.body.includes(BUSY), `IVR says busy: ${call.body}`);
  const confirm = await sms(code!);
  assert.match(confirm, /系统繁忙/, `the SMS confirmation says busy: ${confirm}`);
  const another = await sms('CZ 30');
  assert.match(another, /系统繁忙/, `a new SMS charge says busy: ${another}`);
  // what does not need Redis goes on
  assert.equal((await fetch(`${base}/ready`)).status, 200);

  await redis.start();
  const back = Date.now() + 120_000;
  let again = await ussd(`redis-outage-back-${++session}`, '');
  while (!again.body.startsWith('CON ')) {
    assert.ok(Date.now() < back, `USSD serves again within 120 s of Redis coming back: ${again.body}`);
    await sleep(250);
    again = await ussd(`redis-outage-back-${++session}`, '');
  }
  // a whole dialogue moves through the restarted Redis
  const second = await ussd(`redis-outage-back-${session}`, '1');
  assert.equal(second.status, 200);
  assert.ok(!second.body.includes(BUSY), `the dialogue goes on: ${second.body}`);
  assert.match((await ivr()).body, /<vxml/);
  assert.ok(!(await ivr()).body.includes(BUSY), 'IVR serves again');
  // the code sent before the outage was not used (the restarted Redis kept nothing): nothing charged
  assert.doesNotMatch(await sms(code!), /已充值|充值成功|recharged/i);
  assert.equal(server.exited(), undefined, `omnihall never exits:\n${transcript(server.output())}`);
  assert.ok(!/Unhandled error event|Unhandled 'error' event/.test(server.output()), 'every Redis error had a listener');
});
