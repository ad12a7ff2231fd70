// My exclusive offers as a subscriber takes one: offers.mine ranks and records what it shows;
// offer.accept quotes the offer's price, charges it once when confirmed (the same key twice
// charges once), and refuses with stable codes, charging nothing, an offer that has ended, ran
// out, was taken, or is not for them; 50 subscribers at once on 10 left get exactly 10.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, callBusiness, signIn, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let creator: Actor;
let reviewer: Actor;
let segmentId: number;
const NOW = new Date('2026-11-20T04:00:00Z');

async function liveOffer(over: Record<string, unknown> = {}) {
  const m = env.s.marketing;
  const o = await m.offers.create(creator, {
    offeringId: 'PK-DATA-3G', nameZh: '3GB流量包特惠', nameEn: '3 GB pack deal', pitchZh: '流量快用完？3GB仅需10元', pitchEn: 'Low on data? 3 GB for ¥10',
    priceFen: 1000, validityDays: 7, budget: 100, segmentIds: [segmentId], marginFen: 600, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z', ...over,
  });
  await m.offers.submit(creator, o.id);
  await m.offers.review(reviewer, o.id, { approve: true });
  m.decisions.invalidate();
  return o;
}

async function heavyUser(over: { status?: 'active' | 'suspended'; balanceFen?: number } = {}) {
  const s = await addSubscriber(env.db, { planId: 'PLAN-4G-58', ...over });
  const plan = await env.db.selectFrom('offering').select('dataMb').where('id', '=', 'PLAN-4G-58').executeTakeFirstOrThrow();
  await env.db.insertInto('usageCounter').values({ subscriberId: s.id, cycle: '2026-11', dataMbUsed: plan.dataMb, voiceMinUsed: 0, smsUsed: 0, updatedAt: NOW }).execute();
  return s;
}

const accept = (token: string, offerId: number, key?: string, confirm = true) =>
  callBusiness(env, token, 'offer.accept', { input: { offerId }, confirm }, key);

before(async () => {
  env = await startTestEnv({ now: NOW });
  creator = { id: await createStaffUser(env.db, { username: 'mkt1', displayName: 'mkt1', password: 'correct horse battery', roles: ['marketing'] }), name: 'mkt1', roles: ['marketing'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'mkt2', displayName: 'mkt2', password: 'correct horse battery', roles: ['marketing'] }), name: 'mkt2', roles: ['marketing'] };
  segmentId = (await env.s.marketing.segments.create(creator, { nameZh: '流量用尽', nameEn: 'Out of data', rule: { feature: 'dataUsageRatio', op: 'ge', value: 0.9 } })).id;
});
after(async () => { await env.close(); });

