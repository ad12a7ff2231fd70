// Event triggers end to end on one node: reviewed by a second person and audited; an IVR call about
// a pack becomes that pack's offer by SMS, once, even when its event is delivered twice; quiet hours
// hold the text until 08:00; an opt-out suppresses it with the reason recorded; data 90% used
// offers a pack now; bad input changes nothing. The console's routes answer problems.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, callBusiness, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';
import { builtinBss } from '../src/modules/subscriber/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';
import { InProcessBus, type BusEvent } from '../src/platform/events/index.ts';
import { seedDemoMarketing, type TriggerInput } from '../src/modules/marketing/index.ts';
import { checkVxml, mainPrompt } from './vxml-check.ts';

const NOON = new Date('2026-11-20T04:00:00Z'); // 12:00 in Beijing
let env: TestEnv;
let creator: Actor;
let reviewer: Actor;
let offerId: number;
let errors: unknown[] = [];

const bus = () => env.s.events as InProcessBus;

async function liveOffer(): Promise<number> {
  const o = await env.s.marketing.offers.create(creator, {
    offeringId: 'PK-DATA-3G', nameZh: '3GB流量包优惠', nameEn: '3 GB pack deal', pitchZh: '3GB流量仅需10元', pitchEn: '3 GB for ¥10',
    priceFen: 1000, validityDays: 30, budget: 1000, marginFen: 600, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z',
  });
  await env.s.marketing.offers.submit(creator, o.id);
  await env.s.marketing.offers.review(reviewer, o.id, { approve: true });
  return o.id;
}

async function liveTrigger(input: Partial<TriggerInput> = {}) {
  const t = await env.s.triggers.create(creator, {
    nameZh: '来电咨询流量包', nameEn: 'Asked about a pack', event: 'interaction.called',
    condition: { channels: ['ivr', 'agent'], offeringKinds: ['data_pack'] }, offerId, windowMinutes: 3 * 24 * 60, once: true, ...input,
  });
  await env.s.triggers.submit(creator, t.id);
  return env.s.triggers.review(reviewer, t.id, { approve: true });
}

/** A call on a channel about a pack, as the channel makes it: the business asks for confirmation. */
async function callAbout(subscriberId: number, channel: string, packId = 'PK-DATA-3G') {
  const out = await env.s.invoker.invoke({ channel, principal: { kind: 'subscriber', subscriberId }, subscriberId, businessId: 'pack.subscribe', input: { packId } });
  assert.equal(out.status, 'confirmation_required');
  await env.s.interactions.flush();
  await bus().drained();
}

const texts = (msisdn: string) => env.db.selectFrom('smsOutbox').select(['text', 'purpose']).where('msisdn', '=', msisdn).where('purpose', 'like', 'trigger:%').execute();
const fires = (subscriberId: number) => env.db.selectFrom('marketingTriggerFire').selectAll().where('subscriberId', '=', subscriberId).orderBy('id').execute();

before(async () => {
  env = await startTestEnv({ now: NOON });
  creator = { id: await createStaffUser(env.db, { username: 'city', displayName: '广州分公司', password: 'correct horse battery', roles: ['marketing'] }), name: '广州分公司', roles: ['marketing'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'hq', displayName: '省公司', password: 'correct horse battery', roles: ['marketing'] }), name: '省公司', roles: ['marketing'] };
  offerId = await liveOffer();
  await env.s.triggerEngine.start((e) => errors.push(e));
});
after(async () => { await env?.close(); });

