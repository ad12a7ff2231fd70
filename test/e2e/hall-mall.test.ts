// 商城 in a real browser, at a phone size and a desktop size, on the demo shop: a subscriber filters
// phones by brand and price, picks a colour and storage, sees its stock, adds it to the cart with a
// 50-yuan recharge card, checks out paying from the balance, and sees the order; axe passes on
// every page, and nothing sticks out sideways on the phone, where the fixed tab bar covers neither
// checkout button; then staff refund it in full and the order says 已退款 with what went back, its
// parcel 已取消发货 and the recharge card's code struck through as void (the
// activity zone, 去支付 and reviews: hall-mall-zone.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addSubscriber } from '../helpers.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { seedDemoGoods } from '../../src/modules/goods/index.ts';
import { seedDemoInventory } from '../../src/modules/inventory/index.ts';
import { axeProblems, hallSignIn, overflowProblems, screenshot, skipReason, startHall, type Hall } from './browser.ts';

const skip = skipReason();

/** The page is usable as it is: axe finds nothing serious and (on a phone) nothing overflows. */
async function checkPage(page: Page, name: string, phone: boolean): Promise<void> {
  assert.deepEqual(await axeProblems(page), [], `${name}: axe`);
  if (phone) assert.deepEqual(await overflowProblems(page), [], `${name}: overflow`);
  await screenshot(page, name);
}

/**
 * Why a finger could not press the button on a phone, or null: as the page is first shown, and
 * again scrolled to its end, the button must be visible, enabled, above the fixed tab bar, and the
 * topmost thing at its centre and along its bottom edge.
 */
async function notPressable(page: Page, name: string): Promise<string | null> {
  const button = page.getByRole('button', { name, exact: true });
  if (!(await button.isVisible()) || !(await button.isEnabled())) return `${name}: not visible and enabled`;
  return button.evaluate((node, label) => {
    // The server's typecheck has no DOM: what is used of it, typed here.
    interface Box { top: number; bottom: number; left: number; width: number; height: number }
    interface El { tagName: string; className: unknown; getBoundingClientRect(): Box; contains(e: unknown): boolean }
    const w = globalThis as unknown as {
      innerHeight: number; scrollTo(x: number, y: number): void; getComputedStyle(e: El): { display: string };
      document: { querySelector(s: string): El | null; elementFromPoint(x: number, y: number): El | null; documentElement: { scrollHeight: number } };
    };
    const el = node as unknown as El;
    // No inner functions: the test runner's transform names them with a helper the page does not have.
    for (const where of ['as shown', 'scrolled to the end']) {
      if (where !== 'as shown') w.scrollTo(0, w.document.documentElement.scrollHeight);
      const r = el.getBoundingClientRect();
      const bar = w.document.querySelector('.tabbar');
      const barTop = bar && w.getComputedStyle(bar).display !== 'none' ? bar.getBoundingClientRect().top : w.innerHeight;
      let problem: string | null = r.top < 0 || r.bottom > barTop ? `it spans ${Math.round(r.top)}..${Math.round(r.bottom)}px, the tab bar starts at ${Math.round(barTop)}px` : null;
      for (const y of [r.top + r.height / 2, r.bottom - 2]) {
        const hit = w.document.elementFromPoint(r.left + r.width / 2, y);
        if (!problem && hit !== el && !el.contains(hit)) problem = `at y=${Math.round(y)} the top element is ${hit ? `${hit.tagName.toLowerCase()}.${String(hit.className)}` : 'none'}`;
      }
      if (problem) return `${label} (${where}): ${problem}`;
    }
    w.scrollTo(0, 0);
    return null;
  }, name);
}