describe('offers.mine and offer.accept', () => {
  test('shown, quoted at the offer price, charged once with the offer\'s validity, then gone', async () => {
    const s = await heavyUser({ balanceFen: 5000 });
    await env.s.marketing.mart.refresh([s.id]);
    const o = await liveOffer();
    const token = await signIn(env, s.msisdn);
    const mine = await callBusiness(env, token, 'offers.mine');
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(mine.json().result.offers.map((x: { id: number }) => x.id), [o.id]);
    assert.match(mine.json().text.short['zh-CN'] ?? mine.json().text.short, /3GB流量包特惠/);
    const shown = await env.db.selectFrom('offerImpression').selectAll().where('offerId', '=', o.id).execute();
    assert.equal(shown.length, 1);

    const quote = await accept(token, o.id, 'offer-key-000', false);
    assert.equal(quote.statusCode, 409);
    assert.equal(quote.json().code, 'CONFIRMATION_REQUIRED');
    assert.equal(quote.json().quote.priceFen, 1000);
    assert.match(quote.json().quote.summary['zh-CN'], /优惠价10\.00元（原价/);
    assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 5000);

    const done = await accept(token, o.id, 'offer-key-001');
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().result.balanceFen, 4000);
    const again = await accept(token, o.id, 'offer-key-001');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().replayed, true);
    const { balanceFen, ledgerFen } = await balanceAndLedger(env.db, s.id);
    assert.deepEqual([balanceFen, ledgerFen], [4000, 4000]);
    const sub = await env.db.selectFrom('subscription').selectAll().where('subscriberId', '=', s.id).where('offeringId', '=', 'PK-DATA-3G').executeTakeFirstOrThrow();
    // The offer's 7 days (counted in Beijing calendar days, today the first), not the pack's own validity.
    const days = (new Date(sub.endsAt!).getTime() - new Date(sub.startsAt).getTime()) / 86_400_000;
    assert.ok(days > 6 && days <= 7, String(days));

    const twice = await accept(token, o.id, 'offer-key-002');
    assert.equal(twice.json().code, 'OFFER_ALREADY_ACCEPTED');
    for (const channel of ['web', 'mobile', 'kiosk']) {
      const r = await env.app.inject({ method: 'POST', url: '/api/v1/businesses/offers.mine', headers: { authorization: `Bearer ${token}`, 'x-omnihall-channel': channel }, payload: {} });
      assert.deepEqual(r.json().result.offers, [], channel);
    }
    assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 4000);
    await env.s.marketing.offers.end(reviewer, o.id);
  });

  test('refused with stable codes, charging nothing: ended, not for them, a suspended line, unknown', async () => {
    const o = await liveOffer();
    const light = await addSubscriber(env.db, { planId: 'PLAN-4G-58', balanceFen: 5000 });
    const stopped = await heavyUser({ status: 'suspended', balanceFen: 5000 });
    const ok = await heavyUser({ balanceFen: 5000 });
    await env.s.marketing.mart.refresh([light.id, stopped.id, ok.id]);
    const [tl, ts, tk] = await Promise.all([signIn(env, light.msisdn), signIn(env, stopped.msisdn), signIn(env, ok.msisdn)]);
    assert.equal((await accept(tl, o.id, 'refuse-key-01')).json().code, 'OFFER_NOT_FOR_YOU');
    assert.equal((await accept(ts, o.id, 'refuse-key-02')).json().code, 'LINE_SUSPENDED');
    assert.equal((await accept(tk, 999_999, 'refuse-key-03')).json().code, 'OFFER_NOT_FOUND');
    assert.equal((await accept(tk, 'abc' as never, 'refuse-key-04')).json().code, 'INVALID_INPUT');
    await env.s.marketing.offers.end(reviewer, o.id);
    assert.equal((await accept(tk, o.id, 'refuse-key-05')).json().code, 'OFFER_EXPIRED');
    for (const s of [light, stopped, ok]) assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 5000);
  });

  test('50 subscribers accept at once an offer with 10 left: exactly 10 are charged', async () => {
    const o = await liveOffer({ budget: 10 });
    const people = [];
    for (let i = 0; i < 50; i++) people.push(await heavyUser({ balanceFen: 5000 }));
    await env.s.marketing.mart.refresh(people.map((p) => p.id));
    const tokens = [];
    for (const p of people) tokens.push(await signIn(env, p.msisdn));
    const results = await Promise.all(tokens.map((t, i) => accept(t, o.id, `burst-key-${String(i).padStart(3, '0')}`)));
    assert.equal(results.filter((r) => r.statusCode === 200).length, 10);
    assert.deepEqual([...new Set(results.filter((r) => r.statusCode !== 200).map((r) => r.json().code))], ['OFFER_BUDGET_EXHAUSTED']);
    const charged = (await Promise.all(people.map((p) => balanceAndLedger(env.db, p.id)))).filter((b) => b.balanceFen === 4000 && b.ledgerFen === 4000).length;
    assert.equal(charged, 10);
    assert.equal((await env.s.marketing.offers.view(o.id)).accepted, 10);
  });
});
