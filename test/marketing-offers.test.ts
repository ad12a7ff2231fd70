// Offers: reviewed by a second person, ranked for one subscriber through the three gates with
// explainable factors, claimed within their budget (exactly the budget under concurrent accepts,
// proven on the real server), and refused with stable codes when ended, taken or exhausted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { FeatureMart, OfferDecisions, OfferService, SegmentService, type SegmentRule } from '../src/modules/marketing/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let mart: FeatureMart;
let offers: OfferService;
let decisions: OfferDecisions;
let segments: SegmentService;
let creator: Actor;
let reviewer: Actor;
let heavy: number;
let light: number;
let suspended: number;
let segmentId: number;

const HEAVY: SegmentRule = { all: [{ feature: 'dataUsageRatio', op: 'ge', value: 0.9 }, { feature: 'city', op: 'eq', value: '广州' }] };
const NOW = new Date('2026-11-20T04:00:00Z');
const terms = (over: Record<string, unknown> = {}) => ({
  offeringId: 'PK-DATA-3G', nameZh: '3GB流量包优惠', nameEn: '3 GB pack deal', pitchZh: '本月流量快用完？3GB仅需10元', pitchEn: 'Running low? 3 GB for ¥10',
  priceFen: 1000, validityDays: 30, budget: 100, segmentIds: [segmentId], marginFen: 600,
  startsAt: '2026-11-20T00:00:00Z', endsAt: '2026-12-20T00:00:00Z', ...over,
});

async function live(over: Record<string, unknown> = {}) {
  const o = await offers.create(creator, terms(over));
  await offers.submit(creator, o.id);
  const approved = await offers.review(reviewer, o.id, { approve: true });
  decisions.invalidate();
  return approved;
}

/** Accepts in a transaction of its own, as the offer.accept business will. */
function accept(offerId: number, subscriberId: number) {
  return env.db.transaction().execute(async (tx) => {
    const c = await decisions.check(tx, subscriberId, offerId, 'ussd');
    if (!c) throw Object.assign(new Error('no such offer'), { code: 'OFFER_NOT_FOUND' });
    if (!c.ok) throw Object.assign(new Error(c.reason), { code: 'OFFER_NOT_FOR_YOU', gate: c.gate });
    return offers.claim(tx, offerId, subscriberId, 'ussd', c.segmentId);
  });
}

before(async () => {
  env = await startTestEnv({ now: NOW });
  mart = new FeatureMart({ db: env.db, clock: env.clock, catalogue: env.s.catalogueReader, overlapMs: 0 });
  segments = new SegmentService({ db: env.db, clock: env.clock, audit: env.s.audit });
  offers = new OfferService({ db: env.db, clock: env.clock, audit: env.s.audit, catalogue: env.s.catalogueReader });
  decisions = new OfferDecisions({ db: env.db, clock: env.clock, catalogue: env.s.catalogueReader, offers, mart });
  creator = { id: await createStaffUser(env.db, { username: 'city', displayName: '广州分公司', password: 'correct horse battery', roles: ['marketing'] }), name: '广州分公司', roles: ['marketing'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'hq', displayName: '省公司', password: 'correct horse battery', roles: ['marketing'] }), name: '省公司', roles: ['marketing'] };
  const plan = await env.db.selectFrom('offering').select('dataMb').where('id', '=', 'PLAN-4G-58').executeTakeFirstOrThrow();
  const use = (id: number, ratio: number) => env.db.insertInto('usageCounter').values({ subscriberId: id, cycle: '2026-11', dataMbUsed: Math.round(plan.dataMb * ratio), voiceMinUsed: 0, smsUsed: 0, updatedAt: NOW }).execute();
  heavy = (await addSubscriber(env.db, { planId: 'PLAN-4G-58' })).id;
  await use(heavy, 0.95);
  light = (await addSubscriber(env.db, { planId: 'PLAN-4G-58' })).id;
  await use(light, 0.2);
  suspended = (await addSubscriber(env.db, { planId: 'PLAN-4G-58', status: 'suspended' })).id;
  await use(suspended, 0.95);
  for (let i = 0; i < 50; i++) await use((await addSubscriber(env.db, { planId: 'PLAN-4G-58' })).id, 0.92);
  await mart.refreshAll();
  segmentId = (await segments.create(creator, { nameZh: '广州流量用尽', nameEn: 'Guangzhou out of data', rule: HEAVY })).id;
});
after(async () => { await env.close(); });

