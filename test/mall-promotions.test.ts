// The mall's promotions (src/modules/promotion): the best automatic promotion plus one coupon,
// evaluate without writes, redeem recorded once per order ref and released back, coupons claimed
// into a wallet, staff's promotions live only after a second person's approval, bad input refused
// with stable codes and nothing changed; on real PostgreSQL, limits never passed under concurrency.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';
import type { PromotionInput } from '../src/modules/promotion/index.ts';

let env: TestEnv;
let pm: Actor;
let mk: Actor;
const NOW = new Date('2026-11-20T02:00:00Z');
const DAY = 86_400_000;
const onPostgres = process.env.DATABASE_URL ? false : 'PGlite runs one statement at a time, so it cannot show a race: this runs on PostgreSQL (DATABASE_URL)';
const window = { startsAt: new Date(NOW.getTime() - DAY).toISOString(), endsAt: new Date(NOW.getTime() + 30 * DAY).toISOString() };
const line = (productId: number, unitFen: number, quantity = 1, categoryId: number | null = null) => ({ productId, skuId: productId * 10, categoryId, quantity, unitFen });

async function live(input: Partial<PromotionInput>) {
  const p = await env.s.promotions.staff.create(pm, { mode: 'auto', nameZh: '测试', nameEn: 'Test', benefit: 'amount', offFen: 1000, ...window, ...input } as PromotionInput);
  await env.s.promotions.staff.submit(pm, p.id);
  return env.s.promotions.staff.review(mk, p.id, { approve: true });
}
const evaluate = (subscriberId: number, lines: ReturnType<typeof line>[], couponCode?: string) =>
  env.s.promotions.evaluate(env.db, { subscriberId, lines, goodsFen: lines.reduce((s, l) => s + l.quantity * l.unitFen, 0), couponCode, at: env.clock.now() });
const redeem = (ref: string, subscriberId: number, lines: ReturnType<typeof line>[], couponCode?: string) =>
  env.s.promotions.redeem(env.db, ref, { subscriberId, lines, goodsFen: lines.reduce((s, l) => s + l.quantity * l.unitFen, 0), couponCode, at: env.clock.now() });

before(async () => {
  env = await startTestEnv({ now: NOW, demo: false });
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  mk = { id: await createStaffUser(env.db, { username: 'mk1', displayName: '营销乙', password: 'correct horse battery', roles: ['marketing'] }), name: '营销乙', roles: ['marketing'] };
});
after(() => env.close());

