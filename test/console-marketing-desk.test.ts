// The console's marketing look-ups at the desk: a broadcast template previewed for one subscriber
// (their name, language and the offer filled in), a segment's members a page at a time with the
// numbers masked, and one subscriber's standing with the contact policy (opt-outs, do-not-disturb,
// caps used today, this week and month, the contacts it stopped). Bad input changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let marketer: string;
let agent: string;
let alice: Actor;
let offerId: number;

/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s}+08:00`);

const call = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  env.app.inject({ method, url: `/api/v1/console${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

const masked = (msisdn: string) => `${msisdn.slice(0, 3)}****${msisdn.slice(-4)}`;

before(async () => {
  // A Wednesday, 10:00 in Beijing: the week began on Monday the 16th.
  env = await startTestEnv({ now: bj('2026-11-18T10:00:00') });
  [marketer, agent] = await Promise.all([staffToken(env, ['marketing']), staffToken(env, ['agent'])]);
  alice = { id: await createStaffUser(env.db, { username: 'alice', displayName: 'Alice', password: 'correct horse battery', roles: ['marketing'] }), name: 'Alice', roles: ['marketing'] };
  const bob: Actor = { id: await createStaffUser(env.db, { username: 'bob', displayName: 'Bob', password: 'correct horse battery', roles: ['marketing'] }), name: 'Bob', roles: ['marketing'] };
  const o = await env.s.marketing.offers.create(alice, {
    offeringId: 'PK-DATA-3G', nameZh: '3GB流量包', nameEn: '3 GB pack', pitchZh: '3GB仅需10元', pitchEn: '3 GB for ¥10', priceFen: 1000, validityDays: 30,
    budget: 1000, marginFen: 600, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T16:00:00Z',
  });
  await env.s.marketing.offers.submit(alice, o.id);
  await env.s.marketing.offers.review(bob, o.id, { approve: true });
  offerId = o.id;
});
after(async () => { await env.close(); });

describe('a template previewed for one subscriber', () => {
  test('their name and the offer are filled in, in the language they chose, and measured as sent', async () => {
    const zh = await addSubscriber(env.db);
    const en = await addSubscriber(env.db);
    await env.db.updateTable('subscriber').set({ name: 'Wang Fang', language: 'en' }).where('id', '=', en.id).execute();
    const body = { template: '{name}您好，{offer}仅{price}，{expires}前有效', templateEn: 'Hi {name}, {offer} for {price} until {expires}', offerId };
    const a = await call(marketer, 'POST', '/marketing/broadcasts/preview', { ...body, msisdn: zh.msisdn });
    assert.equal(a.statusCode, 200, a.body);
    const r = a.json().recipient;
    assert.equal(r.msisdn, masked(zh.msisdn));
    assert.equal(r.language, 'zh-CN');
    assert.equal(r.text, '测试用户您好，3GB流量包仅10.00元，2026年12月31日前有效');
    assert.deepEqual([r.measure.encoding, r.measure.length, r.measure.parts], ['ucs2', r.text.length, 1]);
    assert.equal(a.json().sample.startsWith('李明您好'), true, 'the sample stays beside it');
    const b = (await call(marketer, 'POST', '/marketing/broadcasts/preview', { ...body, msisdn: ` +86 ${en.msisdn}` })).json().recipient;
    assert.equal(b.language, 'en');
    assert.equal(b.text, 'Hi Wang Fang, 3 GB pack for ¥10.00 until 31 Dec 2026');
    assert.equal(b.measure.encoding, 'gsm7');
    // Without an English template an English subscriber gets the Chinese one, as the runner sends it.
    const c = (await call(marketer, 'POST', '/marketing/broadcasts/preview', { template: body.template, offerId, msisdn: en.msisdn })).json().recipient;
    assert.equal(c.text, 'Wang Fang您好，3 GB pack仅¥10.00，31 Dec 2026前有效');
  });

  test('a number that is nobody’s or not a number is refused in words', async () => {
    const none = await call(marketer, 'POST', '/marketing/broadcasts/preview', { template: '您好', msisdn: '13999999999' });
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().code, 'NOT_A_SUBSCRIBER');
    const bad = await call(marketer, 'POST', '/marketing/broadcasts/preview', { template: '您好', msisdn: 'call me' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_INPUT');
  });
});

describe("a segment's members", () => {
  test('are paged in id order with masked numbers, a dynamic one evaluated now', async () => {
    const subs = [];
    for (let i = 0; i < 5; i++) subs.push(await addSubscriber(env.db));
    await env.s.marketing.mart.refresh(subs.map((s) => s.id));
    const imported = await env.s.marketing.segments.importList(alice, { nameZh: '名单', nameEn: 'List', csv: subs.map((s) => s.msisdn).join('\n') });
    const id = imported.segment.id;
    const first = await call(marketer, 'GET', `/marketing/segments/${id}/members?limit=3`);
    assert.equal(first.statusCode, 200, first.body);
    const p1 = first.json();
    assert.deepEqual(p1.items.map((r: { msisdn: string }) => r.msisdn), subs.slice(0, 3).map((s) => masked(s.msisdn)));
    assert.deepEqual(Object.keys(p1.items[0]).sort(), ['accountType', 'city', 'msisdn', 'planId', 'subscriberId']);
    assert.equal(p1.items[0].city, '广州');
    assert.equal(p1.nextAfterId, subs[2]!.id);
    const p2 = (await call(marketer, 'GET', `/marketing/segments/${id}/members?limit=3&afterId=${p1.nextAfterId}`)).json();
    assert.deepEqual(p2.items.map((r: { subscriberId: number }) => r.subscriberId), [subs[3]!.id, subs[4]!.id]);
    assert.equal(p2.nextAfterId, null);

    await env.db.updateTable('subscriber').set({ city: '韶关' }).where('id', '=', subs[1]!.id).execute();
    await env.s.marketing.mart.refresh([subs[1]!.id]);
    const dyn = await env.s.marketing.segments.create(alice, { nameZh: '韶关', nameEn: 'Shaoguan', rule: { feature: 'city', op: 'eq', value: '韶关' } });
    const members = (await call(marketer, 'GET', `/marketing/segments/${dyn.id}/members`)).json();
    assert.deepEqual(members.items.map((r: { subscriberId: number }) => r.subscriberId), [subs[1]!.id]);
  });

  test('an unknown segment, a bad page size and an agent are refused', async () => {
    assert.equal((await call(marketer, 'GET', '/marketing/segments/999999/members')).json().code, 'SEGMENT_NOT_FOUND');
    assert.equal((await call(marketer, 'GET', '/marketing/segments/1/members?limit=5000')).statusCode, 400);
    assert.equal((await call(agent, 'GET', '/marketing/segments/1/members')).statusCode, 403);
  });
});

describe("a subscriber's standing with the contact policy", () => {
  test('opt-outs, do-not-disturb, caps used in Beijing day, week and month, and the contacts it stopped', async () => {
    const s = await addSubscriber(env.db);
    await env.s.marketing.mart.refresh([s.id]);
    const contacts = env.s.marketing.contacts;
    const ask = (channel: 'sms' | 'call' | 'push', purpose: string) => contacts.request(env.db, { subscriberId: s.id, channel, kind: 'marketing', purpose });
    const fresh = (await call(agent, 'GET', `/marketing/contact-state/${s.msisdn}`)).json();
    assert.deepEqual([fresh.optOuts, fresh.dnd, fresh.used.total, fresh.suppressed], [[], null, { day: 0, week: 0, month: 0 }, []]);

    // The 2nd of the month (an earlier week), Monday 09:00 (this week), then today at 10:00.
    env.clock.set(bj('2026-11-02T09:00:00'));
    assert.equal((await ask('sms', 'test:early')).outcome, 'send');
    env.clock.set(bj('2026-11-16T09:00:00'));
    assert.equal((await ask('push', 'test:monday')).outcome, 'send');
    env.clock.set(bj('2026-11-18T10:00:00'));
    assert.equal((await ask('sms', 'test:today')).outcome, 'send');
    assert.equal((await ask('sms', 'test:second')).outcome, 'suppress', 'one marketing SMS a day');
    await contacts.optOut(s.id, 'call', 'hall');
    assert.equal((await ask('call', 'test:call')).outcome, 'suppress');

    const st = (await call(agent, 'GET', `/marketing/contact-state/%2B86${s.msisdn}`)).json();
    assert.equal(st.msisdn, masked(s.msisdn));
    assert.deepEqual(st.optOuts.map((o: { channel: string; source: string }) => [o.channel, o.source]), [['call', 'hall']]);
    assert.deepEqual(st.used.channels.sms, { day: 1, week: 1, month: 2 });
    assert.deepEqual(st.used.channels.push, { day: 0, week: 1, month: 1 });
    assert.deepEqual(st.used.total, { day: 1, week: 2, month: 3 });
    assert.deepEqual(st.caps.channels.sms, { day: 1, week: 3, month: 8 });
    assert.deepEqual(st.suppressed.map((c: { purpose: string; rule: string }) => [c.purpose, c.rule]), [['test:call', 'OPT_OUT_CHANNEL'], ['test:second', 'CAP_CHANNEL_DAY']]);

    assert.equal((await call(marketer, 'PUT', `/marketing/dnd/${s.msisdn}`, { reason: '客户投诉' })).statusCode, 204);
    const dnd = (await call(agent, 'GET', `/marketing/contact-state/${s.msisdn}`)).json().dnd;
    assert.equal(dnd.reason, '客户投诉');
  });

  test('a number that is nobody’s or not a number is refused, and the policy counts nothing for it', async () => {
    const before = await env.db.selectFrom('contact').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal((await call(agent, 'GET', '/marketing/contact-state/13999999999')).json().code, 'NOT_A_SUBSCRIBER');
    const bad = await call(agent, 'GET', '/marketing/contact-state/abc');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_INPUT');
    const after = await env.db.selectFrom('contact').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });
});