describe('event triggers', () => {
  test('a trigger goes live only when a second person approves it; every step is audited', async () => {
    const t = await env.s.triggers.create(creator, { nameZh: '余额不足', nameEn: 'Balance low', event: 'balance.low', condition: { maxBalanceFen: 500 }, offerId, windowMinutes: 60 });
    assert.equal(t.status, 'draft');
    assert.equal(t.once, true, 'once per subscriber unless said');
    await env.s.triggers.submit(creator, t.id);
    await assert.rejects(env.s.triggers.review(creator, t.id, { approve: true }), { code: 'SELF_REVIEW' });
    await assert.rejects(env.s.triggers.review(reviewer, t.id, { approve: false, reason: ' ' }), { code: 'INVALID_INPUT' });
    const live = await env.s.triggers.review(reviewer, t.id, { approve: true });
    assert.equal(live.status, 'active');
    assert.equal((await env.s.triggers.pause(creator, t.id)).status, 'paused');
    await assert.rejects(env.s.triggers.review(reviewer, t.id, { approve: true }), { code: 'REVIEW_NOT_PENDING' });
    const audit = await env.db.selectFrom('auditEntry').select(['action', 'actorId']).where('entityType', '=', 'trigger').where('entityId', '=', String(t.id)).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['trigger.create', 'trigger.submit', 'trigger.review.approve', 'trigger.pause']);
    assert.equal(audit[2]!.actorId, reviewer.id);
    await env.s.triggers.end(creator, t.id);
  });

  test('bad input is refused with the field and changes nothing', async () => {
    const before = (await env.s.triggers.list()).length;
    const bad: Record<string, unknown>[] = [
      { nameZh: '错', nameEn: 'x', event: 'usage.threshold', condition: { channels: ['ivr'] }, offerId, windowMinutes: 60 },
      { nameZh: '错', nameEn: 'x', event: 'bill.paid', condition: {}, offerId, windowMinutes: 60 },
      { nameZh: '错', nameEn: 'x', event: 'balance.low', condition: {}, offerId, windowMinutes: 0 },
      { nameZh: '错', nameEn: 'x', event: 'balance.low', condition: {}, offerId, windowMinutes: 60, channel: 'fax' },
      { nameZh: '错', nameEn: 'x', event: 'balance.low', condition: { maxBalanceFen: 1.5 }, offerId, windowMinutes: 60 },
    ];
    for (const b of bad) await assert.rejects(env.s.triggers.create(creator, b), { code: 'INVALID_INPUT' }, JSON.stringify(b));
    await assert.rejects(env.s.triggers.create(creator, { nameZh: '错', nameEn: 'x', event: 'balance.low', offerId: 99999, windowMinutes: 60 }), { code: 'OFFER_NOT_FOUND' });
    await assert.rejects(env.s.triggers.create({ ...creator, roles: ['agent'] }, { nameZh: '错', nameEn: 'x', event: 'balance.low', offerId, windowMinutes: 60 }), { code: 'FORBIDDEN' });
    assert.equal((await env.s.triggers.list()).length, before);
  });

  test('an IVR call about a pack → the offer by SMS once, even when the event comes twice', async () => {
    const t = await liveTrigger();
    const sub = await addSubscriber(env.db, {});
    await env.s.marketing.mart.refreshAll();
    // a web visit about the same pack is not what this trigger takes
    await callAbout(sub.id, 'web');
    assert.equal((await texts(sub.msisdn)).length, 0, 'no text for a web visit');
    await callAbout(sub.id, 'ivr');
    const sent = await texts(sub.msisdn);
    assert.equal(sent.length, 1, 'one text');
    assert.match(sent[0]!.text, /3GB流量仅需10元（10\.00元）。回复YH查看办理，回复TD退订/);
    assert.equal(sent[0]!.purpose, `trigger:${t.id}`);
    const [fire] = await fires(sub.id);
    assert.equal(fire!.outcome, 'sent');
    assert.equal(fire!.triggerId, t.id);
    // the same event delivered again (a node died before acknowledging it): nothing more
    const row = await env.db.selectFrom('interaction').select(['id', 'at', 'offeringId']).where('subscriberId', '=', sub.id).where('channel', '=', 'ivr').executeTakeFirstOrThrow();
    assert.equal(row.offeringId, 'PK-DATA-3G', 'the log says which pack the call was about');
    const again: BusEvent = {
      id: `interaction:${row.id}`, subject: 'interaction.called', publishedAt: new Date(row.at).toISOString(), delivery: 2,
      payload: { interactionId: Number(row.id), at: new Date(row.at).toISOString(), channel: 'ivr', subscriberId: sub.id, businessId: 'pack.subscribe', outcome: 'confirmation_required', errorCode: null, offeringId: 'PK-DATA-3G' },
    };
    assert.equal(await env.s.triggerEngine.handle(again), 'duplicate');
    // another call the next day: once per subscriber
    env.clock.advance(24 * 3600_000);
    await callAbout(sub.id, 'agent');
    env.clock.set(NOON);
    assert.equal((await texts(sub.msisdn)).length, 1, 'still one text');
    assert.equal((await fires(sub.id)).length, 1);
    const contacts = await env.db.selectFrom('contact').select(['status', 'purpose']).where('subscriberId', '=', sub.id).execute();
    assert.deepEqual(contacts.map((c) => c.status), ['sent'], 'one contact counted against the caps');
    await env.s.triggers.end(creator, t.id);
    assert.deepEqual(errors, []);
  });

  test('quiet hours hold the text until 08:00; then it goes once', async () => {
    const t = await liveTrigger();
    const sub = await addSubscriber(env.db, {});
    await env.s.marketing.mart.refreshAll();
    env.clock.set(new Date('2026-11-20T14:30:00Z')); // 22:30 in Beijing
    try {
      await callAbout(sub.id, 'ivr');
      assert.equal((await texts(sub.msisdn)).length, 0, 'nothing at night');
      const [fire] = await fires(sub.id);
      assert.deepEqual([fire!.outcome, fire!.rule], ['held', 'QUIET_HOURS']);
      assert.equal(await env.s.triggerEngine.releaseHeld(), 0, 'not before the window opens');
      env.clock.set(new Date('2026-11-21T00:00:30Z')); // 08:00:30
      assert.equal(await env.s.triggerEngine.releaseHeld(), 1);
      assert.equal(await env.s.triggerEngine.releaseHeld(), 0, 'released once');
      assert.equal((await texts(sub.msisdn)).length, 1);
      const [after] = await fires(sub.id);
      assert.equal(after!.outcome, 'sent');
      assert.ok(after!.sentAt);
    } finally {
      env.clock.set(NOON);
      await env.s.triggers.end(creator, t.id);
    }
  });

  test('an opt-out suppresses the offer and records why', async () => {
    const t = await liveTrigger();
    const sub = await addSubscriber(env.db, {});
    await env.s.marketing.mart.refreshAll();
    await env.s.marketing.contacts.optOut(sub.id, 'all', 'sms');
    await callAbout(sub.id, 'ivr');
    assert.equal((await texts(sub.msisdn)).length, 0);
    const [fire] = await fires(sub.id);
    assert.deepEqual([fire!.outcome, fire!.rule], ['suppressed', 'OPT_OUT']);
    const c = await env.db.selectFrom('contact').select(['status', 'rule']).where('id', '=', Number(fire!.contactId)).executeTakeFirstOrThrow();
    assert.deepEqual([c.status, c.rule], ['suppressed', 'OPT_OUT']);
    await env.s.triggers.end(creator, t.id);
  });

  test('data 90% used → a pack offer now; under 90% and outside the window, nothing', async () => {
    const t = await liveTrigger({ nameZh: '流量将尽', nameEn: 'Data nearly used', event: 'usage.threshold', condition: { allowance: 'data', minRatio: 0.9 }, windowMinutes: 60 });
    const sub = await addSubscriber(env.db, {});
    const low = await addSubscriber(env.db, {});
    const late = await addSubscriber(env.db, {});
    await env.s.marketing.mart.refreshAll();
    const at = NOON.toISOString();
    const usage = (subscriberId: number, usedRatio: number, when = at) => ({ subscriberId, allowance: 'data', threshold: 0.9, usedRatio, cycle: '2026-11', at: when });
    await env.s.events.publish('usage.threshold', usage(low.id, 0.85), { id: `usage:${low.id}` });
    await env.s.events.publish('usage.threshold', usage(sub.id, 0.93), { id: `usage:${sub.id}` });
    await env.s.events.publish('usage.threshold', usage(late.id, 0.95, new Date(NOON.getTime() - 2 * 3600_000).toISOString()), { id: `usage:${late.id}` });
    await bus().drained();
    assert.equal((await texts(sub.msisdn)).length, 1);
    assert.equal((await texts(low.msisdn)).length, 0);
    assert.equal((await texts(late.msisdn)).length, 0);
    assert.deepEqual((await fires(late.id)).map((f) => [f.outcome, f.rule]), [['expired', 'WINDOW']]);
    await env.s.triggers.end(creator, t.id);
  });

  test('a trigger on USSD places the offer first in 我的优惠 at the next visit, until its window ends; no text, no contact counted; shown once', async () => {
    const t = await liveTrigger({ nameZh: '流量将尽USSD', nameEn: 'Data nearly used (USSD)', event: 'usage.threshold', condition: { allowance: 'data', minRatio: 0.9 }, windowMinutes: 120, channel: 'ussd' });
    assert.equal(t.channel, 'ussd');
    // Fresh lines: their features show little data used, so the pack alone would be judged unsuitable.
    const sub = await addSubscriber(env.db, { balanceFen: 5000 });
    const late = await addSubscriber(env.db, {});
    const lapsed = await addSubscriber(env.db, {});
    await env.s.marketing.mart.refreshAll();
    env.s.marketing.decisions.invalidate();
    const usage = (subscriberId: number, when = env.clock.now().toISOString()) => ({ subscriberId, allowance: 'data', threshold: 0.9, usedRatio: 0.93, cycle: '2026-11', at: when });
    assert.deepEqual((await env.s.marketing.decisions.decide(sub.id, 'ussd')).removed.filter((r) => r.offer.id === offerId).map((r) => r.reason), ['USAGE_TOO_LOW'], 'without the event the pack is not for them');

    await env.s.events.publish('usage.threshold', usage(sub.id), { id: `usage-ussd:${sub.id}` });
    await env.s.events.publish('usage.threshold', usage(sub.id), { id: `usage-ussd:${sub.id}` }); // delivered twice
    await env.s.events.publish('usage.threshold', usage(late.id, new Date(env.clock.now().getTime() - 3 * 3600_000).toISOString()), { id: `usage-ussd:${late.id}` });
    await env.s.events.publish('usage.threshold', usage(lapsed.id), { id: `usage-ussd:${lapsed.id}` });
    await bus().drained();
    const [placed] = await fires(sub.id);
    assert.equal((await fires(sub.id)).length, 1, 'one placement for an event delivered twice');
    assert.equal(placed!.outcome, 'placed');
    assert.equal(new Date(placed!.placedUntil!).getTime(), env.clock.now().getTime() + 120 * 60_000, 'until the event’s time plus the window');
    assert.deepEqual((await fires(late.id)).map((f) => [f.outcome, f.rule]), [['expired', 'WINDOW']]);
    assert.equal((await texts(sub.msisdn)).length, 0, 'nothing is sent: the subscriber comes to us');
    assert.equal((await env.db.selectFrom('contact').select('id').where('subscriberId', '=', sub.id).execute()).length, 0, 'no outbound contact is counted');

    // In the hall it ranks as it would without the trigger; on USSD it is first, with the trigger's weight.
    assert.ok(!(await env.s.marketing.decisions.decide(sub.id, 'web')).ranked.some((r) => r.offer.id === offerId), 'a USSD placement is not the hall’s');
    const explained = await env.s.marketing.decisions.decide(sub.id, 'ussd');
    assert.equal(explained.ranked[0]!.offer.id, offerId);
    assert.equal(explained.ranked[0]!.factors.context, 3);
    assert.equal(explained.ranked[0]!.placedBy?.triggerId, t.id);
    // *100# → 我的优惠, as the USSD menu calls it.
    const shown = await env.s.invoker.invoke({ channel: 'ussd', principal: { kind: 'subscriber', subscriberId: sub.id }, subscriberId: sub.id, businessId: 'offers.mine', input: {} });
    assert.equal(shown.status, 'ok', JSON.stringify(shown));
    assert.equal((shown as { result: { offers: { id: number }[] } }).result.offers[0]!.id, offerId, 'first in 我的优惠 on USSD');
    assert.deepEqual((await fires(sub.id)).map((f) => f.outcome), ['shown']);
    const after = await env.s.marketing.decisions.decide(sub.id, 'ussd');
    assert.ok(!after.ranked.some((r) => r.placedBy), 'once seen it is no longer put first');
    assert.ok(after.ranked.some((r) => r.offer.id === offerId), 'but stays theirs to take until the window ends');

    // Past its window an unseen placement is gone: the lapsed subscriber's offer is judged as before,
    // and the engine's sweep records it expired, never shown; the one seen stays shown.
    env.clock.set(new Date(env.clock.now().getTime() + 121 * 60_000));
    try {
      const d = await env.s.marketing.decisions.decide(lapsed.id, 'ussd');
      assert.ok(!d.ranked.some((r) => r.placedBy), 'no placement past its window');
      await env.s.triggerEngine.expireUnseen();
      assert.deepEqual((await fires(lapsed.id)).map((f) => [f.outcome, f.rule]), [['expired', 'NOT_SHOWN']], 'expired unseen');
      assert.deepEqual((await fires(sub.id)).map((f) => f.outcome), ['shown'], 'a placement seen in time stays shown');
    } finally {
      env.clock.set(NOON);
    }
    await env.s.triggers.end(creator, t.id);
  });

  test('a placed offer is accepted on the channel it was placed on, charged once', async () => {
    const t = await liveTrigger({ nameZh: '来电咨询（网厅）', nameEn: 'Asked about a pack (hall)', channel: 'hall', windowMinutes: 24 * 60 });
    const sub = await addSubscriber(env.db, { balanceFen: 5000 });
    await env.s.marketing.mart.refreshAll();
    await callAbout(sub.id, 'ivr');
    assert.deepEqual((await fires(sub.id)).map((f) => f.outcome), ['placed']);
    const token = await signIn(env, sub.msisdn);
    const headers = (key?: string) => ({ authorization: `Bearer ${token}`, 'x-omnihall-channel': 'mobile', ...(key ? { 'idempotency-key': key } : {}) });
    const mine = await env.app.inject({ method: 'POST', url: '/api/v1/businesses/offers.mine', headers: headers(), payload: {} });
    assert.equal(mine.json().result.offers[0].id, offerId, 'first in 我的专属优惠 in the mobile hall');
    const accept = (confirm: boolean, key: string) => env.app.inject({ method: 'POST', url: '/api/v1/businesses/offer.accept', headers: headers(key), payload: { input: { offerId }, confirm } });
    assert.equal((await accept(false, 'placed-accept-0')).json().code, 'CONFIRMATION_REQUIRED');
    const done = await accept(true, 'placed-accept-1');
    assert.equal(done.statusCode, 200, done.body);
    assert.equal((await accept(true, 'placed-accept-1')).json().replayed, true);
    const { balanceFen, ledgerFen } = await balanceAndLedger(env.db, sub.id);
    assert.deepEqual([balanceFen, ledgerFen], [4000, 4000], 'charged the offer price once');
    await env.s.triggers.end(creator, t.id);
  });

  test('unseen placements past their window are expired once by two nodes sweeping at once; seen and live ones are left; the once-rule no longer counts them', async () => {
    const t = await liveTrigger({ nameZh: '余额不足（网厅）', nameEn: 'Balance low (hall)', event: 'balance.low', condition: {}, windowMinutes: 60, channel: 'hall' });
    const [seen, a, b, c, live] = await Promise.all(Array.from({ length: 5 }, () => addSubscriber(env.db, { balanceFen: 5000 })));
    await env.s.marketing.mart.refreshAll();
    const low = (subscriberId: number, id: string) => env.s.events.publish('balance.low', { subscriberId, balanceFen: 800, thresholdFen: 1000, at: env.clock.now().toISOString() }, { id });
    for (const s of [seen!, a!, b!, c!]) await low(s.id, `low-sweep:${s.id}`);
    await bus().drained();
    assert.equal((await env.s.marketing.decisions.show(seen!.id, 'web', 6))[0]!.offer.id, offerId, 'seen in the hall before its end');
    const byRule = async () => (await env.s.triggers.fires(t.id)).map((f) => `${f.subscriberId}:${f.outcome}:${f.rule ?? ''}`).sort();

    env.clock.set(new Date(NOON.getTime() + 61 * 60_000));
    try {
      await low(live!.id, `low-sweep:${live!.id}`);
      await bus().drained();
      // Two nodes' sweeps at the same moment: each unseen placement changes once, by one of them.
      const [one, two] = await Promise.all([env.s.triggerEngine.expireUnseen(), env.s.triggerEngine.expireUnseen()]);
      assert.equal(one + two, 3, 'three unseen placements, each expired by one sweep');
      assert.equal(await env.s.triggerEngine.expireUnseen(), 0, 'nothing left to expire');
      assert.deepEqual(await byRule(), [
        `${a!.id}:expired:NOT_SHOWN`, `${b!.id}:expired:NOT_SHOWN`, `${c!.id}:expired:NOT_SHOWN`, `${live!.id}:placed:`, `${seen!.id}:shown:`,
      ].sort());
      const listed = (await env.s.triggers.fires(t.id)).find((f) => f.subscriberId === a!.id)!;
      assert.equal(new Date(listed.placedUntil!).getTime(), NOON.getTime() + 60 * 60_000, 'the console still sees when it ended');

      // Never seen, so not had: the next event places it again; seen once, it is theirs no more.
      await low(a!.id, `low-sweep-2:${a!.id}`);
      await low(seen!.id, `low-sweep-2:${seen!.id}`);
      await bus().drained();
      assert.deepEqual((await fires(a!.id)).map((f) => f.outcome), ['expired', 'placed']);
      assert.deepEqual((await fires(seen!.id)).map((f) => f.outcome), ['shown'], 'once per subscriber');

      // Past the live one's end before any sweep: the next event still counts it as not had.
      env.clock.set(new Date(NOON.getTime() + 130 * 60_000));
      await low(live!.id, `low-sweep-3:${live!.id}`);
      await bus().drained();
      assert.deepEqual((await fires(live!.id)).map((f) => [f.outcome, f.rule]), [['expired', 'NOT_SHOWN'], ['placed', null]]);
    } finally {
      env.clock.set(NOON);
    }
    await env.s.triggers.end(creator, t.id);
  });

  test('a trigger on the IVR has its offer read out first in 我的优惠 at the next call, and only there', async () => {
    const t = await liveTrigger({ nameZh: '流量将尽（语音）', nameEn: 'Data nearly used (IVR)', event: 'usage.threshold', condition: { allowance: 'data' }, windowMinutes: 120, channel: 'ivr' });
    assert.equal(t.channel, 'ivr');
    const sub = await addSubscriber(env.db, { balanceFen: 5000 });
    await env.s.marketing.mart.refreshAll();
    await env.s.events.publish('usage.threshold', { subscriberId: sub.id, allowance: 'data', threshold: 0.9, usedRatio: 0.95, cycle: '2026-11', at: env.clock.now().toISOString() }, { id: `usage-ivr:${sub.id}` });
    await bus().drained();
    assert.deepEqual((await fires(sub.id)).map((f) => f.outcome), ['placed']);
    assert.ok(!(await env.s.marketing.decisions.decide(sub.id, 'ussd')).ranked.some((r) => r.offer.id === offerId), 'an IVR placement is not USSD’s');
    const r = await env.app.inject({ method: 'GET', url: `/channels/ivr/vxml?caller=${sub.msisdn}` });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(mainPrompt(checkVxml(r.body)), /请选择业务。我的优惠：3GB流量包优惠，[^；]+，请按1；/, 'read out first');
    assert.deepEqual((await fires(sub.id)).map((f) => f.outcome), ['shown']);
    await env.s.triggers.end(creator, t.id);
  });

  test('a kiosk placement is the kiosk’s alone, and a hall placement is not the kiosk’s (X-Omnihall-Channel)', async () => {
    const kiosk = await liveTrigger({ nameZh: '流量将尽（自助终端）', nameEn: 'Data nearly used (kiosk)', event: 'usage.threshold', condition: { allowance: 'data' }, windowMinutes: 120, channel: 'kiosk' });
    const hall = await liveTrigger({ nameZh: '出账（网厅）', nameEn: 'Bill issued (hall)', event: 'bill.issued', condition: {}, windowMinutes: 120, channel: 'hall' });
    const k = await addSubscriber(env.db, { balanceFen: 5000 });
    const h = await addSubscriber(env.db, { balanceFen: 5000 });
    await env.s.marketing.mart.refreshAll();
    const at = env.clock.now().toISOString();
    await env.s.events.publish('usage.threshold', { subscriberId: k.id, allowance: 'data', threshold: 0.9, usedRatio: 0.95, cycle: '2026-11', at }, { id: `usage-kiosk:${k.id}` });
    await env.s.events.publish('bill.issued', { subscriberId: h.id, month: '2026-10', amountFen: 5800, at }, { id: `bill-hall:${h.id}` });
    await bus().drained();
    assert.deepEqual([(await fires(k.id)).map((f) => [f.triggerId, f.outcome]), (await fires(h.id)).map((f) => [f.triggerId, f.outcome])], [[[kiosk.id, 'placed']], [[hall.id, 'placed']]]);
    const tokens = { [k.msisdn]: await signIn(env, k.msisdn), [h.msisdn]: await signIn(env, h.msisdn) };
    const mine = async (msisdn: string, channel: string) => {
      const token = tokens[msisdn];
      const res = await env.app.inject({ method: 'POST', url: '/api/v1/businesses/offers.mine', headers: { authorization: `Bearer ${token}`, 'x-omnihall-channel': channel }, payload: {} });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json().result.offers as { id: number }[]).map((o) => o.id);
    };
    for (const channel of ['web', 'mobile']) assert.ok(!(await mine(k.msisdn, channel)).includes(offerId), `a kiosk placement is not the ${channel} hall’s`);
    assert.ok(!(await mine(h.msisdn, 'kiosk')).includes(offerId), 'a hall placement is not the kiosk’s');
    assert.deepEqual([(await fires(k.id))[0]!.outcome, (await fires(h.id))[0]!.outcome], ['placed', 'placed'], 'not shown where it was not placed');
    assert.equal((await mine(k.msisdn, 'kiosk'))[0], offerId, 'first in the kiosk’s 我的专属优惠');
    assert.equal((await mine(h.msisdn, 'web'))[0], offerId, 'first in the web hall’s');
    assert.deepEqual([(await fires(k.id))[0]!.outcome, (await fires(h.id))[0]!.outcome], ['shown', 'shown']);
    await env.s.triggers.end(creator, kiosk.id);
    await env.s.triggers.end(creator, hall.id);
  });

  test('usage recorded past 90% of the data publishes one usage.threshold, and the pack is offered by SMS', async () => {
    const t = await liveTrigger({ nameZh: '流量将尽', nameEn: 'Data nearly used', event: 'usage.threshold', condition: { allowance: 'data', minRatio: 0.9 }, windowMinutes: 60 });
    const sub = await addSubscriber(env.db, { planId: 'PLAN-4G-58' });
    await env.s.marketing.mart.refreshAll();
    const plan = await env.db.selectFrom('offering').select('dataMb').where('id', '=', 'PLAN-4G-58').executeTakeFirstOrThrow();
    const feed = (body: Record<string, unknown>) => env.app.inject({ method: 'POST', url: '/api/v1/demo/usage', payload: body });
    const first = await feed({ msisdn: sub.msisdn, dataMb: Math.floor(plan.dataMb * 0.85) });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json().crossed, [], 'under 90%: nothing told');
    const second = await feed({ msisdn: sub.msisdn, dataMb: Math.ceil(plan.dataMb * 0.06) });
    assert.deepEqual(second.json().crossed.map((c: { allowance: string }) => c.allowance), ['data']);
    const third = await feed({ msisdn: sub.msisdn, dataMb: 10 });
    assert.deepEqual(third.json().crossed, [], 'crossed once a cycle');
    await bus().drained();
    const sent = await texts(sub.msisdn);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.purpose, `trigger:${t.id}`);
    // bad input answers a problem and records nothing
    for (const bad of [{ msisdn: '123', dataMb: 1 }, { msisdn: sub.msisdn, dataMb: -5 }, { msisdn: sub.msisdn, dataMb: 1.5 }, { msisdn: sub.msisdn, megabytes: 1 }]) {
      const r = await feed(bad);
      assert.equal(r.statusCode, 400, JSON.stringify(bad));
      assert.equal(r.json().code, 'INVALID_INPUT');
    }
    assert.equal((await feed({ msisdn: '13700000000', dataMb: 1 })).json().code, 'NOT_A_SUBSCRIBER');
    const counter = await env.db.selectFrom('usageCounter').select('dataMbUsed').where('subscriberId', '=', sub.id).executeTakeFirstOrThrow();
    assert.equal(counter.dataMbUsed, Math.floor(plan.dataMb * 0.85) + Math.ceil(plan.dataMb * 0.06) + 10);
    await env.s.triggers.end(creator, t.id);
  });

  test('a charge taking a prepaid balance below ¥10 publishes one balance.low through the outbox, and the trigger offers the pack', async () => {
    const t = await liveTrigger({ nameZh: '余额不足', nameEn: 'Balance low', event: 'balance.low', condition: { maxBalanceFen: 1000 }, windowMinutes: 60 });
    const low = await addSubscriber(env.db, { balanceFen: 1500 });
    const stillHigh = await addSubscriber(env.db, { balanceFen: 2500 });
    const postpaid = await addSubscriber(env.db, { type: 'postpaid', balanceFen: 1500 });
    await env.s.marketing.mart.refreshAll();
    for (const sub of [low, stillHigh, postpaid]) {
      const token = await signIn(env, sub.msisdn);
      const quoted = await callBusiness(env, token, 'pack.subscribe', { input: { packId: 'PK-DATA-1G' } }, `balance-low-${sub.id}`);
      assert.equal(quoted.statusCode, 409, quoted.body);
      const done = await callBusiness(env, token, 'pack.subscribe', { input: { packId: 'PK-DATA-1G' }, confirm: true, quoteTerms: quoted.json().quote.terms }, `balance-low-${sub.id}`);
      assert.equal(done.statusCode, 200, done.body);
    }
    // a charge rolled back tells nothing, though it would have crossed the mark
    const rolled = await addSubscriber(env.db, { balanceFen: 1500 });
    await assert.rejects(env.db.transaction().execute(async (tx) => {
      await builtinBss(tx, { catalogue: env.s.catalogueReader }).charge(rolled.id, 1000, { channel: 'test', reference: null, noteZh: '测试', noteEn: 'test', at: env.clock.now() });
      throw new Error('rolled back');
    }), /rolled back/);
    const held = await env.db.selectFrom('eventOutbox').select(['id', 'subject', 'payload']).where('subject', '=', 'balance.low').execute();
    assert.deepEqual(held.map((e) => (e.payload as { subscriberId: number }).subscriberId), [low.id], 'one event, in the outbox with its charge');
    assert.deepEqual(held[0]!.payload, { subscriberId: low.id, balanceFen: 500, thresholdFen: 1000, at: env.clock.now().toISOString() });
    assert.ok((await env.s.outbox.drain()) >= 1);
    assert.equal((await env.db.selectFrom('eventOutbox').select('id').execute()).length, 0, 'published, then gone from the outbox');
    await bus().drained();
    const sent = await texts(low.msisdn);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.purpose, `trigger:${t.id}`);
    for (const sub of [stillHigh, postpaid, rolled]) assert.equal((await fires(sub.id)).length, 0, 'no crossing, no event');
    await env.s.triggers.end(creator, t.id);
  });

  test('a bill issued by the billing feed publishes bill.issued once; the trigger takes bills from its amount; bad input changes nothing', async () => {
    const t = await liveTrigger({ nameZh: '账单提醒', nameEn: 'Bill issued', event: 'bill.issued', condition: { minAmountFen: 5000 }, windowMinutes: 24 * 60 });
    const big = await addSubscriber(env.db, { type: 'postpaid', balanceFen: 0, creditLimitFen: 20_000 });
    const small = await addSubscriber(env.db, { balanceFen: 3000 });
    await env.s.marketing.mart.refreshAll();
    const issue = (body: Record<string, unknown>) => env.app.inject({ method: 'POST', url: '/api/v1/demo/bills', payload: body });
    const items = [
      { kind: 'plan', nameZh: '4G畅享58元套餐', nameEn: '4G 58 plan', amountFen: 5800 },
      { kind: 'discount', nameZh: '老用户话费优惠', nameEn: 'Loyalty discount', amountFen: -500 },
    ];
    const bads: Record<string, unknown>[] = [
      { msisdn: big.msisdn, month: '2026-13', items },
      { msisdn: big.msisdn, month: '2026-11', items }, // this month has not ended
      { msisdn: big.msisdn, month: '2026-10', items: [] },
      { msisdn: big.msisdn, month: '2026-10', items: [{ ...items[0]!, kind: 'gift' }] },
      { msisdn: big.msisdn, month: '2026-10', items: [{ ...items[0]!, amountFen: 12.5 }] },
      { msisdn: big.msisdn, month: '2026-10', items: [{ ...items[1]! }] }, // a total below zero
    ];
    for (const bad of bads) {
      const r = await issue(bad);
      assert.equal(r.statusCode, 400, JSON.stringify(bad));
      assert.equal(r.json().code, 'INVALID_INPUT');
    }
    assert.equal((await issue({ msisdn: '13700000000', month: '2026-10', items })).json().code, 'NOT_A_SUBSCRIBER');
    assert.equal((await env.db.selectFrom('bill').select('id').where('subscriberId', '=', big.id).execute()).length, 0, 'nothing stored');
    const first = await issue({ msisdn: big.msisdn, month: '2026-10', items });
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual([first.json().totalFen, first.json().status, first.json().issuedOn, first.json().dueOn], [5300, 'unpaid', '2026-11-20', '2026-12-09']);
    assert.equal((await issue({ msisdn: big.msisdn, month: '2026-10', items })).statusCode, 200, 'told again: the same bill');
    const other = await issue({ msisdn: big.msisdn, month: '2026-10', items: [items[0]] });
    assert.deepEqual([other.statusCode, other.json().code], [409, 'BILL_ALREADY_ISSUED']);
    assert.equal((await issue({ msisdn: small.msisdn, month: '2026-10', items: [{ ...items[0]!, amountFen: 2000 }] })).json().status, 'paid', 'a prepaid bill is a statement');
    assert.deepEqual(await balanceAndLedger(env.db, big.id), { balanceFen: -5300, ledgerFen: -5300 }, 'the postpaid account owes the bill');
    assert.deepEqual(await balanceAndLedger(env.db, small.id), { balanceFen: 3000, ledgerFen: 3000 });
    await env.s.outbox.drain();
    await bus().drained();
    assert.equal((await texts(big.msisdn)).length, 1, 'the bill of ¥53 is offered on');
    assert.equal((await texts(small.msisdn)).length, 0, 'a bill of ¥20 is under the trigger’s amount');
    assert.equal((await fires(big.id)).length, 1);
    await env.s.triggers.end(creator, t.id);
  });

  test('console: list, create, submit, review by another, pause; problems for bad input and self-review', async () => {
    const author = await staffToken(env, ['marketing']);
    const other = await staffToken(env, ['marketing']);
    const agent = await staffToken(env, ['agent']);
    const call = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      env.app.inject({ method, url: `/api/v1/console/marketing/triggers${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    const body = { nameZh: '来电咨询', nameEn: 'Asked', event: 'interaction.called', condition: { channels: ['ivr'] }, offerId, windowMinutes: 4320 };
    const bad = await call(author, 'POST', '', { ...body, windowMinutes: -1 });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_INPUT');
    // An unknown channel is named, with the ones there are, at its field.
    const fax = await env.app.inject({ method: 'POST', url: '/api/v1/console/marketing/triggers', headers: { authorization: `Bearer ${author}`, 'accept-language': 'en' }, payload: { ...body, channel: 'fax' } });
    assert.equal(fax.statusCode, 400);
    assert.deepEqual([fax.json().code, fax.json().path, fax.json().channels], ['INVALID_INPUT', 'channel', ['sms', 'ussd', 'hall', 'ivr', 'kiosk']]);
    assert.equal(fax.json().detail, 'No channel "fax": a trigger offers by sms, or on ussd, hall, ivr or kiosk');
    assert.match(fax.json().messages['zh-CN'], /没有“fax”这个推荐渠道/);
    assert.equal((await call(agent, 'POST', '', body)).statusCode, 403);
    const made = await call(author, 'POST', '', body);
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id as number;
    assert.equal((await call(author, 'POST', `/${id}/submit`)).json().status, 'pending');
    const self = await call(author, 'POST', `/${id}/approve`);
    assert.equal(self.statusCode, 409);
    assert.equal(self.json().code, 'SELF_REVIEW');
    assert.equal((await call(other, 'POST', `/${id}/approve`)).json().status, 'active');
    assert.equal((await call(author, 'POST', `/${id}/pause`)).json().status, 'paused');
    const list = await call(agent, 'GET', '');
    assert.equal(list.statusCode, 200);
    assert.ok((list.json() as { items: { id: number }[] }).items.some((t) => t.id === id));
    assert.equal((await call(author, 'GET', '/99999')).json().code, 'TRIGGER_NOT_FOUND');
    assert.equal((await call(author, 'GET', `/${id}/fires`)).statusCode, 200);
  });

  test('the demo operator has two live triggers: an IVR or agent contact about a data pack, and data 90% used', async () => {
    const seeded = await seedDemoMarketing(env.db, env.s.marketing.mart, env.s.audit, env.clock.now());
    assert.equal(seeded.created, true);
    const live = await env.s.triggers.list({ status: 'active' });
    assert.deepEqual(live.map((t) => t.event).sort(), ['interaction.called', 'usage.threshold']);
    env.s.triggers.onChange();
    const sub = await addSubscriber(env.db, {});
    await env.s.marketing.mart.refreshAll();
    await callAbout(sub.id, 'ivr', 'PK-DATA-1G');
    const sent = await texts(sub.msisdn);
    assert.equal(sent.length, 1, 'the demo trigger offered a pack by SMS');
    assert.match(sent[0]!.text, /3GB流量仅需10元/);
  });
});