describe('an offer\'s review', () => {
  test('a draft is not shown; its creator cannot approve it; another person can, and it is shown at once', async () => {
    const o = await offers.create(creator, terms());
    decisions.invalidate();
    assert.equal((await decisions.decide(heavy, 'ussd')).ranked.length, 0);
    await offers.submit(creator, o.id);
    await assert.rejects(offers.review(creator, o.id, { approve: true }), { code: 'SELF_REVIEW' });
    await assert.rejects(offers.review(reviewer, o.id, { approve: false, reason: ' ' }), { code: 'INVALID_INPUT' });
    await offers.review(reviewer, o.id, { approve: true });
    decisions.invalidate();
    const d = await decisions.decide(heavy, 'ussd');
    assert.deepEqual(d.ranked.map((r) => r.offer.id), [o.id]);
    const audit = await env.db.selectFrom('auditEntry').select('action').where('entityType', '=', 'offer').where('entityId', '=', String(o.id)).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['offer.create', 'offer.submit', 'offer.review.approve']);
    await offers.end(reviewer, o.id);
  });

  test('bad terms are refused and nothing is saved', async () => {
    const before = (await offers.list()).length;
    for (const bad of [{ priceFen: 9.5 }, { budget: 0 }, { endsAt: '2026-11-01T00:00:00Z' }, { offeringId: 'NOPE' }, { segmentIds: [999_999] }, { nameZh: '' }, { channels: ['fax'] }]) {
      await assert.rejects(offers.create(creator, terms(bad)), (e: { code: string }) => ['INVALID_INPUT', 'OFFERING_NOT_FOUND', 'SEGMENT_NOT_FOUND'].includes(e.code), JSON.stringify(bad));
    }
    assert.equal((await offers.list()).length, before);
  });
});