describe('evaluate, redeem and release', () => {
  test('the best automatic promotion applies without a code, a coupon adds one more, never past the goods', async () => {
    const sub = await addSubscriber(env.db);
    const big = await live({ nameZh: '满199减20', nameEn: '¥20 off ¥199', minSpendFen: 19_900, offFen: 2_000 });
    await live({ nameZh: '满100减5', nameEn: '¥5 off ¥100', minSpendFen: 10_000, offFen: 500 });
    await live({ mode: 'code', code: 'TENOFF', nameZh: '十元券', nameEn: '¥10 coupon', offFen: 1_000 });
    assert.deepEqual(await evaluate(sub.id, [line(1, 15_000)]), { discountFen: 500, applied: [{ promotionId: big.id + 1, names: { 'zh-CN': '满100减5', en: '¥5 off ¥100' }, discountFen: 500 }] });
    const r = await evaluate(sub.id, [line(1, 10_000, 2)], 'tenoff');
    assert.equal(r.discountFen, 3_000);
    assert.deepEqual(r.applied.map((a) => [a.promotionId, a.couponCode, a.discountFen]), [[big.id, undefined, 2_000], [big.id + 2, 'TENOFF', 1_000]]);
    assert.equal((await evaluate(sub.id, [line(1, 800)], 'TENOFF')).discountFen, 800, 'never more than the goods');
    assert.equal((await env.s.promotions.staff.get(big.id)).used, 0, 'evaluate writes nothing');
  });

  test('redeem is recorded once per ref, and release gives the uses back', async () => {
    const sub = await addSubscriber(env.db);
    const p = await live({ mode: 'code', code: 'ONCE5', offFen: 500, perSubscriberLimit: 1, globalLimit: 5 });
    const first = await redeem('order:r1', sub.id, [line(2, 5_000)], 'ONCE5');
    assert.deepEqual(await redeem('order:r1', sub.id, [line(2, 5_000)], 'ONCE5'), first);
    assert.equal((await env.s.promotions.staff.get(p.id)).used, 1);
    await assert.rejects(redeem('order:r2', sub.id, [line(2, 5_000)], 'ONCE5'), { code: 'COUPON_LIMIT_REACHED' });
    await env.s.promotions.release(env.db, 'order:r1');
    await env.s.promotions.release(env.db, 'order:r1');
    await env.s.promotions.release(env.db, 'order:never');
    assert.equal((await env.s.promotions.staff.get(p.id)).used, 0);
    await assert.rejects(redeem('order:r1', sub.id, [line(2, 5_000)], 'ONCE5'), { code: 'PROMOTION_REDEMPTION_RELEASED' });
    assert.equal((await redeem('order:r3', sub.id, [line(2, 5_000)], 'ONCE5')).discountFen, 500);
  });

  test('a coupon claimed into the wallet is used once; the claim is idempotent and limited', async () => {
    const sub = await addSubscriber(env.db);
    const t = await live({ mode: 'wallet', nameZh: '新人券', nameEn: 'Welcome coupon', offFen: 1_000, minSpendFen: 5_000, perSubscriberLimit: 1, validDays: 7 });
    const c = await env.s.promotions.coupons.claim(sub.id, t.id, 'claim-key-1');
    assert.equal(c.claimed, true);
    assert.deepEqual((await env.s.promotions.coupons.claim(sub.id, t.id, 'claim-key-1')).coupon.code, c.coupon.code);
    await assert.rejects(env.s.promotions.coupons.claim(sub.id, t.id, 'claim-key-2'), { code: 'COUPON_LIMIT_REACHED' });
    await assert.rejects(evaluate(sub.id, [line(3, 4_000)], c.coupon.code), (e: { code: string; extra: { minSpendFen: number } }) => e.code === 'COUPON_MIN_SPEND' && e.extra.minSpendFen === 5_000);
    const other = await addSubscriber(env.db);
    await assert.rejects(evaluate(other.id, [line(3, 6_000)], c.coupon.code), { code: 'COUPON_NOT_FOUND' });
    assert.equal((await redeem('order:w1', sub.id, [line(3, 6_000)], c.coupon.code)).discountFen, 1_000);
    await assert.rejects(redeem('order:w2', sub.id, [line(3, 6_000)], c.coupon.code), { code: 'COUPON_LIMIT_REACHED' });
    assert.deepEqual((await env.s.promotions.coupons.wallet(sub.id)).used.map((x) => x.code), [c.coupon.code]);
    await env.s.promotions.release(env.db, 'order:w1');
    assert.deepEqual((await env.s.promotions.coupons.wallet(sub.id)).usable.map((x) => x.code), [c.coupon.code]);
    env.clock.advance(8 * DAY);
    assert.deepEqual((await env.s.promotions.coupons.wallet(sub.id)).expired.map((x) => x.code), [c.coupon.code]);
    await assert.rejects(evaluate(sub.id, [line(3, 6_000)], c.coupon.code), { code: 'COUPON_EXPIRED' });
    env.clock.set(NOW);
  });
});

