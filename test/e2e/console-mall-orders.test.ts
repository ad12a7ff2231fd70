// The console's 商城 orders, payments and shipping pages in a real browser, at 1440×900, on the demo
// shop's past orders (李明's, one in every state, as `npm start` seeds them): ops A finds the paid
// order waiting for the warehouse by its number and sees its checkout steps, ships its parcel with a
// carrier and a tracking number and sees it shipped, and asks a partial refund of ¥600 of the ¥1,000
// paid on the sandbox gateway, which is above the approval limit: A's own approval is refused
// (REFUND_SELF_REVIEW, said in words), and ops B approves it, after which the payment is partly
// refunded; the order A shipped, then refunded in full, shows 已退款 and what went back; an order
// refunded in full before its parcel left has that parcel 已取消发货 (out of 待发货), and a return whose
// ¥899 refund awaits a second person shows 退款中, not 已退款. Every page is checked with axe-core and
// photographed, the last once in English too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { seedDemo } from '../../src/demo/seed.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { seedDemoGoods } from '../../src/modules/goods/index.ts';
import { seedDemoInventory } from '../../src/modules/inventory/index.ts';
import { seedDemoOrders } from '../../src/modules/checkout/index.ts';
import { buildServices } from '../../src/container.ts';
import { ManualClock } from '../../src/platform/ports.ts';
import { formatFen } from '../../web/shared/format.ts';
import { addSubscriber } from '../helpers.ts';
import { axeProblems, screenshot, skipReason, startHall, type Hall } from './browser.ts';
import { addStaff, consoleSignIn, consoleSignOut, toast, choose } from './staff.ts';

const skip = skipReason();

async function check(page: Page, name: string): Promise<void> {
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  await screenshot(page, `console-mall-orders-${name}`);
}

