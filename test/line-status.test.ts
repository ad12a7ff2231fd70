// What a subscriber is told about their line and money, on every channel: a suspended line says
// 停机 and what to recharge; a negative balance is 欠费 (never "-¥123.00") with the credit left;
// a recharge that covers what the line was short restores it; recharging another of the
// operator's numbers; where to cancel after an order; pack lists one pack a line with /月.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../src/platform/errors.ts';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

type Out = { status: string; result: Record<string, unknown>; text: { short: Record<'zh-CN' | 'en', string>; long: Record<'zh-CN' | 'en', string> }; quote?: { summary: Record<'zh-CN' | 'en', string> } };
let keys = 0;
async function run(subscriberId: number, channel: string, businessId: string, input: Record<string, unknown> = {}, confirm = false): Promise<Out> {
  return (await env.s.invoker.invoke({
    channel, principal: { kind: 'subscriber', subscriberId }, subscriberId, businessId, input, confirm, idempotencyKey: confirm ? `line-${++keys}` : null,
  })) as Out;
}

async function sms(from: string, text: string): Promise<string> {
  const r = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${encodeURIComponent(from)}&to=10086&text=${encodeURIComponent(text)}` });
  assert.equal(r.statusCode, 200, r.body);
  return r.body;
}

const all = (o: Out) => [o.text.short['zh-CN'], o.text.short.en, o.text.long['zh-CN'], o.text.long.en].join('\n');

describe('a prepaid line suspended for non-payment', () => {
  test('balance.query says 停机, why and what to recharge, in the data and the texts; SMS YE says the same', async () => {
    const sub = await addSubscriber(env.db, { status: 'suspended', balanceFen: 500, planId: 'PLAN-4G-38' });
    const b = await run(sub.id, 'web', 'balance.query');
    assert.deepEqual(
      { lineStatus: b.result.lineStatus, suspendedReason: b.result.suspendedReason, owedFen: b.result.owedFen, creditLeftFen: b.result.creditLeftFen, restoreFen: b.result.restoreFen },
      { lineStatus: 'suspended', suspendedReason: 'non_payment', owedFen: 0, creditLeftFen: null, restoreFen: 3300 },
    );
    assert.deepEqual(b.result.planName, { 'zh-CN': '4G畅享套餐38元', en: '4G Enjoy 38' });
    assert.match(b.text.short['zh-CN'], /欠费已停机，充值33\.00元或以上即可恢复/);
    assert.match(b.text.long.en, /suspended for non-payment; recharge ¥33\.00 or more/);
    assert.match(await sms(sub.msisdn, 'YE'), /停机.*33\.00元/u);
  });

  test('a recharge that covers the shortfall restores the line and takes the month’s fee; a smaller one does not', async () => {
    const sub = await addSubscriber(env.db, { status: 'suspended', balanceFen: 500, planId: 'PLAN-4G-38' });
    const small = await run(sub.id, 'web', 'recharge', { amount: 1000 }, true);
    assert.equal(small.result.restored, false);
    assert.equal((await env.db.selectFrom('subscriber').select('status').where('id', '=', sub.id).executeTakeFirstOrThrow()).status, 'suspended');
    const enough = await run(sub.id, 'web', 'recharge', { amount: 3000 }, true);
    assert.equal(enough.result.restored, true);
    assert.match(enough.text.long['zh-CN'], /已扣本月月费38\.00元，号码已恢复使用，当前余额7\.00元/);
    assert.equal((await env.db.selectFrom('subscriber').select('status').where('id', '=', sub.id).executeTakeFirstOrThrow()).status, 'active');
    const money = await balanceAndLedger(env.db, sub.id);
    assert.deepEqual(money, { balanceFen: 700, ledgerFen: 700 });
    const after = await run(sub.id, 'web', 'balance.query');
    assert.equal(after.result.lineStatus, 'active');
    // The restored line can order again.
    assert.equal((await run(sub.id, 'web', 'pack.subscribe', { packId: 'PK-DATA-DAY-1G' })).status, 'confirmation_required');
  });
});

describe('a postpaid account that owes money', () => {
  test('balance, recharge and order texts say 欠费 and the credit left, never a minus sign, on every channel', async () => {
    const sub = await addSubscriber(env.db, { type: 'postpaid', balanceFen: -11_050, creditLimitFen: 30_000, planId: 'PLAN-4G-128' });
    for (const channel of ['web', 'sms', 'ussd', 'ivr']) {
      const b = await run(sub.id, channel, 'balance.query');
      assert.equal(b.result.owedFen, 11_050);
      assert.equal(b.result.creditLeftFen, 18_950);
      assert.equal(b.result.lineStatus, 'active');
      assert.match(b.text.short['zh-CN'], /^您已欠费110\.50元，剩余信用额度189\.50元$/);
      assert.match(b.text.short.en, /^You owe ¥110\.50, ¥189\.50 credit left$/);
      assert.doesNotMatch(all(b), /-\s*¥|-\d|余额-/);
    }
    const r = await run(sub.id, 'web', 'recharge', { amount: 2000 }, true);
    assert.match(r.text.long['zh-CN'], /当前已欠费90\.50元，剩余信用额度209\.50元/);
    assert.match(r.text.long.en, /You owe ¥90\.50, ¥209\.50 credit left/);
    assert.doesNotMatch(all(r), /-\s*¥|-\d|余额-/);
    const o = await run(sub.id, 'web', 'pack.subscribe', { packId: 'PK-DATA-DAY-1G' }, true);
    assert.match(o.text.long['zh-CN'], /当前已欠费\d+\.\d\d元，剩余信用额度/);
    assert.doesNotMatch(all(o), /-\s*¥|-\d|余额-/);
    const reply = await sms(sub.msisdn, 'YE');
    assert.match(reply, /欠费93\.50元，剩余信用额度206\.50元（信用额度300\.00元）/u);
    assert.doesNotMatch(reply, /-\d/u);
  });
});

describe('recharging another number of this operator', () => {
  test('credits the other number, names it masked, shows nothing of its balance; unknown numbers and letters are refused, nothing charged', async () => {
    const payer = await addSubscriber(env.db, { balanceFen: 1000 });
    const other = await addSubscriber(env.db, { balanceFen: 200 });
    const spaced = `+86 ${other.msisdn.slice(0, 3)} ${other.msisdn.slice(3, 7)} ${other.msisdn.slice(7)}`;
    const q = await run(payer.id, 'web', 'recharge', { amount: 5000, msisdn: spaced });
    assert.equal(q.status, 'confirmation_required');
    const masked = `${other.msisdn.slice(0, 3)}****${other.msisdn.slice(7)}`;
    assert.match(q.quote!.summary['zh-CN'], new RegExp(`为${masked.replace(/\*/g, '\\*')}充值50\\.00元（他人号码）`));
    const done = await run(payer.id, 'web', 'recharge', { amount: 5000, msisdn: other.msisdn }, true);
    assert.equal(done.result.balanceFen, undefined, 'another subscriber’s balance is not shown');
    assert.doesNotMatch(all(done), /余额|balance/);
    assert.equal((await balanceAndLedger(env.db, other.id)).balanceFen, 5200);
    assert.equal((await balanceAndLedger(env.db, payer.id)).balanceFen, 1000);

    await assert.rejects(run(payer.id, 'web', 'recharge', { amount: 5000, msisdn: '13700000000' }, true), (e) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'NOT_A_SUBSCRIBER');
      assert.match(e.text['zh-CN'], /137\*\*\*\*0000不是本网号码，未扣费/);
      return true;
    });
    await assert.rejects(run(payer.id, 'web', 'recharge', { amount: 5000, msisdn: '1380000000l' }), (e) => isAppError(e) && e.code === 'INVALID_INPUT' && /不能有字母/.test(e.text['zh-CN']));
    assert.equal((await balanceAndLedger(env.db, other.id)).balanceFen, 5200);
  });
});

describe('ordering and listing packs', () => {
  test('after an order the hall says where to cancel (我的业务), SMS and USSD keep QX <code>', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const web = await run(sub.id, 'web', 'pack.subscribe', { packId: 'PK-DATA-DAY-1G' }, true);
    assert.match(web.text.long['zh-CN'], /如需退订，请在“我的业务”中办理/);
    assert.doesNotMatch(web.text.long['zh-CN'], /QX/);
    assert.deepEqual(web.result.cancel, { smsCommand: `QX ${web.result.code}`, hallPath: '/subscriptions' });
    const s = await run(sub.id, 'sms', 'pack.subscribe', { packId: 'VAS-CALLREM' }, true);
    assert.match(s.text.long['zh-CN'], /退订请发送QX LDTX/);
    assert.match(s.text.long['zh-CN'], /此后每月2\.00元/);
  });

  test('packs.list: grouped, held ones marked 已订购, monthly prices say /月, one pack a line, no empty fields run together', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    await run(sub.id, 'web', 'pack.subscribe', { packId: 'VAS-CRBT' }, true);
    for (const channel of ['web', 'sms', 'ussd', 'ivr']) {
      const l = await run(sub.id, channel, 'packs.list');
      const packs = l.result.packs as { id: string; group: string; held: boolean; orderable: boolean; priceType: string; unavailableReason: { code: string } | null }[];
      const groups = packs.map((p) => p.group);
      assert.deepEqual(groups, [...groups].sort((a, b) => ['data', 'voice', 'sms', 'vas', 'broadband'].indexOf(a) - ['data', 'voice', 'sms', 'vas', 'broadband'].indexOf(b)), 'by group');
      const crbt = packs.find((p) => p.id === 'VAS-CRBT')!;
      assert.deepEqual([crbt.held, crbt.orderable, crbt.unavailableReason?.code], [true, false, 'ALREADY_SUBSCRIBED']);
      const long = l.text.long['zh-CN'];
      assert.match(long, /【增值】\n/);
      assert.match(long, /^来电提醒：2\.00元\/月。$/m);
      assert.doesNotMatch(long, /，，|：，|（）/);
      assert.doesNotMatch(long, /彩铃/, 'what is held is not offered again in the text');
      assert.doesNotMatch(long, /\bLDTX\b|\bCL\b/, 'no internal codes in the long text');
      assert.match(l.text.short['zh-CN'], /回复KT /, 'the SMS text names the code to type');
    }
  });
});

describe('service search', () => {
  test('GET /businesses gives each business its phrasings and the pinyin initials of its name', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/v1/businesses' });
    assert.equal(r.statusCode, 200, r.body);
    const list = r.json().businesses as { id: string; names: { 'zh-CN': string }; keywords: string[]; pinyinInitials: string }[];
    const by = new Map(list.map((b) => [b.id, b]));
    assert.equal(by.get('balance.query')!.pinyinInitials, 'hfyecx');
    assert.equal(by.get('recharge')!.pinyinInitials, 'czjf');
    assert.ok(by.get('recharge')!.pinyinInitials.startsWith('cz'), 'cz finds 充值');
    assert.ok(by.get('balance.query')!.keywords.includes('查话费'));
    assert.ok(by.get('pack.subscribe')!.keywords.includes('办流量'));
    assert.ok(by.get('recharge')!.keywords.includes('top up'));
    for (const b of list) {
      assert.match(b.pinyinInitials, /^[a-z0-9]+$/, b.id);
      assert.ok(Array.isArray(b.keywords), b.id);
    }
    const core = ['balance.query', 'usage.query', 'bill.query', 'subscriptions.query', 'points.query', 'packs.list', 'plans.list', 'pack.subscribe', 'pack.unsubscribe', 'plan.change', 'recharge', 'points.redeem'];
    for (const id of core) assert.ok(by.get(id)!.keywords.length >= 3, `${id} has phrasings`);
  });
});