describe('staff and bad input', () => {
  test('live only after a second person approves; paused at once; each step audited', async () => {
    const p = await env.s.promotions.staff.create(pm, { mode: 'code', code: 'REVIEWME', nameZh: '审核券', nameEn: 'Reviewed', benefit: 'percent', percentOff: 10, capFen: 5_000, ...window });
    const sub = await addSubscriber(env.db);
    await assert.rejects(evaluate(sub.id, [line(4, 10_000)], 'REVIEWME'), { code: 'COUPON_NOT_FOUND' });
    await env.s.promotions.staff.submit(pm, p.id);
    await assert.rejects(env.s.promotions.staff.review(pm, p.id, { approve: true }), { code: 'SELF_REVIEW' });
    await env.s.promotions.staff.review(mk, p.id, { approve: true });
    assert.equal((await evaluate(sub.id, [line(4, 10_000)], 'REVIEWME')).applied.find((a) => a.couponCode === 'REVIEWME')?.discountFen, 1_000, '9折 of ¥100');
    await env.s.promotions.staff.pause(mk, p.id);
    await assert.rejects(evaluate(sub.id, [line(4, 10_000)], 'REVIEWME'), { code: 'COUPON_PAUSED' });
    const actions = (await env.db.selectFrom('auditEntry').select('action').where('entityType', '=', 'promotion').where('entityId', '=', String(p.id)).execute()).map((a) => a.action);
    assert.deepEqual(actions.filter((a) => a.startsWith('promotion.')).sort(), ['promotion.create', 'promotion.pause', 'promotion.review.approve', 'promotion.submit']);
  });

  test('unknown code, not started, expired, not applicable, and a negative amount: stable codes, nothing changed', async () => {
    const sub = await addSubscriber(env.db);
    await assert.rejects(evaluate(sub.id, [line(5, 10_000)], 'NOSUCH'), { code: 'COUPON_NOT_FOUND' });
    await assert.rejects(evaluate(sub.id, [line(5, 10_000)], '%%'), { code: 'COUPON_NOT_FOUND' });
    await live({ mode: 'code', code: 'LATER', startsAt: new Date(NOW.getTime() + DAY).toISOString(), endsAt: new Date(NOW.getTime() + 2 * DAY).toISOString() });
    await assert.rejects(evaluate(sub.id, [line(5, 10_000)], 'LATER'), { code: 'COUPON_NOT_STARTED' });
    await live({ mode: 'code', code: 'ONLY9', productIds: [], categoryIds: [] , minSpendFen: 0, offFen: 100 });
    const before = await env.s.promotions.staff.list();
    for (const bad of [{ offFen: -100 }, { minSpendFen: -1 }, { benefit: 'percent', offFen: null, percentOff: 120 }, { endsAt: window.startsAt }]) {
      await assert.rejects(env.s.promotions.staff.create(pm, { mode: 'auto', nameZh: '坏', nameEn: 'Bad', benefit: 'amount', offFen: 100, ...window, ...bad } as PromotionInput), { code: 'INVALID_INPUT' });
    }
    await assert.rejects(env.s.promotions.staff.create(pm, { mode: 'auto', nameZh: '坏', nameEn: 'Bad', benefit: 'amount', offFen: 100, categoryIds: [999_999], ...window }), { code: 'CATEGORY_NOT_FOUND' });
    assert.equal((await env.s.promotions.staff.list()).total, before.total);
    env.clock.advance(31 * DAY);
    await assert.rejects(evaluate(sub.id, [line(5, 10_000)], 'ONLY9'), { code: 'COUPON_EXPIRED' });
    env.clock.set(NOW);
  });
});

describe('limits under concurrent orders (PostgreSQL)', { skip: onPostgres }, () => {
  test('50 concurrent redeems of a code with a global limit of 10: exactly 10', async () => {
    const p = await live({ mode: 'code', code: 'RACE10', offFen: 300, globalLimit: 10 });
    const subs = await Promise.all(Array.from({ length: 50 }, () => addSubscriber(env.db)));
    const results = await Promise.allSettled(subs.map((s, i) => redeem(`order:race${i}`, s.id, [line(6, 5_000)], 'RACE10')));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
    assert.ok(results.every((r) => r.status === 'fulfilled' || (r.reason as { code: string }).code === 'COUPON_LIMIT_REACHED'));
    assert.equal((await env.s.promotions.staff.get(p.id)).used, 10);
  });

  test('one subscriber ordering 10 times at once with a limit of 1 gets it once; 40 claims of 10 coupons issue 10', async () => {
    await live({ mode: 'code', code: 'MINEONCE', offFen: 300, perSubscriberLimit: 1 });
    const sub = await addSubscriber(env.db);
    const mine = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => redeem(`order:mine${i}`, sub.id, [line(7, 5_000)], 'MINEONCE')));
    assert.equal(mine.filter((r) => r.status === 'fulfilled').length, 1);
    const t = await live({ mode: 'wallet', offFen: 500, globalLimit: 10 });
    const subs = await Promise.all(Array.from({ length: 40 }, () => addSubscriber(env.db)));
    const claims = await Promise.allSettled(subs.map((s) => env.s.promotions.coupons.claim(s.id, t.id)));
    assert.equal(claims.filter((r) => r.status === 'fulfilled').length, 10);
    assert.ok(claims.every((r) => r.status === 'fulfilled' || (r.reason as { code: string }).code === 'COUPON_SOLD_OUT'));
    assert.equal((await env.s.promotions.staff.get(t.id)).issued, 10);
  });
});