describe('staff console mall orders, payments and shipping in a browser', { skip }, () => {
  let hall: Hall;

  before(async () => {
    hall = await startHall();
    const now = hall.env.clock.now();
    await seedDemo(hall.env.db, { subscribers: 20, seed: 7, now });
    // The shop listed a month ago, its stock, then the past orders placed by services on a clock of their own (src/main.ts).
    const shop = await seedDemoGoods(hall.env.db, hall.env.s.audit, new Date(now.getTime() - 30 * 86_400_000));
    await seedDemoInventory(hall.env.db, hall.env.s.audit, now, shop.stockPlan);
    const past = new ManualClock(now);
    const then = await buildServices(hall.env.config, hall.env.db, { clock: past, defaultMetrics: false });
    try {
      assert.equal((await seedDemoOrders({ ...then, clock: past }, now)).created, true);
    } finally {
      await then.close();
    }
    await addStaff(hall.env, 'opsa', ['ops'], '运营甲');
    await addStaff(hall.env, 'opsb', ['ops'], '运营乙');
  });

  after(async () => {
    await hall?.close();
  });

  test('an order found by its number with its steps, its parcel shipped, and a partial refund approved by a second person', async (t) => {
    const page = await hall.context.newPage();
    // The console's chunks are large: on a busy machine a page can take longer than the harness's 15 s. A bound, not a timing.
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    const go = async (menu: string) => {
      await page.getByRole('menuitem', { name: new RegExp(`(^|\\s)${menu}$`) }).click();
    };
    // The demo's power bank paid two hours ago, its parcel waiting for the warehouse.
    const paid = (await hall.env.s.checkout.orders.search({ state: 'paid' }, { offset: 0, limit: 10 })).items;
    const order = paid.find((o) => o.shipmentId !== undefined);
    assert.ok(order, 'the demo has a paid order waiting for the warehouse');
    assert.equal((await hall.env.s.delivery.get(order.shipmentId!)).state, 'to_ship');

    // 订单: the order found by its number, its row, then its page with the workflow's steps.
    await consoleSignIn(page, hall.base, 'opsa');
    await go('订单');
    await page.getByRole('heading', { level: 1, name: '商城订单' }).waitFor();
    const rows = page.getByTestId('orders-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 9, 'the demo\'s orders are listed');
    await check(page, 'orders');
    await page.getByLabel('订单号或手机号码').fill(order.orderNo);
    await page.getByLabel('订单号或手机号码').press('Enter');
    await page.getByText('共 1 个订单').waitFor();
    const row = rows.filter({ hasText: order.orderNo });
    assert.equal(await rows.count(), 1);
    assert.match(await row.innerText(), /138\*\*\*\*0001/);
    assert.match(await row.innerText(), /已付款/);
    assert.match(await row.innerText(), new RegExp(formatFen(order.totalFen).replace(/[.$]/g, '\\$&')));
    await row.getByRole('link', { name: order.orderNo }).click();
    await page.getByRole('heading', { level: 1, name: `订单 ${order.orderNo}` }).waitFor();
    const steps = page.getByTestId('order-steps');
    await steps.getByText('确认订单（扣库存、发卡密、生成发货单）').waitFor();
    for (const name of ['open-order', 'reserve-stock', 'create-payment', 'commit']) {
      assert.match(await steps.locator(`[data-step="${name}"]`).innerText(), /已完成/, `${name} is done`);
    }
    await page.getByText('工作流：已完成').waitFor();
    await check(page, 'order');

    // 物流: its parcel, shipped by the demo carrier with a waybill typed in.
    await page.getByRole('link', { name: /^查看发货单/ }).click();
    await page.getByRole('heading', { level: 1, name: /^发货单 \d+$/ }).waitFor();
    await page.locator('[data-state="to_ship"]').first().waitFor();
    await page.getByRole('button', { name: '发货', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^发货：发货单/ });
    await dialog.waitFor();
    await choose(page, dialog, '承运商', '演示快递');
    await dialog.getByLabel(/^运单号/).fill('DM900000000001');
    await check(page, 'ship-dialog');
    await dialog.getByRole('button', { name: '发货' }).click();
    await toast(page, '已发货，运单号 DM900000000001');
    await page.locator('[data-state="shipped"]').first().waitFor();
    await page.getByTestId('shipment-basics').getByText('DM900000000001').waitFor();
    await page.getByTestId('shipment-timeline').getByText(/已发货/).first().waitFor();
    await check(page, 'shipment');
    // The list of shipments, the parcel among the shipped, and the returns queue (the demo's one return is refunded).
    await go('物流');
    await page.getByRole('heading', { level: 1, name: '物流与退货' }).waitFor();
    await page.getByTestId('shipments-table').getByText('DM900000000001').waitFor();
    await check(page, 'shipments');
    await page.getByRole('tab', { name: '退货申请（七天无理由）' }).click();
    await choose(page, page.getByRole('tabpanel'), '退货状态', '已退款');
    await page.getByTestId('returns-table').locator('[data-state="refunded"]').waitFor();
    await check(page, 'returns');

    // 支付: the ¥1,000 paid on the sandbox gateway, and ¥600 of it asked back.
    await go('支付');
    await page.getByRole('heading', { level: 1, name: '支付与退款' }).waitFor();
    await choose(page, page.locator('[role="search"]'), '支付方式', '沙箱支付');
    await choose(page, page.locator('[role="search"]'), '支付状态', '已支付');
    const payment = page.getByTestId('payments-table').locator('tbody tr.ant-table-row').filter({ hasText: '¥1,000.00' });
    await payment.waitFor();
    await check(page, 'payments');
    await page.getByRole('tab', { name: '对账' }).click();
    await page.getByTestId('reconciliation').getByText('仅渠道方有').first().waitFor();
    await check(page, 'reconciliation');
    await page.getByRole('tab', { name: '支付记录' }).click();
    const paymentId = (await payment.getByRole('link').innerText()).trim();
    await payment.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: `支付单 ${paymentId}` }).waitFor();
    await page.getByRole('button', { name: '申请退款' }).click();
    const refund = page.getByRole('dialog', { name: `退款：支付单 ${paymentId}` });
    await refund.waitFor();
    await refund.getByText('部分退款').click();
    await refund.getByLabel('退款金额（元）').fill('1200');
    await refund.getByLabel('退款原因').fill('用户投诉网络故障，退回部分款项');
    await refund.getByRole('button', { name: '申请退款' }).click();
    // More than was paid is refused in the form, before anything is sent.
    await refund.getByText('请输入 0.01 至 1000 元之间的金额').waitFor();
    await refund.getByLabel('退款金额（元）').fill('600');
    await check(page, 'refund-dialog');
    await refund.getByRole('button', { name: '申请退款' }).click();
    await toast(page, '退款 ¥600.00 已提交，等待另一位同事审核');
    const refunds = page.getByTestId('refunds-table');
    await refunds.locator('[data-state="awaiting_approval"]').waitFor();
    await refunds.getByText('由您申请，需另一位同事审核').waitFor();
    // A's own approval: the server refuses it and the console says a colleague must.
    await refunds.getByRole('button', { name: '审核通过：¥600.00' }).click();
    const self = page.getByRole('dialog').filter({ hasText: '需要另一位同事审核' });
    await self.getByText('不能审核自己申请的退款，请由另一位同事审核').waitFor();
    await check(page, 'self-review');
    await self.getByRole('button', { name: '确定' }).click();
    await self.waitFor({ state: 'hidden' });
    assert.equal(await page.locator('[data-state="paid"]').count(), 1, 'still paid in full');

    // B approves it: ¥600 back, the payment partly refunded.
    await consoleSignOut(page);
    await consoleSignIn(page, hall.base, 'opsb');
    await go('支付');
    await page.getByRole('link', { name: paymentId }).click();
    await page.getByRole('heading', { level: 1, name: `支付单 ${paymentId}` }).waitFor();
    await page.getByTestId('refunds-table').getByRole('button', { name: '审核通过：¥600.00' }).click();
    await toast(page, '退款已审核通过 · 已退款 ¥600.00');
    await page.locator('[data-state="partially_refunded"]').waitFor();
    await page.getByTestId('refunds-table').locator('[data-state="succeeded"]').waitFor();
    assert.match(await page.getByTestId('payment-basics').innerText(), /已退款\s*¥600\.00/);
    await check(page, 'payment-refunded');
    // The same page in English.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: `Payment ${paymentId}` }).waitFor();
    await page.getByTestId('refunds-table').getByText('Refunded').first().waitFor();
    assert.match(await page.locator('[data-state="partially_refunded"]').innerText(), /Partly refunded/);
    await check(page, 'payment-en');
    const p = await hall.env.s.payments.get(paymentId);
    assert.equal(p.state, 'partially_refunded');
    assert.equal(p.refundedFen, 60_000);

    // The power bank's order refunded in full while its parcel is on its way: 已退款, with what went back.
    await hall.env.s.payments.refund(SYSTEM_ACTOR, order.paymentId!, { reason: '用户取消' });
    await page.goto(`${hall.base}/console/mall/orders/${order.id}`);
    await page.getByRole('heading', { level: 1, name: `Order ${order.orderNo}` }).waitFor();
    assert.match(await page.locator('[data-state="refunded"]').first().innerText(), /Refunded/);
    assert.match(await page.getByTestId('order-money').innerText(), new RegExp(`Refunded\\s*${formatFen(order.payFen).replace(/[.$]/g, '\\$&')}`));
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { level: 1, name: `订单 ${order.orderNo}` }).waitFor();
    assert.match(await page.locator('[data-state="refunded"]').first().innerText(), /已退款/);
    assert.match(await page.getByTestId('order-money').innerText(), /已退款/);
    await check(page, 'order-refunded');

    // Two orders placed now by a new buyer: a case refunded in full before it left, and earbuds
    // signed for, sent back and received by A, whose ¥899 refund is above the approval limit.
    const s = hall.env.s;
    const buyer = (await addSubscriber(hall.env.db, { balanceFen: 500_000 })).id;
    const shop = (await s.goods.products.list({ listed: true }, { offset: 0, limit: 100 })).items;
    const address = { name: '王五', phone: '13900000009', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 9 号' };
    const placeNow = async (code: string, key: string) => {
      const product = shop.find((x) => x.skus.some((k) => k.code === code))!;
      await s.cart.clear({ subscriberId: buyer });
      await s.cart.put({ subscriberId: buyer }, { productId: product.id, skuId: product.skus.find((k) => k.code === code)!.id, quantity: 1 });
      const quote = await s.checkout.orders.quote(buyer, { address });
      return (await s.checkout.orders.place(buyer, { address, method: 'balance', expectedTotalFen: quote.totalFen, confirm: true }, key)).order;
    };
    const kept = await placeNow('ACC-IP15-CASE', 'e2e-cancelled-0001');
    await s.payments.refund(SYSTEM_ACTOR, kept.paymentId!, { reason: '用户取消' });
    const buds = await placeNow('ACC-MI-BUDS4P-W', 'e2e-refunding-0001');
    const sent = await s.delivery.ship(SYSTEM_ACTOR, buds.shipmentId!, {});
    await s.delivery.carrierEvent('demo', { eventId: 'e2e-buds-signed', trackingNo: sent.trackingNo!, state: 'delivered', at: hall.env.clock.now() });
    const asked = await s.delivery.requestReturn(buyer, buds.shipmentId!, { reason: '音质不喜欢' }, 'e2e-refunding-return');
    const opsA = { id: Number((await hall.env.db.selectFrom('staffUser').select('id').where('username', '=', 'opsa').executeTakeFirstOrThrow()).id), name: 'opsa', roles: ['ops' as const] };
    await s.delivery.approveReturn(opsA, asked.request.id);
    assert.equal((await s.delivery.receiveReturn(opsA, asked.request.id)).state, 'refunding');

    await go('物流');
    await page.getByRole('heading', { level: 1, name: '物流与退货' }).waitFor();
    await choose(page, page.locator('[role="search"]'), '物流状态', '已取消发货');
    const cancelled = page.getByTestId('shipments-table').locator('tbody tr.ant-table-row');
    await cancelled.locator('[data-state="cancelled"]').first().waitFor();
    assert.equal(await cancelled.count(), 1);
    assert.match(await cancelled.first().innerText(), /已取消发货/);
    await cancelled.first().locator(`a[href$="/mall/shipments/${kept.shipmentId}"]`).waitFor();
    await check(page, 'shipments-cancelled');
    await choose(page, page.locator('[role="search"]'), '物流状态', '待发货');
    await page.getByTestId('shipments-table').locator('[data-state="to_ship"]').first().waitFor();
    assert.equal(await page.getByTestId('shipments-table').locator(`a[href$="/mall/shipments/${kept.shipmentId}"]`).count(), 0, 'out of the warehouse\'s queue');
    await page.getByRole('tab', { name: '退货申请（七天无理由）' }).click();
    await choose(page, page.getByRole('tabpanel'), '退货状态', '退款中（待审批或到账）');
    const waiting = page.getByTestId('returns-table').locator('tbody tr.ant-table-row').filter({ hasText: '音质不喜欢' });
    await waiting.locator('[data-state="refunding"]').waitFor();
    assert.match(await waiting.innerText(), /退款中（待审批或到账）/);
    assert.doesNotMatch(await waiting.innerText(), /已退款/);
    await check(page, 'returns-refunding');
    assert.deepEqual(hall.pageErrors, []);
  });
});