describe('the mall in the hall', { skip }, () => {
  let hall: Hall;
  before(async () => {
    hall = await startHall();
    const now = hall.env.clock.now();
    const shop = await seedDemoGoods(hall.env.db, hall.env.s.audit, now);
    await seedDemoInventory(hall.env.db, hall.env.s.audit, now, shop.stockPlan);
  });
  after(async () => { await hall?.close(); });

  for (const size of [{ name: 'phone', width: 360, height: 640 }, { name: 'desktop', width: 1440, height: 900 }]) {
    test(`at ${size.width}×${size.height}: filter phones, pick colour and storage, add with a recharge card, check out from the balance, see the order`, async () => {
      const phone = size.name === 'phone';
      const sub = await addSubscriber(hall.env.db, { balanceFen: 1_000_000, points: 5_000 });
      const page = await hall.context.newPage();
      await page.setViewportSize({ width: size.width, height: size.height });

      // A guest browses (nobody signed in on this browser): categories, a brand and a price range.
      await page.goto(`${hall.base}/mall`);
      await page.evaluate('localStorage.clear()');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: '商城' }).waitFor();
      await page.getByRole('button', { name: '手机', exact: true }).click();
      await page.getByLabel('品牌').selectOption('华为');
      await page.getByRole('button', { name: '5000元以上' }).click();
      await page.getByRole('status').filter({ hasText: /共 \d+ 件商品/ }).waitFor();
      const cards = page.getByRole('list', { name: '商品列表' }).getByRole('listitem');
      await cards.first().waitFor();
      const names = await cards.locator('.product-name').allTextContents();
      assert.ok(names.length > 0 && names.every((n) => n.includes('华为')), `only 华为 phones: ${names.join(', ')}`);
      assert.ok(names.some((n) => n.includes('Mate 60 Pro')), `Mate 60 Pro among them: ${names.join(', ')}`);
      await checkPage(page, `hall-mall-${size.name}-home`, phone);

      // The product: colour and storage, the price and the stock of that SKU.
      await cards.filter({ hasText: 'Mate 60 Pro' }).first().getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: /Mate 60 Pro/ }).waitFor();
      const colours = page.getByRole('group', { name: '颜色' }).getByRole('button');
      const storages = page.getByRole('group', { name: '存储' }).getByRole('button');
      assert.ok((await colours.count()) >= 2 && (await storages.count()) >= 2);
      await colours.nth(1).click();
      await storages.last().click();
      const price = page.getByTestId('sku-price');
      await price.waitFor();
      const priceText = await price.textContent();
      assert.match(priceText ?? '', /¥[\d,]+\.\d{2}/);
      assert.match(priceText ?? '', /有货|仅剩 \d+ 件|已售罄/);
      if (/已售罄/.test(priceText ?? '')) {
        assert.equal(await page.getByRole('button', { name: '已售罄' }).isDisabled(), true, 'a sold-out SKU cannot be added');
        await colours.first().click();
        await storages.first().click();
      }
      await page.getByRole('button', { name: '加入购物车' }).click();
      await page.getByRole('status').filter({ hasText: '已加入购物车 1 件' }).waitFor();
      await checkPage(page, `hall-mall-${size.name}-product`, phone);

      // A 50-yuan recharge card, found by search.
      await page.goto(`${hall.base}/mall`);
      await page.getByRole('searchbox', { name: '搜索商品' }).fill('50元话费');
      await page.getByRole('button', { name: '搜索', exact: true }).click();
      await page.getByRole('status').filter({ hasText: '“50元话费”' }).waitFor();
      await page.getByRole('list', { name: '商品列表' }).getByRole('link', { name: /50元话费充值卡/ }).click();
      await page.getByRole('heading', { level: 1, name: /50元话费充值卡/ }).waitFor();
      await page.getByRole('button', { name: '加入购物车' }).click();
      await page.getByRole('status').filter({ hasText: '已加入购物车 1 件' }).waitFor();

      // The guest's cart, then sign-in: the cart is kept (merged into the subscriber's).
      await page.getByRole('navigation', { name: '商城导航' }).getByRole('link', { name: /购物车/ }).click();
      await page.getByRole('heading', { level: 1, name: '购物车' }).waitFor();
      const lines = page.getByRole('list', { name: '购物车商品' }).getByRole('listitem');
      await lines.nth(1).waitFor();
      assert.equal(await lines.count(), 2);
      await checkPage(page, `hall-mall-${size.name}-cart`, phone);
      await page.getByRole('link', { name: '去结算' }).click();
      await page.getByText('请先登录').waitFor();
      await hallSignIn(page, sub.msisdn, hall.base);
      await page.getByRole('heading', { level: 1, name: '确认订单' }).waitFor();
      const items = page.locator('.checkout-lines li');
      await items.first().waitFor();
      assert.equal(await items.count(), 2, 'the guest cart joined the subscriber’s');

      // Checkout: the address, then (phone) the balance pays it all, or (desktop) points pay part
      // and the sandbox gateway's page the rest.
      await page.getByLabel('收货人').fill('张三');
      await page.getByLabel('手机号码').fill('13912345678');
      await page.getByLabel('省份').fill('广东省');
      await page.getByLabel('城市').fill('广州市');
      await page.getByLabel('区县').fill('天河区');
      await page.getByLabel('详细地址').fill('体育西路 1 号');
      await page.getByTestId('points-balance').filter({ hasText: '可用积分 5000，可抵 ¥50.00' }).waitFor();
      if (phone) {
        await page.getByRole('radio', { name: /话费支付/ }).check();
      } else {
        await page.getByLabel('使用积分抵扣（可不填）').fill('2000');
        await page.getByText('2000 积分可抵 20 元').waitFor();
        await page.getByRole('radio', { name: /沙箱支付/ }).check();
      }
      await checkPage(page, `hall-mall-${size.name}-checkout`, phone);
      if (phone) assert.equal(await notPressable(page, '下一步：核对金额'), null);
      await page.getByRole('button', { name: '下一步：核对金额' }).click();
      await page.getByRole('heading', { level: 2, name: '请确认订单金额' }).waitFor();
      const total = (await page.getByTestId('confirm-total').textContent())!;
      const pay = (await page.getByTestId('confirm-pay').textContent())!;
      const fen = (text: string) => Number(text.replace(/[¥,.]/g, ''));
      assert.equal(fen(pay), phone ? fen(total) : fen(total) - 2000, 'points pay ¥20 of it');
      await checkPage(page, `hall-mall-${size.name}-confirm`, phone);
      if (phone) assert.equal(await notPressable(page, `确认下单并支付 ${pay}`), null, 'the confirm button is clear of the tab bar');
      const before = await hall.env.db.selectFrom('account').select('balanceFen').where('subscriberId', '=', sub.id).executeTakeFirstOrThrow();
      await page.getByRole('button', { name: `确认下单并支付 ${pay}` }).click();
      if (!phone) {
        // The sandbox gateway's pay page, then back to the order, which the notification has paid.
        await page.waitForURL(/\/api\/v1\/payments\/sandbox\//);
        await page.getByRole('button', { name: /支付 Pay/ }).click();
        await page.getByText(/已支付/).waitFor();
        await page.goto(`${hall.base}/mall/orders`);
        await page.getByRole('list', { name: '我的订单' }).getByRole('link').first().click();
      }
      await page.getByRole('heading', { level: 1, name: /^订单 MO\d+/ }).waitFor();
      await page.getByTestId('order-state').filter({ hasText: '已付款' }).waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('order-total').textContent(), total);
      const after = await hall.env.db.selectFrom('account').select('balanceFen').where('subscriberId', '=', sub.id).executeTakeFirstOrThrow();
      assert.equal(before.balanceFen - after.balanceFen, phone ? fen(total) : 0, phone ? 'the balance paid the total' : 'the balance was not touched');
      // The recharge card's code is on the order once it is paid.
      assert.equal(await page.locator('.order-codes .code').count(), 1);
      await checkPage(page, `hall-mall-${size.name}-order`, phone);
      // Refunded in full (money and points): 已退款, with what went back, and no return offered.
      const placed = (await hall.env.s.checkout.orders.list(sub.id, { offset: 0, limit: 1 })).items[0]!;
      await hall.env.s.payments.refund(SYSTEM_ACTOR, placed.paymentId!, { reason: '测试全额退款' });
      await page.reload();
      await page.getByTestId('order-state').filter({ hasText: '已退款' }).waitFor();
      assert.equal(await page.getByTestId('order-refunded').textContent(), phone ? total : `${pay}，退回 2000 积分`);
      await page.getByText('订单已全额退款（含积分），不再发货，也无需退货。').waitFor();
      // The parcel never left: cancelled, with why in its timeline; the code is void, struck through.
      assert.equal(await page.locator('[data-shipment-state="cancelled"]').textContent(), '已取消发货');
      await page.getByRole('list', { name: '物流轨迹' }).getByText(/已取消发货：订单MO\d+已全额退款/).waitFor();
      await page.getByTestId('order-codes').getByText('已作废（订单已全额退款）').waitFor();
      assert.deepEqual([await page.locator('.order-codes.void del.code').count(), await page.locator('.order-codes code.code').count()], [1, 0]);
      await checkPage(page, `hall-mall-${size.name}-order-refunded`, phone);

      assert.deepEqual(hall.pageErrors, []);
      await page.close();
    });
  }
});