describe('next best offer', () => {
  test('ranks by propensity × context × value × lever and explains the gate that removed each of the others', async () => {
    const a = await live({ marginFen: 600 });
    const b = await live({ offeringId: 'PK-DATA-10G', nameZh: '10GB流量包优惠', marginFen: 900, lever: 2 });
    const city = await live({ cities: ['深圳'] });
    const voice = await live({ offeringId: 'PK-VOICE-100', nameZh: '语音包优惠', segmentIds: [] });
    const web = await live({ channels: ['web'] });
    const d = await decisions.decide(heavy, 'ussd');
    assert.deepEqual(d.ranked.map((r) => r.offer.id), [b.id, a.id]);
    const top = d.ranked[0]!;
    // A new offer starts at the channel's prior: 26% on USSD; 95% of data used makes it the moment (×1.5).
    assert.deepEqual(top.factors, { propensity: 0.26, context: 1.5, value: 9, lever: 2 });
    assert.equal(top.segmentId, segmentId);
    const why = new Map(d.removed.map((r) => [r.offer.id, `${r.gate}:${r.reason}`]));
    assert.equal(why.get(city.id), 'targeting:NOT_IN_CITY');
    assert.equal(why.get(web.id), 'targeting:NOT_ON_CHANNEL');
    assert.equal(why.get(voice.id), 'suitability:USAGE_TOO_LOW');
    // The light user is not in the segment; the suspended one is, but the catalogue's rule removes it.
    assert.ok((await decisions.decide(light, 'ussd')).removed.filter((r) => r.offer.id === a.id).every((r) => r.reason === 'NOT_IN_SEGMENT'));
    const s = await decisions.decide(suspended, 'ussd');
    assert.equal(s.ranked.length, 0);
    assert.equal(s.removed.find((r) => r.offer.id === a.id)?.gate, 'eligibility');
    assert.equal(s.removed.find((r) => r.offer.id === a.id)?.reason, 'LINE_SUSPENDED');
    for (const o of [a, b, city, voice, web]) await offers.end(reviewer, o.id);
  });

  test('propensity learns from outcomes: shown often and never taken, an offer falls below a fresh one', async () => {
    const stale = await live({ marginFen: 1000 });
    const fresh = await live({ marginFen: 800 });
    assert.equal((await decisions.decide(heavy, 'ussd')).ranked[0]!.offer.id, stale.id);
    // 80 impressions without an acceptance: (0 + 0.26 × 20) / (80 + 20) = 0.052.
    await env.db.insertInto('offerImpression').values(Array.from({ length: 80 }, () => ({ offerId: stale.id, subscriberId: light, channel: 'ussd', segmentId, at: NOW }))).execute();
    decisions.invalidate();
    const d = await decisions.decide(heavy, 'ussd');
    assert.equal(d.ranked[0]!.offer.id, fresh.id);
    assert.equal(d.ranked.find((r) => r.offer.id === stale.id)!.factors.propensity, 0.052);
    for (const o of [stale, fresh]) await offers.end(reviewer, o.id);
  });

  test('showing records an impression for each offer shown', async () => {
    const o = await live();
    const shown = await decisions.show(heavy, 'ussd', 3);
    assert.deepEqual(shown.map((r) => r.offer.id), [o.id]);
    const n = await env.db.selectFrom('offerImpression').select((eb) => eb.fn.countAll<number>().as('n')).where('offerId', '=', o.id).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1);
    await offers.end(reviewer, o.id);
  });
});

describe('accepting', () => {
  test('once per subscriber; refused with stable codes when not for them, taken, paused or ended', async () => {
    const o = await live({ budget: 5 });
    const claimed = await accept(o.id, heavy);
    assert.equal(claimed.offer.accepted, 1);
    await assert.rejects(accept(o.id, heavy), { code: 'OFFER_NOT_FOR_YOU' });
    await assert.rejects(env.db.transaction().execute((tx) => offers.claim(tx, o.id, heavy, 'ussd', segmentId)), { code: 'OFFER_ALREADY_ACCEPTED' });
    await assert.rejects(accept(o.id, light), { code: 'OFFER_NOT_FOR_YOU' });
    await offers.pause(reviewer, o.id);
    await assert.rejects(env.db.transaction().execute((tx) => offers.claim(tx, o.id, light, 'ussd', 0)), { code: 'OFFER_EXPIRED' });
    await offers.end(reviewer, o.id);
    assert.equal((await offers.view(o.id)).accepted, 1);
  });

  test('50 subscribers accept at once an offer with 10 left: exactly 10 succeed, the rest are told it ran out', async () => {
    const o = await live({ budget: 10 });
    const takers = (await env.db.selectFrom('marketingFeature').select('subscriberId').where('dataUsageRatio', '>=', 0.9).where('status', '=', 'active').orderBy('subscriberId').execute()).map((r) => r.subscriberId);
    assert.ok(takers.length >= 50);
    const results = await Promise.allSettled(takers.slice(0, 50).map((id) => accept(o.id, id)));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));
    assert.equal(ok, 10);
    assert.deepEqual([...new Set(codes)], ['OFFER_BUDGET_EXHAUSTED']);
    assert.equal((await offers.view(o.id)).accepted, 10);
    const responses = await env.db.selectFrom('offerResponse').select((eb) => eb.fn.countAll<number>().as('n')).where('offerId', '=', o.id).executeTakeFirstOrThrow();
    assert.equal(Number(responses.n), 10);
    // An exhausted offer is no longer shown.
    decisions.invalidate();
    assert.ok(!(await decisions.decide(takers[60] ?? light, 'ussd')).ranked.some((r) => r.offer.id === o.id));
  });
});
