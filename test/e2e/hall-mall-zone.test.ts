// The mall's 活动专区, 去支付 and reviews in a real browser at the phone size: a guest sees the live
// and upcoming flash sales with the flash price beside the struck list price, countdowns on the
// server's clock (the device's is weeks ahead of the test's) and what is left; 立即抢购 asks for
// sign-in and comes back; the address first; a sale another buyer has just emptied says 已抢光;
// the power bank won is an order to pay within 15 minutes, 去支付 opens the sandbox pay page, and
// back from it the order is 已付款. Once delivered, its product page shows another buyer's review
// (已购, the shop's reply), takes one 有用 vote, and offers 写评价; a review with a sensitive word
// is said to be held for moderation. axe passes and nothing sticks out sideways on each page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, signIn as apiSignIn } from '../helpers.ts';
import { seedDemoGoods } from '../../src/modules/goods/index.ts';
import { seedDemoInventory } from '../../src/modules/inventory/index.ts';
import { seedDemoFlashSales } from '../../src/modules/flashsale/index.ts';
import { createStaffUser } from '../../src/modules/staff/index.ts';
import type { Actor } from '../../src/platform/audit.ts';
import { checkPage, freshPhonePage, hallSignIn, skipReason, startHall, type Hall } from './browser.ts';

const skip = skipReason();
const HOME = { name: '张三', phone: '13912345678', province: '广东省', city: '广州市', district: '天河区', detail: '体育西路 1 号' };

