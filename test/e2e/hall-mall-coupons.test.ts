// The hall's 优惠券 in a real browser at the phone size: a signed-in subscriber sees the demo's
// coupon to claim (满99元减10元, good for 7 days, how many are left), claims it once (then 已领取, and
// a second claim of their share is not offered), finds it in 我的优惠券 with its code and validity,
// picks it at checkout from the wallet (no code typed), and the amount to confirm has the coupon's
// ¥10 off; in English the same page reads in English. A guest is asked to sign in first. axe passes
// and nothing sticks out sideways.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber } from '../helpers.ts';
import { SUBSCRIBER_TOKEN_TTL_S } from '../../src/modules/identity/index.ts';
import { seedDemoGoods } from '../../src/modules/goods/index.ts';
import { seedDemoInventory } from '../../src/modules/inventory/index.ts';
import { seedDemoPromotions } from '../../src/modules/promotion/index.ts';
import { checkPage, freshPhonePage, hallSignIn, skipReason, startHall, type Hall } from './browser.ts';

const skip = skipReason();

describe('the coupon wallet in the hall', { skip }, () => {
  let hall: Hall;
  let item: { productId: number; skuId: number; saleFen: number };

  before(async () => {
    hall = await startHall();
    const { env } = hall;
    const now = env.clock.now();
    const shop = await seedDemoGoods(env.db, env.s.audit, now);
    await seedDemoInventory(env.db, env.s.audit, now, shop.stockPlan);
    await seedDemoPromotions(env.db, env.s.goods, env.s.promotions, now);
    // A 100-yuan recharge card (a code: no address), over the coupon's ¥99 threshold and in no automatic promotion.
    const cards = (await env.s.goods.products.list({ kind: 'recharge_card' }, { offset: 0, limit: 50 })).items;
    const card = cards.flatMap((p) => p.skus.map((s) => ({ productId: p.id, skuId: s.id, saleFen: s.saleFen, code: s.code }))).find((s) => s.code === 'RC-100')!;
    item = card;
  });
  after(async () => { await hall?.close(); });

  test('at 360×640: claim 满99元减10元 once, see it in 我的优惠券, pick it at checkout and see ¥10 off; then in English', async () => {
    const { env } = hall;
    const sub = await addSubscriber(env.db, { balanceFen: 1_000_000 });
    // A guest: sign in first.
    const page = await freshPhonePage(hall, '/mall/coupons');
    await page.getByText('请先登录').waitFor();
    await hallSignIn(page, sub.msisdn, hall.base);
    await page.getByRole('heading', { level: 1, name: '优惠券' }).waitFor();

    const toClaim = page.getByRole('region', { name: '领券' });
    const coupon = toClaim.getByRole('listitem').filter({ hasText: '10元优惠券' });
    await coupon.waitFor();
    assert.match((await coupon.textContent())!, /满99元减10元/);
    assert.match((await coupon.textContent())!, /领取后7天内有效/);
    assert.match((await coupon.textContent())!, /剩余1000张/);
    const mine = page.getByRole('region', { name: '我的优惠券' });
    await mine.getByText('暂无可用的优惠券，先去领一张吧。').waitFor();
    await checkPage(page, 'hall-mall-coupons-phone');

    await coupon.getByRole('button', { name: '领取10元优惠券' }).click();
    await coupon.getByText('已领取').waitFor();
    assert.equal(await coupon.getByRole('button', { name: /领取/ }).count(), 0, 'a share of one: not offered again');
    const usable = mine.getByTestId('coupons-usable').getByRole('listitem');
    await usable.first().waitFor();
    const text = (await usable.first().textContent())!;
    const code = /CP[0-9A-Z]{10}/.exec(text)?.[0];
    assert.ok(code, `a code on: ${text}`);
    assert.match(text, /有效期至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    const wallet = await env.s.promotions.coupons.wallet(sub.id);
    assert.deepEqual(wallet.usable.map((c) => c.code), [code], 'the one in the database is the one shown');
    await checkPage(page, 'hall-mall-coupons-phone-claimed');

    // The card in the cart; at checkout the coupon is picked from the wallet, not typed.
    // (A token of its own, as another device's: the page's sign-in used this number's code already.)
    const token = await env.s.authSessions.issue({ kind: 'subscriber', subscriberId: sub.id }, SUBSCRIBER_TOKEN_TTL_S);
    const put = await env.app.inject({ method: 'PUT', url: '/api/v1/mall/cart/lines', headers: { authorization: `Bearer ${token}` }, payload: { productId: item.productId, skuId: item.skuId, quantity: 1 } });
    assert.equal(put.statusCode, 200, put.body);
    await usable.first().getByRole('link', { name: '去使用' }).click();
    await page.getByRole('heading', { level: 1, name: '购物车' }).waitFor();
    await page.getByRole('link', { name: '去结算' }).click();
    await page.getByRole('heading', { level: 1, name: '确认订单' }).waitFor();
    await page.getByLabel('选择我的优惠券').selectOption(code!);
    assert.equal(await page.getByLabel('优惠券码（可不填）').inputValue(), code, 'the code goes where one is typed');
    await page.getByRole('radio', { name: /话费支付/ }).check();
    await page.getByRole('button', { name: '下一步：核对金额' }).click();
    await page.getByRole('heading', { level: 2, name: '请确认订单金额' }).waitFor();
    const fen = (s: string) => Number(s.replace(/[¥,.]/g, ''));
    assert.equal(fen((await page.getByTestId('confirm-total').textContent())!), item.saleFen - 1_000, 'the coupon takes ¥10 off');
    await page.getByText(new RegExp(`10元优惠券 \\(${code}\\)`)).waitFor();
    await checkPage(page, 'hall-mall-coupons-phone-checkout');

    // In English.
    await page.evaluate("localStorage.setItem('omnihall.lang', 'en')");
    await page.goto(`${hall.base}/mall/coupons`);
    await page.getByRole('heading', { level: 1, name: 'Coupons' }).waitFor();
    const en = page.getByRole('region', { name: 'Coupons to claim' }).getByRole('listitem').first();
    await en.getByText('Claimed').waitFor();
    assert.match((await en.textContent())!, /¥10 coupon/);
    await page.getByRole('region', { name: 'My coupons' }).getByRole('link', { name: 'Use it' }).waitFor();
    await checkPage(page, 'hall-mall-coupons-phone-en');
    await page.close();
  });
});
