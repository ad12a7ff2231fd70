// A broadcast over SMPP to the SMSC simulator, with the SMS centre taken down mid-broadcast and
// brought back on the same address: every recipient gets their text exactly once (none lost in
// the link's queue while it was down, none sent again after it returned), the opted-out get
// nothing, and the simulator's delivery receipts are counted onto the recipients.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { buildServices, type Services } from '../src/container.ts';
import { startSmpp } from '../src/channels/sms/index.ts';
import { SmscSimulator } from '../src/platform/sms/smsc-simulator.ts';
import { silentLog } from '../src/platform/log.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

const CREDS = { systemId: 'omnihall', password: 'secret1' };
const N = 60;

let env: TestEnv;
let s: Services;
let sim: SmscSimulator;

/** Waits until `ok()` holds (checking every few ms), failing after `ms`. No timing is asserted. */
async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

before(async () => {
  env = await startTestEnv({ now: new Date('2026-11-16T10:00:00+08:00') });
  sim = await SmscSimulator.start(CREDS);
  s = await buildServices({ ...env.config, smppUrl: sim.url, smppSystemId: CREDS.systemId, smppPassword: CREDS.password, smppMps: 40, broadcastMaxRate: 40 }, env.db, { clock: env.clock, defaultMetrics: false });
  startSmpp(s, silentLog);
  await s.sms.link!.whenBound();
});
after(async () => {
  await s.broadcastRunner.stop();
  await s.sms.link?.stop();
  await s.close();
  await sim.close();
  await env.close();
});

test('the SMS centre taken down mid-broadcast and back: every recipient once, the opted-out never, receipts counted', async () => {
  const alice: Actor = { id: await createStaffUser(env.db, { username: 'alice', displayName: 'Alice', password: 'correct horse battery', roles: ['marketing'] }), name: 'Alice', roles: ['marketing'] };
  const bob: Actor = { id: await createStaffUser(env.db, { username: 'bob', displayName: 'Bob', password: 'correct horse battery', roles: ['marketing'] }), name: 'Bob', roles: ['marketing'] };
  const subs = [];
  for (let i = 0; i < N; i++) subs.push(await addSubscriber(env.db));
  await s.marketing.mart.refresh(subs.map((x) => x.id));
  const optedOut = new Set(subs.filter((_, i) => i % 10 === 3).map((x) => x.msisdn));
  for (const x of subs) if (optedOut.has(x.msisdn)) await s.marketing.contacts.optOut(x.id, 'sms', 'sms');
  const seg = await s.marketing.segments.importList(alice, { nameZh: '短信中心测试', nameEn: 'SMSC test', csv: subs.map((x) => x.msisdn).join('\n') });
  const b = await s.broadcasts.create(alice, { nameZh: '流量提醒', nameEn: 'Data reminder', segmentId: seg.segment.id, templateZh: '{name}您好，流量包优惠进行中。回TD退订', startsAt: env.clock.now(), rate: 40 });
  await s.broadcasts.submit(alice, b.id);
  await s.broadcasts.review(bob, b.id, { approve: true });

  const accepted = () => sim.submits.filter((x) => x.status === 0);
  const errors: unknown[] = [];
  s.broadcastRunner.start((e) => errors.push(e), 20);
  // A third of the way through, the SMS centre goes down for maintenance.
  await until(() => accepted().length >= N / 3, 'a third of the texts');
  const port = Number(new URL(sim.url.replace('smpp:', 'http:')).port);
  const first = sim;
  await first.unbindAll();
  await first.close();
  await until(() => !s.sms.link!.bound, 'the link noticing');
  const whileDown = await s.broadcasts.view(b.id);
  assert.ok(whileDown.progress.sent < N - optedOut.size, 'some were still to go when the link went down');
  // Back on the same address: the link binds again by itself and the broadcast carries on.
  sim = await SmscSimulator.start(CREDS, port);
  await until(async () => (await s.broadcasts.view(b.id)).status === 'done', 'the broadcast to finish', 60_000);
  await s.broadcastRunner.stop();
  assert.deepEqual(errors, []);

  const all = [...accepted(), ...first.submits.filter((x) => x.status === 0)];
  const perNumber = new Map<string, number>();
  for (const x of all) perNumber.set(x.to, (perNumber.get(x.to) ?? 0) + 1);
  for (const x of subs) {
    if (optedOut.has(x.msisdn)) assert.equal(perNumber.get(x.msisdn), undefined, `${x.msisdn} opted out`);
    else assert.equal(perNumber.get(x.msisdn), 1, `${x.msisdn} exactly once`);
  }
  assert.ok(first.submits.some((x) => x.status === 0) && accepted().length > 0, 'texts went through both SMS centres');
  assert.equal(all[0]!.text, '测试用户您好，流量包优惠进行中。回TD退订');
  const v = await s.broadcasts.view(b.id);
  assert.equal(v.progress.sent, N - optedOut.size);
  assert.deepEqual(v.progress.suppressedBy, { OPT_OUT_CHANNEL: optedOut.size });
  // Every receipt an SMS centre had answered is counted (the link answers one only once it is written).
  await until(() => sim.stats.receiptsSent >= accepted().length, 'the second SMS centre to send its receipts');
  const receipted = first.stats.receiptsSent + sim.stats.receiptsSent;
  await until(async () => { await s.broadcastRunner.syncReceipts(); return (await s.broadcasts.view(b.id)).progress.delivered >= receipted; }, 'receipts counted');
  assert.ok((await s.broadcasts.view(b.id)).progress.delivered <= N - optedOut.size);
});
