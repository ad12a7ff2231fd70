// One eligibility rule for every way of getting an offering: ordering a pack, redeeming points for
// one, changing plan, and TMF622 orders (which run those businesses). A suspended line is refused
// on each path with LINE_SUSPENDED and told how to restore it; nothing is charged or spent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../src/platform/errors.ts';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, type TestEnv } from './helpers.ts';

const ORDERS = '/tmf-api/productOrderingManagement/v4/productOrder';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
  await env.db.insertInto('reward').values([
    { id: 'RW-DATA-DAY', nameZh: '1GB流量日包', nameEn: '1 GB day pass', costPoints: 150, offeringId: 'PK-DATA-DAY-1G', creditFen: 0, active: true },
    { id: 'RW-CREDIT-1', nameZh: '1元话费', nameEn: '¥1 credit', costPoints: 100, offeringId: null, creditFen: 100, active: true },
    // A reward that gives a prepaid-only pack: the rule is the catalogue's, not only the line's status.
    { id: 'RW-VOICE-PRE', nameZh: '预付费200分钟语音包', nameEn: 'Prepaid 200-minute calls', costPoints: 100, offeringId: 'PK-VOICE-200-PRE', creditFen: 0, active: true },
  ]).onConflict((oc) => oc.column('id').doNothing()).execute();
});
after(async () => {
  await env.close();
});

let keys = 0;
function call(subscriberId: number, businessId: string, input: Record<string, unknown> = {}, confirm = false) {
  return env.s.invoker.invoke({
    channel: 'web', principal: { kind: 'subscriber', subscriberId }, subscriberId, businessId, input, confirm,
    idempotencyKey: confirm ? `elig-${++keys}` : null,
  });
}

async function refusedWith(p: Promise<unknown>, code: string): Promise<{ zh: string; en: string; extra: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isAppError(e), String(e));
    assert.equal(e.code, code, e.text['zh-CN']);
    return { zh: e.text['zh-CN'], en: e.text.en, extra: e.extra };
  }
  assert.fail(`expected ${code}`);
}

async function holds(subscriberId: number, offeringId: string): Promise<boolean> {
  const r = await env.db.selectFrom('subscription').select('id').where('subscriberId', '=', subscriberId).where('offeringId', '=', offeringId).where('status', '=', 'active').execute();
  return r.length > 0;
}

async function points(subscriberId: number): Promise<number> {
  const r = await env.db.selectFrom('pointsEntry').select((eb) => eb.fn.sum<number>('delta').as('n')).where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
  return Number(r.n ?? 0);
}

