// SMS broadcasts: templates and what they cost on the air, review by a
// second person with unknown variables and sensitive words refused at approval, a broadcast that
// sends nothing to the opted-out, the do-not-disturb list or the capped, quiet hours that hold it
// until morning, pause, resume and cancel, delivery receipts counted, and a node that stops (or
// dies) mid-broadcast: nothing lost, nothing sent twice. Sent through the SMS outbox here;
// test/marketing-broadcast-smsc.test.ts sends over SMPP to the SMSC simulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import { BroadcastRunner, measureSms, renderTemplate, unknownVariables } from '../src/modules/marketing/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { SmppLink } from '../src/platform/sms/smpp.ts';
import { bulkSender } from '../src/platform/sms/bulk-sender.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let marketer: string;
let reviewer: string;
let alice: Actor;
let offerId: number;

/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s}+08:00`);

const call = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  env.app.inject({ method, url: `/api/v1/console${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

before(async () => {
  env = await startTestEnv({ now: bj('2026-11-16T10:00:00') });
  [marketer, reviewer] = await Promise.all([staffToken(env, ['marketing']), staffToken(env, ['marketing'])]);
  alice = { id: await createStaffUser(env.db, { username: 'alice', displayName: 'Alice', password: 'correct horse battery', roles: ['marketing'] }), name: 'Alice', roles: ['marketing'] };
  const bob: Actor = { id: await createStaffUser(env.db, { username: 'bob', displayName: 'Bob', password: 'correct horse battery', roles: ['marketing'] }), name: 'Bob', roles: ['marketing'] };
  const o = await env.s.marketing.offers.create(alice, {
    offeringId: 'PK-DATA-3G', nameZh: '3GB流量包', nameEn: '3 GB pack', pitchZh: '3GB仅需10元', pitchEn: '3 GB for ¥10', priceFen: 1000, validityDays: 30,
    budget: 1000, marginFen: 600, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T15:00:00Z',
  });
  await env.s.marketing.offers.submit(alice, o.id);
  await env.s.marketing.offers.review(bob, o.id, { approve: true });
  offerId = o.id;
});
after(async () => { await env.close(); });

/** The clock moved to another day: staff sign in again (tokens last hours, not days). */
async function at(when: string): Promise<void> {
  env.clock.set(bj(when));
  [marketer, reviewer] = await Promise.all([staffToken(env, ['marketing']), staffToken(env, ['marketing'])]);
}

/** A static segment of new subscribers; returns it with their ids and numbers. */
async function segmentOf(n: number): Promise<{ segmentId: number; subs: { id: number; msisdn: string }[] }> {
  const subs = [];
  for (let i = 0; i < n; i++) subs.push(await addSubscriber(env.db));
  await env.s.marketing.mart.refresh(subs.map((s) => s.id));
  const r = await env.s.marketing.segments.importList(alice, { nameZh: `名单${subs[0]!.msisdn}`, nameEn: `List ${subs[0]!.msisdn}`, csv: subs.map((s) => s.msisdn).join('\n') });
  return { segmentId: r.segment.id, subs };
}

/** Created by the marketer, submitted, approved by the reviewer; starts now. */
async function approved(segmentId: number, over: Record<string, unknown> = {}): Promise<number> {
  const made = await call(marketer, 'POST', '/marketing/broadcasts', {
    nameZh: '流量包推荐', nameEn: 'Data pack', segmentId, offerId, templateZh: '{name}您好，{offer}仅{price}，{expires}前有效。回TD退订', startsAt: env.clock.now().toISOString(), rate: 50, ...over,
  });
  assert.equal(made.statusCode, 201, made.body);
  const id = made.json().id as number;
  assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${id}/submit`)).json().status, 'submitted');
  const ok = await call(reviewer, 'POST', `/marketing/broadcasts/${id}/approve`);
  assert.equal(ok.statusCode, 200, ok.body);
  return id;
}

/** The broadcast texts in the outbox, by number. */
async function outboxCounts(msisdns: string[]): Promise<Map<string, number>> {
  const rows = await env.db.selectFrom('smsOutbox').select(['msisdn']).where('purpose', '=', 'broadcast').where('msisdn', 'in', msisdns).execute();
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.msisdn, (out.get(r.msisdn) ?? 0) + 1);
  return out;
}

const view = async (id: number) => (await call(marketer, 'GET', `/marketing/broadcasts/${id}`)).json();

describe('templates and their length on the air', () => {
  test('variables are found, filled in, and unknown ones listed', () => {
    assert.deepEqual(unknownVariables('{name}您好 {nmae}，{price} {} {1x} {offer}'), ['nmae']);
    assert.equal(renderTemplate('{name}您好，{offer}{nmae}', { name: '李明', offer: '3GB流量包' }), '李明您好，3GB流量包{nmae}');
  });

  test('GSM-7 fits 160 in one part and 153 a part after; UCS-2 70 and 67; an extension character counts two', () => {
    assert.deepEqual([measureSms('a'.repeat(160)).parts, measureSms('a'.repeat(161)).parts, measureSms('a'.repeat(306)).parts, measureSms('a'.repeat(307)).parts], [1, 2, 2, 3]);
    assert.deepEqual([measureSms('中'.repeat(70)).parts, measureSms('中'.repeat(71)).parts, measureSms('中'.repeat(134)).parts, measureSms('中'.repeat(135)).parts], [1, 2, 2, 3]);
    assert.equal(measureSms('€'.repeat(80)).length, 160);
    assert.equal(measureSms('€'.repeat(81)).parts, 2);
    const m = measureSms('您好，a');
    assert.deepEqual([m.encoding, m.length, m.perPart, m.remaining], ['ucs2', 4, 70, 66]);
  });
});

describe('the console: preview, review and refusals', () => {
  test('a preview shows the sample text, its encoding, length and parts, unknown variables and sensitive words', async () => {
    const r = await call(marketer, 'POST', '/marketing/broadcasts/preview', { template: '{name}您好，{offer}仅{price}，全网最低价 {nmae}', offerId });
    assert.equal(r.statusCode, 200);
    const p = r.json();
    assert.equal(p.sample, '李明您好，3GB流量包仅10.00元，全网最低价 {nmae}');
    assert.deepEqual(p.measure, { encoding: 'ucs2', length: p.sample.length, parts: 1, perPart: 70, remaining: 70 - p.sample.length });
    assert.deepEqual(p.unknownVariables, ['nmae']);
    assert.deepEqual(p.sensitiveWords.map((h: { word: string }) => h.word), ['最低价']);
    assert.equal((await call(marketer, 'POST', '/marketing/broadcasts/preview', { template: '{offer}仅{price}' })).json().offerNeeded, true);
  });

  test('too fast a rate, a missing segment and bad input are refused and nothing is made', async () => {
    const { segmentId } = await segmentOf(1);
    const base = { nameZh: '甲', nameEn: 'A', segmentId, templateZh: '您好', startsAt: env.clock.now().toISOString(), rate: 10 };
    const fast = await call(marketer, 'POST', '/marketing/broadcasts', { ...base, rate: env.s.broadcasts.maxRate + 1 });
    assert.equal(fast.statusCode, 422);
    assert.equal(fast.json().code, 'BROADCAST_RATE_TOO_HIGH');
    assert.equal((await call(marketer, 'POST', '/marketing/broadcasts', { ...base, segmentId: 999_999 })).json().code, 'SEGMENT_NOT_FOUND');
    assert.equal((await call(marketer, 'POST', '/marketing/broadcasts', { ...base, rate: 'fast' })).statusCode, 400);
    assert.equal((await call(marketer, 'POST', '/marketing/broadcasts', { ...base, templateZh: '   ' })).json().code, 'INVALID_INPUT');
    assert.equal((await call(marketer, 'GET', '/marketing/broadcasts')).json().items.filter((b: { segmentId: number }) => b.segmentId === segmentId).length, 0);
  });

  test('a broadcast to a segment with no members now is saved as a draft but not submitted; once it has members it is', async () => {
    const rich = 777_777_01;
    const seg = await env.s.marketing.segments.create(alice, { nameZh: '余额恰好777777.01元', nameEn: 'Balance exactly 777,777.01', rule: { feature: 'balanceFen', op: 'eq', value: rich } });
    assert.equal(seg.size, 0);
    const made = await call(marketer, 'POST', '/marketing/broadcasts', { nameZh: '空客群', nameEn: 'Empty segment', segmentId: seg.id, templateZh: '您好', startsAt: env.clock.now().toISOString(), rate: 10 });
    assert.equal(made.statusCode, 201, 'a draft to it is saved');
    const id = made.json().id as number;
    const refused = await env.app.inject({ method: 'POST', url: `/api/v1/console/marketing/broadcasts/${id}/submit`, headers: { authorization: `Bearer ${marketer}`, 'accept-language': 'en' } });
    assert.equal(refused.statusCode, 409);
    const p = refused.json();
    assert.deepEqual([p.code, p.path, p.segmentId], ['SEGMENT_EMPTY', 'segmentId', seg.id], 'said at the segment');
    assert.match(p.detail, /^The segment has no members now/);
    assert.match(p.messages['zh-CN'], /^该客群目前没有成员，不能提交审核/);
    assert.equal((await view(id)).status, 'draft', 'still a draft');
    assert.equal((await env.db.selectFrom('auditEntry').select('id').where('entityType', '=', 'broadcast').where('entityId', '=', String(id)).where('action', '=', 'broadcast.submit').execute()).length, 0, 'no submission audited');

    // Its members are counted now, not when it was made: one who joins it lets it go for review.
    const joined = await addSubscriber(env.db, { balanceFen: rich });
    await env.s.marketing.mart.refresh([joined.id]);
    assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${id}/submit`)).json().status, 'submitted');
    await call(marketer, 'POST', `/marketing/broadcasts/${id}/cancel`);
  });

  test('approval is a second person, and refuses unknown variables, offer variables without an offer and sensitive words', async () => {
    const { segmentId } = await segmentOf(1);
    const draft = async (templateZh: string, extra: Record<string, unknown> = {}) => {
      const id = (await call(marketer, 'POST', '/marketing/broadcasts', { nameZh: '甲', nameEn: 'A', segmentId, templateZh, startsAt: env.clock.now().toISOString(), rate: 10, ...extra })).json().id as number;
      assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${id}/submit`)).statusCode, 200);
      return id;
    };
    const typo = await draft('{nmae}您好，流量包优惠');
    assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${typo}/approve`)).json().code, 'SELF_REVIEW');
    const refused = await call(reviewer, 'POST', `/marketing/broadcasts/${typo}/approve`);
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().code, 'TEMPLATE_UNKNOWN_VARIABLE');
    assert.deepEqual(refused.json().variables, ['nmae']);
    assert.equal((await view(typo)).status, 'submitted');
    const noOffer = await draft('{offer}仅{price}');
    assert.equal((await call(reviewer, 'POST', `/marketing/broadcasts/${noOffer}/approve`)).json().code, 'TEMPLATE_NEEDS_OFFER');
    const ad = await draft('本月最佳流量包', { templateEn: 'Best deal' });
    const adRefused = await call(reviewer, 'POST', `/marketing/broadcasts/${ad}/approve`);
    assert.equal(adRefused.json().code, 'SENSITIVE_WORDS');
    assert.equal(adRefused.json().words[0].word, '最佳');
    // Rejected with a reason, edited back into a draft, and approved once clean.
    assert.equal((await call(reviewer, 'POST', `/marketing/broadcasts/${ad}/reject`, { reason: '含广告法禁用词' })).json().status, 'rejected');
    const fixed = await call(marketer, 'PUT', `/marketing/broadcasts/${ad}`, { nameZh: '甲', nameEn: 'A', segmentId, templateZh: '本月流量包优惠', startsAt: env.clock.now().toISOString(), rate: 10 });
    assert.equal(fixed.json().status, 'draft');
    await call(marketer, 'POST', `/marketing/broadcasts/${ad}/submit`);
    assert.equal((await call(reviewer, 'POST', `/marketing/broadcasts/${ad}/approve`)).json().status, 'approved');
    const actions = (await env.db.selectFrom('auditEntry').select('action').where('entityType', '=', 'broadcast').where('entityId', '=', String(ad)).orderBy('id').execute()).map((a) => a.action);
    assert.deepEqual(actions, ['broadcast.create', 'broadcast.submit', 'broadcast.review.reject', 'broadcast.update', 'broadcast.submit', 'broadcast.review.approve']);
    // Nothing refused ever started; the clean one is cancelled before it starts and sends nothing.
    assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${ad}/cancel`)).json().status, 'cancelled');
    for (const id of [typo, noOffer, ad]) await call(marketer, 'POST', `/marketing/broadcasts/${id}/cancel`);
    await env.s.broadcastRunner.drain();
    for (const id of [typo, noOffer, ad]) assert.equal((await view(id)).progress.sent, 0);
  });
});

describe('sending', () => {
  test('the opted-out, the do-not-disturb list and the capped get nothing; everyone else gets their own text once; receipts are counted', async () => {
    const { segmentId, subs } = await segmentOf(8);
    const [optedOut, smsOptedOut, dnd, capped] = subs;
    await env.s.marketing.contacts.optOut(optedOut!.id, 'all', 'sms');
    await env.s.marketing.contacts.optOut(smsOptedOut!.id, 'sms', 'hall');
    await env.s.marketing.contacts.addToDnd(alice, dnd!.id, '投诉过营销短信');
    // One marketing SMS a day: this one had theirs this morning.
    assert.equal((await env.s.marketing.contacts.request(env.db, { subscriberId: capped!.id, channel: 'sms', kind: 'marketing', purpose: 'offer:1' })).outcome, 'send');
    const id = await approved(segmentId);
    await env.s.broadcastRunner.drain();
    const v = await view(id);
    assert.equal(v.status, 'done');
    assert.equal(v.progress.recipients, 8);
    assert.equal(v.progress.sent, 4);
    assert.equal(v.progress.suppressed, 4);
    assert.deepEqual(v.progress.suppressedBy, { OPT_OUT: 1, OPT_OUT_CHANNEL: 1, DO_NOT_DISTURB: 1, CAP_CHANNEL_DAY: 1 });
    const counts = await outboxCounts(subs.map((s) => s.msisdn));
    for (const s of subs.slice(0, 4)) assert.equal(counts.get(s.msisdn), undefined, `${s.msisdn} was suppressed`);
    for (const s of subs.slice(4)) assert.equal(counts.get(s.msisdn), 1, `${s.msisdn} once`);
    const text = await env.db.selectFrom('smsOutbox').select('text').where('msisdn', '=', subs[4]!.msisdn).executeTakeFirstOrThrow();
    assert.equal(text.text, '测试用户您好，3GB流量包仅10.00元，2026年12月31日前有效。回TD退订');
    // The SMS centre's receipts, as the SMPP link records them, counted onto the recipients.
    const rows = (await call(marketer, 'GET', `/marketing/broadcasts/${id}/recipients?state=sent`)).json().items as { msisdn: string; messageId: string }[];
    assert.equal(rows.length, 4);
    const at = env.clock.now();
    await env.s.sms.receipts.record({ messageId: rows[0]!.messageId, msisdn: `86${rows[0]!.msisdn}`, state: 'DELIVRD', errorCode: null, submittedAt: at, doneAt: at, raw: '' }, at);
    await env.s.sms.receipts.record({ messageId: rows[1]!.messageId, msisdn: rows[1]!.msisdn, state: 'UNDELIV', errorCode: '001', submittedAt: at, doneAt: at, raw: '' }, at);
    // A receipt with a message id of another number is not theirs.
    await env.s.sms.receipts.record({ messageId: rows[2]!.messageId, msisdn: '13000000000', state: 'DELIVRD', errorCode: null, submittedAt: at, doneAt: at, raw: '' }, at);
    await env.s.broadcastRunner.syncReceipts();
    const after = await view(id);
    assert.equal(after.progress.delivered, 1);
    assert.equal(after.progress.undelivered, 1);
  });

  test('at night quiet hours hold every text until 08:00, then each goes once', async () => {
    const { segmentId, subs } = await segmentOf(3);
    await at('2026-11-17T22:30:00');
    const id = await approved(segmentId);
    await env.s.broadcastRunner.drain();
    let v = await view(id);
    assert.equal(v.status, 'running');
    assert.deepEqual(v.progress.heldBy, { QUIET_HOURS: 3 });
    assert.equal((await outboxCounts(subs.map((s) => s.msisdn))).size, 0);
    await at('2026-11-18T07:59:00');
    await env.s.broadcastRunner.drain();
    assert.equal((await outboxCounts(subs.map((s) => s.msisdn))).size, 0);
    await at('2026-11-18T08:00:00');
    await env.s.broadcastRunner.drain();
    v = await view(id);
    assert.equal(v.status, 'done');
    assert.equal(v.progress.sent, 3);
    assert.deepEqual([...(await outboxCounts(subs.map((s) => s.msisdn))).values()], [1, 1, 1]);
    // The held decisions were closed and one new one made each: the caps count one text each.
    const contacts = await env.db.selectFrom('contact').select(['status']).where('purpose', '=', `broadcast:${id}`).execute();
    assert.deepEqual(contacts.map((c) => c.status).sort(), ['released', 'released', 'released', 'sent', 'sent', 'sent']);
  });

  test('pause stops taking recipients, resume carries on, cancel leaves the rest unsent', async () => {
    await at('2026-11-19T10:00:00');
    const { segmentId, subs } = await segmentOf(30);
    const id = await approved(segmentId, { rate: 10 });
    const runner = env.s.broadcastRunner;
    // One pass takes a second's worth at 10 a second.
    await runner.tick();
    await runner.stop();
    assert.equal((await view(id)).progress.sent, 10);
    assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${id}/pause`)).json().status, 'paused');
    assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${id}/pause`)).json().code, 'INVALID_TRANSITION');
    await runner.drain();
    assert.equal((await view(id)).progress.sent, 10);
    assert.equal((await view(id)).progress.queued, 20);
    assert.equal((await call(marketer, 'POST', `/marketing/broadcasts/${id}/resume`)).json().status, 'running');
    await runner.tick();
    await runner.stop();
    assert.equal((await view(id)).progress.sent, 20);
    const cancelled = (await call(marketer, 'POST', `/marketing/broadcasts/${id}/cancel`)).json();
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.progress.cancelled, 10);
    await runner.drain();
    const counts = await outboxCounts(subs.map((s) => s.msisdn));
    assert.equal(counts.size, 20);
    assert.ok([...counts.values()].every((n) => n === 1));
    const actions = (await env.db.selectFrom('auditEntry').select('action').where('entityType', '=', 'broadcast').where('entityId', '=', String(id)).orderBy('id').execute()).map((a) => a.action);
    assert.deepEqual(actions.slice(-3), ['broadcast.pause', 'broadcast.resume', 'broadcast.cancel']);
  });

  test('a node that stops mid-broadcast, and one whose link died with texts decided, lose nothing and send nothing twice', async () => {
    await at('2026-11-20T10:00:00');
    const { segmentId, subs } = await segmentOf(40);
    const id = await approved(segmentId, { rate: 10 });
    // Node A takes one batch and stops cleanly (a deploy).
    const a = new BroadcastRunner({ ...depsOf(env), sender: outboxOf(env) }, { node: 'a' });
    await a.tick();
    await a.stop();
    assert.equal((await view(id)).progress.sent, 10);
    // Node B decides a batch and hands it to an SMS centre link that never comes up, then dies:
    // its lease runs out and nobody renews it.
    const dead = new SmppLink({ url: 'smpp://127.0.0.1:9', systemId: 'omnihall', password: '', shortCode: '10086', reconnectMs: { initial: 60_000, max: 60_000 } });
    dead.start({ onMessage: async () => null, onReceipt: async () => {} });
    const b = new BroadcastRunner({ ...depsOf(env), sender: { send: (to, text) => dead.send(to, text), ready: () => true } }, { node: 'b', leaseMs: 300 });
    await b.tick();
    assert.equal((await view(id)).progress.sending, 10);
    await new Promise((r) => setTimeout(r, 400));
    // Node C carries on: B's ten are sent without being decided again, then the rest.
    const c = new BroadcastRunner({ ...depsOf(env), sender: outboxOf(env) }, { node: 'c' });
    await c.drain();
    assert.equal(c.stats.retried, 10);
    const v = await view(id);
    assert.equal(v.status, 'done');
    assert.equal(v.progress.sent, 40);
    const counts = await outboxCounts(subs.map((s) => s.msisdn));
    assert.equal(counts.size, 40);
    assert.ok([...counts.values()].every((n) => n === 1));
    // One contact decision each: the caps count what went, once.
    const contacts = await env.db.selectFrom('contact').select('subscriberId').where('purpose', '=', `broadcast:${id}`).execute();
    assert.equal(contacts.length, 40);
    assert.equal(new Set(contacts.map((x) => x.subscriberId)).size, 40);
    // The dead link gave up its texts when it was stopped; nothing it held goes out again.
    await dead.stop();
    await b.stop();
    assert.equal((await view(id)).progress.sent, 40);
    assert.equal((await outboxCounts(subs.map((s) => s.msisdn))).size, 40);
  });

  test('two nodes at once on PostgreSQL: every recipient once', { skip: process.env.DATABASE_URL ? false : 'PGlite is one connection: two nodes are proven on PostgreSQL' }, async () => {
    await at('2026-11-21T10:00:00');
    const { segmentId, subs } = await segmentOf(120);
    const id = await approved(segmentId, { rate: 30 });
    const a = new BroadcastRunner({ ...depsOf(env), sender: outboxOf(env) }, { node: 'pa' });
    const b = new BroadcastRunner({ ...depsOf(env), sender: outboxOf(env) }, { node: 'pb' });
    // Both run their job as every node does, until the broadcast is done.
    const errors: unknown[] = [];
    a.start((e) => errors.push(e), 20);
    b.start((e) => errors.push(e), 20);
    for (let i = 0; i < 3000 && (await view(id)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual(errors, []);
    const counts = await outboxCounts(subs.map((s) => s.msisdn));
    assert.equal(counts.size, 120);
    assert.ok([...counts.values()].every((n) => n === 1));
    assert.equal((await view(id)).progress.sent, 120);
    assert.ok(a.stats.sent > 0 && b.stats.sent > 0, `both nodes sent (${a.stats.sent}, ${b.stats.sent})`);
  });
});

/** What the container hands its runner, for runners of our own (other nodes). */
function depsOf(e: TestEnv) {
  const m = e.s.marketing;
  return { db: e.db, clock: e.clock, audit: e.s.audit, segments: m.segments, offers: m.offers, contacts: m.contacts, directory: e.s.subscribers, maxRate: e.s.broadcasts.maxRate };
}

/** The SMS outbox, the way out the container's runner takes when no SMSC link is configured. */
function outboxOf(e: TestEnv) {
  return bulkSender(e.s.sms, e.db);
}