describe('the activity zone, paying an order and reviews in the hall', { skip }, () => {
  let hall: Hall;
  let ops: Actor;
  let powerBank: { productId: number; skuId: number; name: string };
  let charger: { productId: number; skuId: number; name: string; saleId: number };
  /** Calls the REST API as a subscriber (or a guest) would. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read field by field
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token?: string, body?: unknown, key?: string): Promise<{ status: number; json: any }> => {
    const r = await hall.env.app.inject({
      method, url: `/api/v1${url}`,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(key ? { 'idempotency-key': key } : {}) },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { status: r.statusCode, json: r.json() };
  };
  const deliver = async (shipmentId: number, eventId: string) => {
    const shipped = await hall.env.s.delivery.ship(ops, shipmentId, {});
    await hall.env.s.delivery.carrierEvent('demo', { eventId, trackingNo: shipped.trackingNo!, state: 'delivered', at: hall.env.clock.now() });
  };

  before(async () => {
    hall = await startHall();
    const { env } = hall;
    const now = env.clock.now();
    const shop = await seedDemoGoods(env.db, env.s.audit, now);
    await seedDemoInventory(env.db, env.s.audit, now, shop.stockPlan);
    // The demo's sales: the power bank live from this hour for two hours, the nova 12 tomorrow at 10:00 Beijing time.
    await seedDemoFlashSales(env.db, env.s.goods, env.s.flashSales, now);
    ops = { id: await createStaffUser(env.db, { username: 'zone-ops', displayName: '运营', password: 'correct horse battery', roles: ['ops'] }), name: '运营', roles: ['ops'] };
    const physical = (await env.s.goods.products.list({ kind: 'physical' }, { offset: 0, limit: 100 })).items;
    const of = (code: string) => {
      const p = physical.find((x) => x.skus.some((s) => s.code === code))!;
      return { productId: p.id, skuId: p.skus.find((s) => s.code === code)!.id, name: p.names['zh-CN'] };
    };
    powerBank = of('ACC-MI-PB10K');
    // And one charger at ¥59 for one buyer, live now.
    const c = of('ACC-HW-66W');
    const saleId = await env.db.transaction().execute((tx) => env.s.flashSales.seedApproved(tx, {
      skuId: c.skuId, quantity: 1, priceFen: 5_900, perSubscriberLimit: 1, startsAt: now.toISOString(), endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
    }));
    charger = { ...c, saleId };

    // Another buyer's delivered power bank, reviewed, with the shop's reply.
    const other = await addSubscriber(env.db, { balanceFen: 1_000_000 });
    const token = await apiSignIn(env, other.msisdn);
    await call('PUT', '/mall/cart/lines', token, { productId: powerBank.productId, skuId: powerBank.skuId, quantity: 1 });
    const q = await call('POST', '/mall/checkout/quote', token, { address: HOME });
    const placed = await call('POST', '/mall/orders', token, { address: HOME, method: 'balance', expectedTotalFen: q.json.totalFen, confirm: true }, 'zone-other-order-1');
    assert.equal(placed.status, 201, JSON.stringify(placed.json));
    await deliver(placed.json.order.shipmentId, 'zone-ev-other');
    const review = await call('POST', `/mall/products/${powerBank.productId}/reviews`, token, { rating: 5, text: '容量足，充电快，出差必备' }, 'zone-other-review-1');
    assert.equal(review.json.state, 'published', JSON.stringify(review.json));
    await env.s.reviews.reply(ops, review.json.id, '感谢您的支持！');
  });
  after(async () => { await hall?.close(); });

  test('at 360×640: the zone with its countdowns, sign-in and back, 已抢光, a unit won and paid on the sandbox page, then a review held for moderation', async () => {
    const { env } = hall;
    const sub = await addSubscriber(env.db, { balanceFen: 1_000_000 });
    // A guest opens the zone.
    const page = await freshPhonePage(hall, '/mall/activity');
    await page.getByRole('heading', { level: 1, name: '活动专区' }).waitFor();
    const live = page.getByRole('region', { name: '正在秒杀' });
    const upcoming = page.getByRole('region', { name: '即将开抢' });
    const bank = live.getByRole('listitem').filter({ hasText: powerBank.name });
    await bank.waitFor();
    // ¥49 beside the struck ¥129; 50 left of 50; the countdown to its end at 12:00 Beijing time, two
    // hours after the server's 10:00 (a countdown on this device's clock would read 00:00:00).
    assert.match((await bank.locator('.sale-price').textContent())!, /秒杀价¥49\.00原价 ¥129\.00/);
    assert.equal(await bank.getByTestId('sale-left').textContent(), '剩余 50 件，共 50 件');
    assert.match((await bank.locator('.sale-when').textContent())!, /^距结束 (02:00:00|01:5\d:\d\d)2026-11-15 12:00 结束（北京时间）$/);
    const nova = upcoming.getByRole('listitem').first();
    assert.match((await nova.locator('.sale-when').textContent())!, /^距开始 (1天 00:00:00|23:5\d:\d\d)2026-11-16 10:00 开抢（北京时间）$/);
    assert.equal(await nova.getByRole('button', { name: '即将开抢' }).isDisabled(), true, 'an upcoming sale cannot be bought yet');
    await checkPage(page, 'hall-mall-zone-phone');

    // 立即抢购 as a guest: sign in first, then back at the zone.
    await bank.getByRole('button', { name: `立即抢购 ${powerBank.name}` }).click();
    await page.getByText('请先登录再抢购').waitFor();
    await hallSignIn(page, sub.msisdn, hall.base);
    await page.getByRole('status').filter({ hasText: '已登录，请再点一次“立即抢购”。' }).waitFor();
    await page.getByRole('heading', { level: 1, name: '活动专区' }).waitFor();

    // No address yet: asked for before a try.
    await bank.getByRole('button', { name: `立即抢购 ${powerBank.name}` }).click();
    await page.getByRole('alert').filter({ hasText: '抢购前请先填写收货地址。' }).waitFor();
    for (const [label, v] of [['收货人', HOME.name], ['手机号码', HOME.phone], ['省份', HOME.province], ['城市', HOME.city], ['区县', HOME.district], ['详细地址', HOME.detail]] as const) {
      await page.getByLabel(label).fill(v);
    }
    await page.getByRole('button', { name: '使用这个地址' }).click();
    await page.getByText('抢到的商品寄往：张三 13912345678 · 广东省广州市天河区体育西路 1 号').waitFor();

    // The charger's only unit goes to another buyer while this page still shows it: 已抢光, said plainly.
    const chargerCard = live.getByRole('listitem').filter({ hasText: charger.name });
    await chargerCard.getByTestId('sale-left').filter({ hasText: '剩余 1 件' }).waitFor();
    const rival = await addSubscriber(env.db, { balanceFen: 1_000_000 });
    const won = await call('POST', `/mall/flash-sales/${charger.saleId}/orders`, await apiSignIn(env, rival.msisdn), { address: HOME }, 'zone-rival-try-1');
    assert.equal(won.status, 201, JSON.stringify(won.json));
    await chargerCard.getByRole('button', { name: `立即抢购 ${charger.name}` }).click();
    await chargerCard.getByRole('alert').filter({ hasText: '手慢了，已被抢光。没有下单，也没有扣款。' }).waitFor();
    await chargerCard.getByRole('button', { name: '已抢光' }).waitFor();
    assert.equal(await chargerCard.getByRole('button', { name: '已抢光' }).isDisabled(), true);
    await checkPage(page, 'hall-mall-zone-phone-sold-out');

    // The power bank: won, an order awaiting payment until 10:15 Beijing time (15 minutes).
    await bank.getByRole('button', { name: `立即抢购 ${powerBank.name}` }).click();
    await page.getByRole('heading', { level: 1, name: /^订单 MO\d+/ }).waitFor();
    await page.getByTestId('order-state').filter({ hasText: '待付款' }).waitFor();
    assert.equal(await page.getByTestId('pay-by').textContent(), '抢到了！请在 2026-11-15 10:15（北京时间）前完成支付，逾期名额将让给他人。');
    const orderId = Number(new URL(page.url()).pathname.split('/').pop());
    const order = await env.s.checkout.orders.get(orderId);
    assert.deepEqual([order.state, order.totalFen, order.lines[0]?.unitFen], ['awaiting_payment', 4_900 + 1_000, 4_900], 'the flash price and the delivery fee under ¥99');

    // 去支付 on the sandbox pay page, and back: 已付款.
    await page.getByRole('button', { name: '去支付' }).click();
    await page.getByRole('button', { name: '沙箱支付' }).click();
    assert.equal(await page.getByTestId('pay-amount').textContent(), '¥59.00');
    await checkPage(page, 'hall-mall-zone-phone-pay');
    await page.getByRole('button', { name: '确认支付 ¥59.00' }).click();
    await page.waitForURL(/\/api\/v1\/payments\/sandbox\//);
    await page.getByRole('button', { name: /支付 Pay/ }).click();
    await page.getByText(/已支付/).waitFor();
    await page.getByRole('link', { name: /返回商户/ }).click();
    await page.getByRole('heading', { level: 1, name: /^订单 MO\d+/ }).waitFor();
    await page.getByTestId('order-state').filter({ hasText: '已付款' }).waitFor({ timeout: 30_000 });
    assert.equal((await env.s.checkout.orders.get(orderId)).state, 'paid');
    await checkPage(page, 'hall-mall-zone-phone-paid');

    // Not signed for yet: no 写评价. Then delivered: the product page offers it.
    await page.goto(`${hall.base}/mall/p/${powerBank.productId}`);
    const reviews = page.getByRole('region', { name: '商品评价' });
    await reviews.locator('[data-can-write="no"]').waitFor({ state: 'attached' });
    await deliver((await env.s.checkout.orders.get(orderId)).shipmentId!, 'zone-ev-mine');
    await page.reload();
    await reviews.locator('[data-can-write="yes"]').waitFor();
    await reviews.getByRole('img', { name: '平均 5.0 分（满分 5 分），共 1 条评价' }).waitFor();
    const first = reviews.getByRole('list', { name: '最新评价' }).getByRole('listitem').first();
    assert.match((await first.textContent())!, /已购.*容量足，充电快，出差必备.*官方回复：感谢您的支持！/);
    await first.getByRole('button', { name: '有用 0' }).click();
    await first.getByRole('button', { name: '已点有用 1' }).waitFor();
    assert.equal((await call('GET', `/mall/products/${powerBank.productId}/reviews`)).json.items[0].helpfulCount, 1);

    // A review with a sensitive word: held for a moderator, said so; 写评价 is no longer offered.
    await reviews.getByRole('button', { name: '写评价' }).click();
    await reviews.getByRole('button', { name: '提交评价' }).click();
    await reviews.getByRole('alert').filter({ hasText: '请选择 1 到 5 星。' }).waitFor();
    await reviews.getByLabel('4 星').check();
    await reviews.getByLabel('评价内容（可不填）').fill('东西不错，加微信可以刷单返现');
    await checkPage(page, 'hall-mall-zone-phone-review-form');
    await reviews.getByRole('button', { name: '提交评价' }).click();
    await reviews.getByRole('status').filter({ hasText: '评价已提交，内容需要人工审核，审核通过后才会展示。' }).waitFor();
    await reviews.locator('[data-can-write="no"]').waitFor({ state: 'attached' });
    const mine = await env.db.selectFrom('productReview').select(['state', 'rating']).where('subscriberId', '=', sub.id).execute();
    assert.deepEqual(mine, [{ state: 'pending', rating: 4 }]);
    await checkPage(page, 'hall-mall-zone-phone-reviews');

    assert.deepEqual(hall.pageErrors, []);
    await page.close();
  });
});