describe('a line suspended for non-payment', () => {
  let sub: { id: number; msisdn: string };
  before(async () => {
    sub = await addSubscriber(env.db, { status: 'suspended', balanceFen: 500, planId: 'PLAN-4G-38', points: 2000 });
  });

  test('cannot order a pack: quote and confirmation refused with why and what to recharge, nothing charged', async () => {
    const q = await refusedWith(call(sub.id, 'pack.subscribe', { packId: 'LL1G' }), 'LINE_SUSPENDED');
    assert.match(q.zh, /欠费已停机，充值33\.00元或以上即可恢复/);
    assert.match(q.en, /suspended for non-payment; recharge ¥33\.00 or more/);
    assert.equal(q.extra.restoreFen, 3300);
    await refusedWith(call(sub.id, 'pack.subscribe', { packId: 'PK-DATA-1G' }, true), 'LINE_SUSPENDED');
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 500);
    assert.equal(await holds(sub.id, 'PK-DATA-1G'), false);
  });

  test('cannot get the same pack by redeeming points: refused at the quote and at the confirmation, no points spent', async () => {
    await refusedWith(call(sub.id, 'points.redeem', { rewardId: 'RW-DATA-DAY' }), 'LINE_SUSPENDED');
    await refusedWith(call(sub.id, 'points.redeem', { rewardId: 'RW-DATA-DAY' }, true), 'LINE_SUSPENDED');
    assert.equal(await points(sub.id), 2000);
    assert.equal(await holds(sub.id, 'PK-DATA-DAY-1G'), false);
  });

  test('may still turn points into credit (it gives no offering)', async () => {
    const r = await call(sub.id, 'points.redeem', { rewardId: 'RW-CREDIT-1' }, true);
    assert.equal(r.status, 'ok');
    assert.equal(await points(sub.id), 1900);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 600);
  });

  test('cannot change plan', async () => {
    await refusedWith(call(sub.id, 'plan.change', { planId: 'PLAN-4G-58' }), 'LINE_SUSPENDED');
    await refusedWith(call(sub.id, 'plan.change', { planId: 'PLAN-4G-58' }, true), 'LINE_SUSPENDED');
    const s = await env.db.selectFrom('subscriber').select('pendingPlanId').where('id', '=', sub.id).executeTakeFirstOrThrow();
    assert.equal(s.pendingPlanId, null);
  });

  test('a TMF622 order for a pack or a plan fails its items with LINE_SUSPENDED; nothing charged', async () => {
    const token = await signIn(env, sub.msisdn);
    const r = await env.app.inject({
      method: 'POST', url: ORDERS, headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'elig-tmf-1' },
      payload: { productOrderItem: [{ id: '1', action: 'add', productOffering: { id: 'PK-DATA-1G' } }, { id: '2', action: 'add', productOffering: { id: 'PLAN-4G-58' } }] },
    });
    assert.equal(r.statusCode, 201, r.body);
    const o = r.json();
    assert.equal(o.state, 'failed');
    assert.deepEqual(o.productOrderItem.map((i: { state: string; omnihall: { errorCode?: string } }) => [i.state, i.omnihall.errorCode]), [['failed', 'LINE_SUSPENDED'], ['failed', 'LINE_SUSPENDED']]);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 600);
    assert.equal(await holds(sub.id, 'PK-DATA-1G'), false);
  });

  test('packs.list shows the packs, none orderable, each saying why; its text says the line is suspended', async () => {
    const r = await call(sub.id, 'packs.list');
    assert.equal(r.status, 'ok');
    const data = (r as { result: { packs: { id: string; orderable: boolean; held: boolean; unavailableReason: { code: string; messages: { 'zh-CN': string } } | null }[]; lineStatus: string } }).result;
    assert.equal(data.lineStatus, 'suspended');
    assert.ok(data.packs.length > 5, 'the packs are listed, not an empty list');
    assert.ok(data.packs.every((p) => !p.orderable && p.unavailableReason !== null));
    const held = data.packs.filter((p) => p.held);
    assert.ok(data.packs.filter((p) => !p.held).every((p) => p.unavailableReason!.code === 'LINE_SUSPENDED' || p.unavailableReason!.code === 'NOT_ELIGIBLE'));
    assert.ok(held.every((p) => p.unavailableReason!.code === 'ALREADY_SUBSCRIBED'));
    assert.match(data.packs.find((p) => p.id === 'PK-DATA-1G')!.unavailableReason!.messages['zh-CN'], /停机/);
    assert.match((r as { text: { short: { 'zh-CN': string } } }).text.short['zh-CN'], /欠费已停机/);
  });
});

describe('an active line', () => {
  test('redeems points for the pack, and may not redeem for one its account cannot have (the same rule)', async () => {
    const pre = await addSubscriber(env.db, { balanceFen: 1000, planId: 'PLAN-4G-38', points: 1000 });
    const r = await call(pre.id, 'points.redeem', { rewardId: 'RW-DATA-DAY' }, true);
    assert.equal(r.status, 'ok');
    assert.equal(await holds(pre.id, 'PK-DATA-DAY-1G'), true);
    assert.equal(await points(pre.id), 850);

    const post = await addSubscriber(env.db, { type: 'postpaid', balanceFen: 0, creditLimitFen: 10_000, planId: 'PLAN-4G-38', points: 1000 });
    await refusedWith(call(post.id, 'points.redeem', { rewardId: 'RW-VOICE-PRE' }, true), 'NOT_ELIGIBLE');
    await refusedWith(call(post.id, 'pack.subscribe', { packId: 'PK-VOICE-200-PRE' }), 'NOT_ELIGIBLE');
    assert.equal(await points(post.id), 1000);
    assert.equal(await holds(post.id, 'PK-VOICE-200-PRE'), false);
  });
});
