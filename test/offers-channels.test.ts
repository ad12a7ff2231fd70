// My exclusive offers on the channels that have no page: 我的优惠 heads the USSD menu and the IVR's,
// one key from the offer's confirmation; SMS lists them with YH and takes one with BL <n> and the
// two-step code; TD stops marketing for good. Taken once, charged once, gone everywhere after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { fitsScreen } from '../src/channels/ussd/render.ts';
import { checkVxml, mainPrompt } from './vxml-check.ts';

let env: TestEnv;
let offerId: number;
const NOW = new Date('2026-11-20T04:00:00Z');

async function heavy(balanceFen = 5000) {
  const s = await addSubscriber(env.db, { planId: 'PLAN-4G-58', balanceFen });
  const plan = await env.db.selectFrom('offering').select('dataMb').where('id', '=', 'PLAN-4G-58').executeTakeFirstOrThrow();
  await env.db.insertInto('usageCounter').values({ subscriberId: s.id, cycle: '2026-11', dataMbUsed: plan.dataMb, voiceMinUsed: 0, smsUsed: 0, updatedAt: NOW }).execute();
  await env.s.marketing.mart.refresh([s.id]);
  return s;
}

async function ussd(sessionId: string, phoneNumber: string, text: string): Promise<string> {
  const r = await env.app.inject({
    method: 'POST', url: '/channels/ussd/africastalking', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ sessionId, serviceCode: '*100#', phoneNumber, text }).toString(),
  });
  assert.equal(r.statusCode, 200, r.body);
  return r.body;
}

async function sms(from: string, text: string): Promise<string> {
  const r = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${encodeURIComponent(from)}&to=10086&text=${encodeURIComponent(text)}` });
  assert.equal(r.statusCode, 200, r.body);
  return r.body;
}

before(async () => {
  env = await startTestEnv({ now: NOW });
  const m = env.s.marketing;
  const a = { id: await createStaffUser(env.db, { username: 'a1', displayName: 'a1', password: 'correct horse battery', roles: ['marketing'] }), name: 'a1', roles: ['marketing' as const] };
  const b = { id: await createStaffUser(env.db, { username: 'b1', displayName: 'b1', password: 'correct horse battery', roles: ['marketing' as const] }), name: 'b1', roles: ['marketing' as const] };
  const seg = await m.segments.create(a, { nameZh: '流量用尽', nameEn: 'Out of data', rule: { feature: 'dataUsageRatio', op: 'ge', value: 0.9 } });
  const o = await m.offers.create(a, {
    offeringId: 'PK-DATA-3G', nameZh: '3GB流量包特惠', nameEn: '3 GB pack deal', pitchZh: '流量快用完？3GB仅需10元', pitchEn: 'Low on data? 3 GB for ¥10',
    priceFen: 1000, validityDays: 30, budget: 100, segmentIds: [seg.id], marginFen: 600, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z',
  });
  await m.offers.submit(a, o.id);
  await m.offers.review(b, o.id, { approve: true });
  offerId = o.id;
});
after(async () => { await env.close(); });

describe('USSD', () => {
  test('我的优惠 is the first option, fitted to the screen; 1 then 1 takes it, charged once; it is gone on the next dial', async () => {
    const s = await heavy();
    const home = await ussd('ATUid_offer_1', s.msisdn, '');
    const first = home.slice(4).split('\n').find((l) => /^\d+\./.test(l))!;
    assert.match(first, /^1\.我的优惠：3GB流量包特惠，10\.00元/);
    assert.ok(fitsScreen(home.slice(4)), home);
    const confirm = await ussd('ATUid_offer_1', s.msisdn, '1');
    assert.match(confirm, /优惠价10\.00元（原价20\.00元）/);
    const done = await ussd('ATUid_offer_1', s.msisdn, '1*1');
    assert.match(done, /^END .*已办理3GB流量包特惠/s);
    assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 4000);
    // The gateway sending the last hop again changes nothing.
    await ussd('ATUid_offer_1', s.msisdn, '1*1');
    assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 4000);
    const again = await ussd('ATUid_offer_2', s.msisdn, '');
    assert.doesNotMatch(again, /我的优惠/);
  });

  test('a subscriber with no offer sees the businesses from 1', async () => {
    const s = await addSubscriber(env.db);
    await env.s.marketing.mart.refresh([s.id]);
    const home = await ussd('ATUid_offer_3', s.msisdn, '');
    assert.doesNotMatch(home, /我的优惠/);
    assert.match(home, /^CON [\s\S]*\n?1\./);
  });
});

describe('SMS', () => {
  test('YH lists, BL <n> quotes with a code, the code takes it once; the offer is gone after', async () => {
    const s = await heavy();
    const list = await sms(s.msisdn, 'YH');
    assert.match(list, new RegExp(`3GB流量包特惠10\\.00元（回复BL ${offerId}）`));
    const quote = await sms(s.msisdn, `BL ${offerId}`);
    const code = /(?:验证码|reply )(\d{4})/u.exec(quote)?.[1];
    assert.ok(code, quote);
    assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 5000);
    const done = await sms(s.msisdn, code);
    assert.match(done, /已成功办理3GB流量包特惠/);
    assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 4000);
    assert.match(await sms(s.msisdn, code), /已|used|办理/);
    assert.equal((await balanceAndLedger(env.db, s.id)).balanceFen, 4000);
    assert.match(await sms(s.msisdn, 'YH'), /暂无专属优惠/);
    assert.match(await sms(s.msisdn, 'BL abc'), /BL/);
  });

  test('TD stops marketing for good on every channel; TD with a code still cancels a pack', async () => {
    const s = await heavy();
    const reply = await sms(s.msisdn, 'TD');
    assert.match(reply, /已退订营销短信/);
    for (const channel of ['sms', 'call', 'ussd', 'push'] as const) {
      const d = await env.s.marketing.contacts.request(env.db, { subscriberId: s.id, channel, kind: 'marketing', purpose: `offer:${offerId}` });
      assert.equal(d.outcome === 'suppress' && d.rule, 'OPT_OUT', channel);
    }
    assert.match(await sms(s.msisdn, 'TD LL1G'), /没有订购|未订购|not|退订/);
  });
});

describe('IVR', () => {
  test('the home menu reads out the best offer first', async () => {
    const s = await heavy();
    const r = await env.app.inject({ method: 'GET', url: `/channels/ivr/vxml?caller=${s.msisdn}` });
    assert.equal(r.statusCode, 200, r.body);
    const doc = checkVxml(r.body);
    assert.match(mainPrompt(doc), /请选择业务。我的优惠：3GB流量包特惠，10元，请按1；话费余额查询，请按2/);
  });
});
