// Campaign results as the console reads them: per offer × channel impressions, accepts, declines,
// conversion (the seeds' 10% on the web and 26% for USSD 我的优惠 on a known fixture) and revenue at
// the offer's price; a series per Beijing day (an evening in UTC is the next morning there); the
// uplift of a call list against its holdout, counting only what happened after its approval; a
// subscriber's own acceptance through the hall shows up as it happens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, callBusiness, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { inHoldout } from '../src/modules/marketing/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let a: Actor;
let b: Actor;
let offerA: number;
let offerB: number;
let marketer: string;
const NOW = new Date('2026-11-20T04:00:00Z');
const D1 = new Date('2026-11-18T03:00:00Z'); // 11:00 on the 18th in Beijing
const D2 = new Date('2026-11-18T17:00:00Z'); // 01:00 on the 19th in Beijing

async function live(o: Record<string, unknown>) {
  const m = env.s.marketing;
  const made = await m.offers.create(a, { startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z', budget: 1000, ...o });
  await m.offers.submit(a, made.id);
  await m.offers.review(b, made.id, { approve: true });
  m.decisions.invalidate();
  return made.id;
}

const get = (token: string, q: string) => env.app.inject({ method: 'GET', url: `/api/v1/console/marketing/results${q}`, headers: { authorization: `Bearer ${token}` } });

before(async () => {
  env = await startTestEnv({ now: NOW });
  a = { id: await createStaffUser(env.db, { username: 'rs1', displayName: 'rs1', password: 'correct horse battery', roles: ['marketing'] }), name: 'rs1', roles: ['marketing'] };
  b = { id: await createStaffUser(env.db, { username: 'rs2', displayName: 'rs2', password: 'correct horse battery', roles: ['marketing'] }), name: 'rs2', roles: ['marketing'] };
  offerA = await live({ offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail for ¥1', pitchZh: '首月仅1元', pitchEn: '¥1 the first month', priceFen: 100, marginFen: 200 });
  offerB = await live({ offeringId: 'VAS-CALLREM', nameZh: '来电提醒3元', nameEn: 'Missed-call alerts ¥3', pitchZh: '来电提醒3元', pitchEn: 'Missed-call alerts for ¥3', priceFen: 300, marginFen: 100 });
  // A month's outcomes as the channels bring them (ids of subscribers not otherwise used here).
  const shown = (offerId: number, channel: string, n: number, at: Date, from: number) =>
    Array.from({ length: n }, (_, i) => ({ offerId, subscriberId: from + i, channel, segmentId: 0, at }));
  const said = (offerId: number, channel: string, n: number, response: 'accepted' | 'declined', at: Date, from: number) =>
    Array.from({ length: n }, (_, i) => ({ offerId, subscriberId: from + i, channel, segmentId: 0, response, at }));
  await env.db.insertInto('offerImpression').values([
    ...shown(offerA, 'web', 6, D1, 900_000), ...shown(offerA, 'web', 4, D2, 900_100),
    ...shown(offerA, 'ussd', 50, D1, 900_200), ...shown(offerB, 'sms', 20, D2, 900_300),
  ]).execute();
  await env.db.insertInto('offerResponse').values([
    ...said(offerA, 'web', 1, 'accepted', D2, 900_100),
    ...said(offerA, 'ussd', 13, 'accepted', D1, 900_200), ...said(offerA, 'ussd', 5, 'declined', D1, 900_213),
    ...said(offerB, 'sms', 1, 'accepted', D2, 900_300),
  ]).execute();
  marketer = await staffToken(env, ['marketing']);
});
after(async () => { await env.close(); });

test('per offer × channel: impressions, accepts, declines, conversion and revenue at the offer price', async () => {
  const r = await get(marketer, '');
  assert.equal(r.statusCode, 200, r.body);
  const cells = (r.json().items as { offerId: number; channel: string; impressions: number; accepts: number; declines: number; conversionRate: number; revenueFen: number }[])
    .map(({ offerId, channel, impressions, accepts, declines, conversionRate, revenueFen }) => ({ offerId, channel, impressions, accepts, declines, conversionRate, revenueFen }));
  assert.deepEqual(cells, [
    { offerId: offerA, channel: 'ussd', impressions: 50, accepts: 13, declines: 5, conversionRate: 0.26, revenueFen: 1300 },
    { offerId: offerA, channel: 'web', impressions: 10, accepts: 1, declines: 0, conversionRate: 0.1, revenueFen: 100 },
    { offerId: offerB, channel: 'sms', impressions: 20, accepts: 1, declines: 0, conversionRate: 0.05, revenueFen: 300 },
  ]);
  const perOffer = r.json().offers as { offerId: number; impressions: number; accepts: number; revenueFen: number; conversionRate: number; names: { en: string } }[];
  assert.deepEqual(perOffer.map((o) => [o.offerId, o.impressions, o.accepts, o.revenueFen, o.conversionRate]), [[offerA, 60, 14, 1400, 0.2333], [offerB, 20, 1, 300, 0.05]]);
  assert.equal(perOffer[0]!.names.en, '139 Mail for ¥1');
  const ussd = (await get(marketer, `?offerId=${offerA}&channel=ussd`)).json();
  assert.deepEqual(ussd.items.map((c: { channel: string }) => c.channel), ['ussd']);
});

test('a series per Beijing day: 17:00 UTC is the next morning in Beijing', async () => {
  const s = (await get(marketer, `?offerId=${offerA}`)).json().series as { day: string; channel: string; impressions: number; accepts: number; revenueFen: number }[];
  assert.deepEqual(s.map((p) => [p.day, p.channel, p.impressions, p.accepts, p.revenueFen]), [
    ['2026-11-18', 'ussd', 50, 13, 1300],
    ['2026-11-18', 'web', 6, 0, 0],
    ['2026-11-19', 'web', 4, 1, 100],
  ]);
  const narrow = (await get(marketer, `?offerId=${offerA}&from=2026-11-18T16:00:00Z&to=2026-11-20T00:00:00Z`)).json();
  assert.deepEqual(narrow.series.map((p: { day: string }) => p.day), ['2026-11-19']);
  assert.equal((await get(marketer, '?from=2026-11-20T00:00:00Z&to=2026-11-19T00:00:00Z')).json().code, 'INVALID_INPUT');
  assert.equal((await get(marketer, '?from=2024-01-01T00:00:00Z')).json().code, 'INVALID_INPUT');
  assert.equal((await get(marketer, '?from=yesterday')).statusCode, 400);
  assert.equal((await get(await staffToken(env, ['agent']), '')).statusCode, 403);
});

test("a call list's uplift: its called group against its holdout, from its approval on", async () => {
  const m = env.s.marketing;
  const subs = [];
  for (let i = 0; i < 24; i++) subs.push(await addSubscriber(env.db, { planId: 'PLAN-4G-58' }));
  await m.mart.refreshAll();
  const seg = await m.segments.importList(a, { nameZh: '提升测试', nameEn: 'Uplift test', csv: subs.map((s) => s.msisdn).join('\n') });
  const list = await m.callLists.create(a, { nameZh: '来电提醒外呼', nameEn: 'Alerts calls', offerId: offerB, segmentId: seg.segment.id, holdoutPct: 50 });
  const held = subs.filter((s) => inHoldout(`call-list:${list.id}`, s.id, 50));
  const called = subs.filter((s) => !inHoldout(`call-list:${list.id}`, s.id, 50));
  assert.ok(held.length >= 2 && called.length >= 4, `${held.length} held out, ${called.length} called`);
  // Taken before the list was approved: not the list's doing, in neither group.
  await env.db.insertInto('offerResponse').values({ offerId: offerB, subscriberId: called[0]!.id, channel: 'web', segmentId: 0, response: 'accepted', at: new Date(NOW.getTime() - 3_600_000) }).execute();
  await m.callLists.review(b, list.id, { approve: true });
  env.clock.advance(60_000);
  // After approval: three of the called group take it, one of the holdout takes it by themselves in the hall.
  await env.db.insertInto('offerResponse').values(called.slice(1, 4).map((s) => ({ offerId: offerB, subscriberId: s.id, channel: 'agent', segmentId: 0, response: 'accepted' as const, at: env.clock.now() }))).execute();
  const token = await signIn(env, held[0]!.msisdn);
  const quote = await callBusiness(env, token, 'offer.accept', { input: { offerId: offerB } });
  assert.equal(quote.statusCode, 409);
  const took = await callBusiness(env, token, 'offer.accept', { input: { offerId: offerB }, confirm: true, quoteTerms: quote.json().quote.terms }, 'holdout-takes-it-1');
  assert.equal(took.statusCode, 200, took.body);
  const r = (await get(marketer, `?offerId=${offerB}&to=${new Date(env.clock.now().getTime() + 1000).toISOString()}`)).json();
  const u = r.uplift.find((x: { callListId: number }) => x.callListId === list.id).uplift;
  const rate = (n: number, d: number) => Math.round((n / d) * 10_000) / 10_000;
  assert.deepEqual(u.treated, { size: called.length, converted: 3, rate: rate(3, called.length) });
  assert.deepEqual(u.holdout, { size: held.length, converted: 1, rate: rate(1, held.length) });
  assert.equal(u.uplift, Math.round((rate(3, called.length) - rate(1, held.length)) * 10_000) / 10_000);
  // The hall's own acceptance is in the results on its channel (the api, as the test calls it).
  assert.ok(r.items.some((c: { channel: string; accepts: number }) => c.channel === 'api' && c.accepts === 1));
  const detail = await m.callLists.detail(list.id);
  assert.deepEqual(detail.uplift, u);
});
