// Orders (POST /api/v1/mall/orders and the checkout workflow): the cart placed at the price of now
// and confirmed, idempotent, paid from the balance or points or on the sandbox's page, refusals
// with stable codes and nothing charged, expiry with a late payment refunded, an order a seller of
// held stock places and the subscriber pays, cancellation, and the lines reviews may be written on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import type { ProductView } from '../src/modules/goods/index.ts';
import type { OrderView } from '../src/modules/checkout/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let pm: Actor;
let reviewer: Actor;
let phone: ProductView;
let cable: ProductView;
let video: ProductView;
let card: ProductView;
let simCard: ProductView;
const NOW = new Date('2026-12-02T02:00:00Z');
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };
const released: { orderId: number; why: string }[] = [];
const paidHeld: number[] = [];

async function listed(k: string, saleFen: number, over: { kind?: 'virtual' | 'recharge_card' | 'number_card'; delivery?: 'credit' | 'code' | 'number' } = {}): Promise<ProductView> {
  const p = await env.s.goods.products.create(pm, {
    kind: over.kind ?? 'physical', ...(over.delivery ? { delivery: over.delivery } : {}), nameZh: `订单商品${k}`, nameEn: `Order item ${k}`, brand: '测试',
    skus: [{ code: `OR-${k}`, listFen: saleFen, saleFen }],
  });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  return env.s.goods.products.get(p.id);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'GET' | 'PUT' | 'POST', url: string, token: string, body?: unknown, key?: string): Promise<{ status: number; json: any }> {
  const r = await env.app.inject({
    method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: r.statusCode, json: r.json() };
}
const put = (token: string, p: ProductView, quantity: number) => call('PUT', '/mall/cart/lines', token, { productId: p.id, skuId: p.skus[0]!.id, quantity });
const order = (token: string, body: unknown, key: string) => call('POST', '/mall/orders', token, body, key);
const saleable = (p: ProductView) => env.s.inventory.saleable(p.skus[0]!.id);

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
  await env.s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' }).catch(() => undefined);
  phone = await listed('P', 399_900);
  cable = await listed('C', 4_900);
  video = await listed('V', 2_500, { kind: 'virtual', delivery: 'credit' });
  card = await listed('R', 3_000, { kind: 'recharge_card', delivery: 'code' });
  simCard = await listed('N', 0, { kind: 'number_card', delivery: 'number' });
  for (const p of [phone, cable]) await env.s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 5, reason: '到货入库' });
  await env.s.goods.codes.load(pm, card.skus[0]!.id, 'CODE-0001\nCODE-0002\nCODE-0003');
  await env.s.goods.numbers.import(pm, simCard.id, '17800001234\n17800005678');
  env.s.checkout.sources.register('seller:', {
    async paid(_q, o) { paidHeld.push(o.id); },
    async released(_q, o, why) { released.push({ orderId: o.id, why }); },
  });
});
after(() => env.close());

async function subscriber(n: { balanceFen?: number; points?: number } = {}): Promise<{ id: number; token: string }> {
  const s = await addSubscriber(env.db, { balanceFen: n.balanceFen ?? 1_000_000, points: n.points });
  return { id: s.id, token: await signIn(env, s.msisdn) };
}

test('a cart paid from the balance: confirmed at the quoted total, stock committed, a shipment made, the cart emptied', async () => {
  const me = await subscriber();
  await put(me.token, cable, 2);
  const before = await saleable(cable);
  const ask = await order(me.token, { address: HOME, method: 'balance' }, 'order-key-0001');
  assert.deepEqual([ask.status, ask.json.code, ask.json.quote.totalFen], [409, 'CONFIRMATION_REQUIRED', 10_800]);
  const r = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: 10_800, confirm: true }, 'order-key-0002');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const o: OrderView = r.json.order;
  assert.deepEqual([o.state, o.totalFen, o.payFen, o.deliveryFen, r.json.next.kind, o.workflow.state], ['paid', 10_800, 10_800, 1_000, 'paid', 'completed']);
  assert.match(o.orderNo, /^MO20261202\d{8}$/);
  assert.ok(o.shipmentId && o.paymentId);
  assert.equal(await saleable(cable), before - 2);
  assert.equal((await env.s.delivery.get(o.shipmentId!)).state, 'to_ship');
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 1_000_000 - 10_800);
  assert.equal((await call('GET', '/mall/cart', me.token)).json.lines.length, 0);
  const list = await call('GET', '/mall/orders', me.token);
  assert.deepEqual([list.json.total, list.json.items[0].id], [1, o.id]);
  // The same key again: the same order, charged once.
  const again = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: 10_800, confirm: true }, 'order-key-0002');
  assert.deepEqual([again.status, again.json.order.id], [200, o.id]);
  const other = await order(me.token, { address: HOME, method: 'sandbox', expectedTotalFen: 10_800, confirm: true }, 'order-key-0002');
  assert.deepEqual([other.status, other.json.code], [422, 'IDEMPOTENCY_KEY_REUSED']);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 1_000_000 - 10_800);
  // Nobody else sees it.
  const stranger = await subscriber();
  assert.deepEqual((await call('GET', `/mall/orders/${o.id}`, stranger.token)).json.code, 'ORDER_NOT_FOUND');
});

test('codes and a number card: codes issued once paid, the number sold, and bound when the SIM is signed for', async () => {
  const me = await subscriber();
  await put(me.token, card, 2);
  await put(me.token, simCard, 1);
  const q = await call('POST', '/mall/checkout/quote', me.token, { address: HOME });
  const none = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: q.json.totalFen, confirm: true }, 'order-key-0101');
  assert.deepEqual([none.status, none.json.code], [400, 'NUMBER_REQUIRED']);
  const r = await order(me.token, { address: HOME, numbers: { [simCard.skus[0]!.id]: '17800001234' }, method: 'balance', expectedTotalFen: q.json.totalFen, confirm: true }, 'order-key-0102');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const o: OrderView = r.json.order;
  assert.deepEqual(o.lines.find((l) => l.skuId === card.skus[0]!.id)!.codes, ['CODE-0001', 'CODE-0002']);
  assert.equal(o.lines.find((l) => l.skuId === simCard.skus[0]!.id)!.number, '17800001234');
  assert.equal((await env.s.goods.numbers.get('17800001234')).status, 'sold');
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops-sim', displayName: '运维丙', password: 'correct horse battery', roles: ['ops'] }), name: '运维丙', roles: ['ops'] };
  const shipped = await env.s.delivery.ship(ops, o.shipmentId!, {});
  await env.s.delivery.carrierEvent('demo', { eventId: 'sim-1', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  const bound = await env.s.goods.numbers.get('17800001234');
  assert.equal(bound.status, 'bound');
  assert.equal((await call('GET', `/mall/orders/${o.id}`, me.token)).json.state, 'delivered');
});

test('a virtual good paid with points alone completes at once and is a purchased line for reviews', async () => {
  const poor = await subscriber({ points: 1_000 });
  await put(poor.token, video, 1);
  const over = await order(poor.token, { method: 'points', points: 2_500, expectedTotalFen: 2_500, confirm: true }, 'order-key-0201');
  assert.deepEqual([over.status, over.json.code], [400, 'POINTS_INSUFFICIENT']);
  const me = await subscriber({ points: 5_000 });
  await put(me.token, video, 1);
  const r = await order(me.token, { method: 'points', points: 2_500, expectedTotalFen: 2_500, confirm: true }, 'order-key-0202');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.deepEqual([r.json.order.state, r.json.order.points, r.json.order.payFen], ['completed', 2_500, 0]);
  const lines = await env.s.checkout.orders.purchasedLines(env.db, me.id, video.id);
  assert.deepEqual(lines.map((l) => l.orderId), [r.json.order.id]);
});

test('a seller of held stock places an order; the subscriber pays it; the seller hears of it', async () => {
  const me = await subscriber();
  const o = await env.db.transaction().execute((tx) => env.s.checkout.orders.placeHeld(tx, {
    subscriberId: me.id, source: 'seller:7', idempotencyKey: 'flash-7-a', lines: [{ productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1, unitFen: 2_900 }], address: HOME,
  }));
  assert.deepEqual([o.state, o.totalFen, o.source], ['awaiting_payment', 3_900, 'seller:7']);
  const same = await env.db.transaction().execute((tx) => env.s.checkout.orders.placeHeld(tx, {
    subscriberId: me.id, source: 'seller:7', idempotencyKey: 'flash-7-a', lines: [{ productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1, unitFen: 2_900 }], address: HOME,
  }));
  assert.equal(same.id, o.id);
  const ask = await call('POST', `/mall/orders/${o.id}/payment`, me.token, { method: 'balance' }, 'pay-key-0001');
  assert.deepEqual([ask.status, ask.json.code], [409, 'CONFIRMATION_REQUIRED']);
  const paid = await call('POST', `/mall/orders/${o.id}/payment`, me.token, { method: 'balance', confirm: true }, 'pay-key-0002');
  assert.equal(paid.status, 201, JSON.stringify(paid.json));
  assert.deepEqual([paid.json.order.state, paid.json.next.kind], ['paid', 'paid']);
  assert.deepEqual(paidHeld, [o.id]);
});

test('the price changed between the cart and checkout: 409 PRICE_CHANGED with the new quote, then confirmed at the new price', async () => {
  const me = await subscriber();
  await put(me.token, phone, 1);
  const q = await call('POST', '/mall/checkout/quote', me.token, { address: HOME });
  assert.equal(q.json.totalFen, 399_900);
  const c = await env.s.goods.products.submit(pm, phone.id, 'price', { skuId: phone.skus[0]!.id, listFen: 399_900, saleFen: 389_900 });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  const stale = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: 399_900, confirm: true }, 'order-key-0301');
  assert.deepEqual([stale.status, stale.json.code, stale.json.quote.totalFen], [409, 'PRICE_CHANGED', 389_900]);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 1_000_000, 'nothing charged');
  assert.equal((await call('GET', '/mall/orders', me.token)).json.total, 0);
  const r = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: 389_900, confirm: true }, 'order-key-0302');
  assert.deepEqual([r.status, r.json.order.totalFen, r.json.order.lines[0].unitFen], [201, 389_900, 389_900]);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 1_000_000 - 389_900);
});

test('stock gone at checkout: 409 OUT_OF_STOCK with what is left, no order, nothing held or charged', async () => {
  const me = await subscriber();
  await put(me.token, cable, 2);
  const q = await call('POST', '/mall/checkout/quote', me.token, { address: HOME });
  const left = await saleable(cable);
  // Someone else takes all but one between the quote and the order.
  await env.s.inventory.reserve('other:gone', [{ skuId: cable.skus[0]!.id, quantity: left - 1 }], new Date(NOW.getTime() + 3_600_000));
  const r = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: q.json.totalFen, confirm: true }, 'order-key-0401');
  assert.deepEqual([r.status, r.json.code, r.json.skuId, r.json.saleable], [409, 'OUT_OF_STOCK', cable.skus[0]!.id, 1]);
  assert.equal(await saleable(cable), 1);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 1_000_000);
  assert.equal((await call('GET', '/mall/orders', me.token)).json.total, 0);
  await env.s.inventory.release('other:gone');
});

test('bad input answers a stable code and changes nothing: a negative quantity, a SKU of another product, an address outside the area, no key, points over the balance', async () => {
  const me = await subscriber({ points: 100 });
  const neg = await put(me.token, cable, -1);
  assert.deepEqual([neg.status, neg.json.code], [400, 'INVALID_QUANTITY']);
  const foreign = await call('PUT', '/mall/cart/lines', me.token, { productId: cable.id, skuId: phone.skus[0]!.id, quantity: 1 });
  assert.deepEqual([foreign.status, foreign.json.code], [400, 'SKU_NOT_OF_PRODUCT']);
  const held = (lines: { productId: number; skuId: number; quantity: number; unitFen: number }[], address: typeof HOME | null = HOME) =>
    env.db.transaction().execute((tx) => env.s.checkout.orders.placeHeld(tx, { subscriberId: me.id, source: 'seller:9', idempotencyKey: `bad-${Math.random()}`, lines, address }))
      .then(() => 'placed', (e: { code?: string }) => e.code);
  assert.equal(await held([{ productId: cable.id, skuId: cable.skus[0]!.id, quantity: -1, unitFen: 100 }]), 'INVALID_QUANTITY');
  assert.equal(await held([{ productId: cable.id, skuId: phone.skus[0]!.id, quantity: 1, unitFen: 100 }]), 'SKU_NOT_OF_PRODUCT');
  assert.equal(await held([{ productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1, unitFen: 100 }], { ...HOME, province: '西藏自治区' }), 'ADDRESS_OUT_OF_AREA');
  await put(me.token, cable, 1);
  const far = await order(me.token, { address: { ...HOME, province: '新疆维吾尔自治区' }, method: 'balance', expectedTotalFen: 5_900, confirm: true }, 'order-key-0501');
  assert.deepEqual([far.status, far.json.code], [400, 'ADDRESS_OUT_OF_AREA']);
  const noKey = await call('POST', '/mall/orders', me.token, { address: HOME, method: 'balance', expectedTotalFen: 5_900, confirm: true });
  assert.deepEqual([noKey.status, noKey.json.code], [400, 'IDEMPOTENCY_KEY_REQUIRED']);
  const points = await order(me.token, { address: HOME, method: 'balance', points: 500, expectedTotalFen: 5_900, confirm: true }, 'order-key-0502');
  assert.deepEqual([points.status, points.json.code], [400, 'POINTS_INSUFFICIENT']);
  const en = await env.app.inject({ method: 'POST', url: '/api/v1/mall/orders', headers: { authorization: `Bearer ${me.token}`, 'idempotency-key': 'order-key-0503', 'accept-language': 'en' }, payload: { address: HOME, method: 'balance', points: 500, expectedTotalFen: 5_900, confirm: true } });
  assert.equal(en.json().detail, 'Not enough points; use fewer points');
  const malformed = await order(me.token, { address: HOME, method: 'cheque', expectedTotalFen: 5_900, confirm: true }, 'order-key-0504');
  assert.deepEqual([malformed.status, malformed.json.code], [400, 'INVALID_INPUT']);
  assert.equal((await call('GET', '/mall/orders', me.token)).json.total, 0);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 1_000_000);
  assert.equal((await call('GET', '/mall/cart', me.token)).json.lines.length, 1, 'the cart is kept');
});

test('paid on the sandbox page: the order is committed in the settling transaction; the pay page closed, the order is paid again another way', async () => {
  const me = await subscriber();
  await put(me.token, cable, 1);
  const r = await order(me.token, { address: HOME, method: 'sandbox', expectedTotalFen: 5_900, confirm: true }, 'order-key-0601');
  assert.deepEqual([r.status, r.json.next.kind, r.json.order.state, r.json.order.workflow.state], [201, 'redirect', 'awaiting_payment', 'waiting']);
  const again = await call('POST', `/mall/orders/${r.json.order.id}/payment`, me.token, { method: 'balance', confirm: true }, 'pay-key-0601');
  assert.deepEqual([again.status, again.json.code], [409, 'ORDER_PAYMENT_OPEN']);
  await env.app.inject({ method: 'POST', url: `${r.json.next.url}/cancel` });
  await env.s.payments.sandbox!.idle();
  const paid = await call('POST', `/mall/orders/${r.json.order.id}/payment`, me.token, { method: 'sandbox', confirm: true }, 'pay-key-0602');
  assert.deepEqual([paid.status, paid.json.next.kind], [201, 'redirect']);
  await env.app.inject({ method: 'POST', url: `${paid.json.next.url}/pay` });
  await env.s.payments.sandbox!.idle();
  const o = (await call('GET', `/mall/orders/${r.json.order.id}`, me.token)).json;
  assert.deepEqual([o.state, o.paymentId, o.workflow.state], ['paid', paid.json.order.paymentId, 'completed']);
  assert.ok(o.shipmentId);
});

test('unpaid after 15 minutes the order expires and its holds go back; a payment notified after that is refunded automatically', async () => {
  const me = await subscriber();
  await put(me.token, cable, 1);
  await put(me.token, simCard, 1);
  const before = await saleable(cable);
  const r = await order(me.token, { address: HOME, numbers: { [simCard.skus[0]!.id]: '17800005678' }, method: 'sandbox', expectedTotalFen: 5_900, confirm: true }, 'order-key-0701');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(await saleable(cable), before - 1);
  assert.equal((await env.s.goods.numbers.get('17800005678')).status, 'reserved');
  env.clock.advance(15 * 60_000 + 1_000);
  await env.s.workflows.tick();
  const o = (await call('GET', `/mall/orders/${r.json.order.id}`, me.token)).json;
  assert.deepEqual([o.state, o.workflow.state, o.workflow.error], ['expired', 'compensated', 'timeout']);
  assert.equal(await saleable(cable), before);
  assert.equal((await env.s.goods.numbers.get('17800005678')).status, 'available');
  // The subscriber pays on the page left open: the payment module is told the order is gone and gives it back.
  await env.app.inject({ method: 'POST', url: `${r.json.next.url}/pay` });
  await env.s.payments.sandbox!.idle();
  const p = await env.s.payments.get(o.paymentId);
  assert.equal(p.state, 'refunded');
  assert.equal((await call('GET', `/mall/orders/${o.id}`, me.token)).json.state, 'expired');
  env.clock.set(NOW);
});

test('cancelled while unpaid: the stock is back and the order cannot be paid; a paid order cannot be cancelled', async () => {
  const me = await subscriber();
  await put(me.token, cable, 1);
  const before = await saleable(cable);
  const r = await order(me.token, { address: HOME, method: 'sandbox', expectedTotalFen: 5_900, confirm: true }, 'order-key-0801');
  const c = await call('POST', `/mall/orders/${r.json.order.id}/cancel`, me.token);
  assert.deepEqual([c.status, c.json.state, c.json.workflow.error], [200, 'cancelled', 'cancelled:subscriber']);
  assert.equal(await saleable(cable), before);
  const pay = await call('POST', `/mall/orders/${r.json.order.id}/payment`, me.token, { method: 'balance', confirm: true }, 'pay-key-0801');
  assert.deepEqual([pay.status, pay.json.code], [409, 'ORDER_NOT_PAYABLE']);
  await put(me.token, cable, 1);
  const paid = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: 5_900, confirm: true }, 'order-key-0802');
  const no = await call('POST', `/mall/orders/${paid.json.order.id}/cancel`, me.token);
  assert.deepEqual([no.status, no.json.code], [409, 'ORDER_NOT_CANCELLABLE']);
});

test('cash on delivery: awaiting delivery at once, paid when the courier takes the cash, the number card bound on signing; a return refunds and restocks', async () => {
  const me = await subscriber();
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops-cod', displayName: '运维乙', password: 'correct horse battery', roles: ['ops'] }), name: '运维乙', roles: ['ops'] };
  await put(me.token, phone, 1);
  const total = (await call('POST', '/mall/checkout/quote', me.token, { address: HOME })).json.totalFen;
  const r = await order(me.token, { address: HOME, method: 'cod', expectedTotalFen: total, confirm: true }, 'order-key-0901');
  assert.deepEqual([r.status, r.json.order.state, r.json.next.kind], [201, 'awaiting_delivery', 'pending']);
  const o: OrderView = r.json.order;
  const s = await env.s.delivery.get(o.shipmentId!);
  assert.equal(s.codFen, total);
  const shipped = await env.s.delivery.ship(ops, s.id, {});
  await env.s.delivery.carrierEvent('demo', { eventId: 'cod-1', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  const after = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.equal(after.state, 'delivered');
  assert.ok(after.paidAt);
  assert.equal((await env.s.payments.get(o.paymentId!)).state, 'paid');
  assert.deepEqual((await env.s.checkout.orders.purchasedLines(env.db, me.id, phone.id)).map((l) => l.orderId), [o.id]);
  const before = await saleable(phone);
  const ret = await env.app.inject({ method: 'POST', url: `/api/v1/mall/shipments/${s.id}/returns`, headers: { authorization: `Bearer ${me.token}`, 'idempotency-key': 'return-key-01' }, payload: { reason: '不想要了' } });
  assert.equal(ret.statusCode, 201, ret.body);
  await env.s.delivery.approveReturn(ops, ret.json().id);
  await env.s.delivery.receiveReturn(ops, ret.json().id);
  assert.equal(await saleable(phone), before + 1);
  // ¥4,000 back is above the approval limit: the order is returned until a second person approves the refund.
  const waiting = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([waiting.state, waiting.refundedFen], ['returned', 0]);
  const refund = (await env.s.payments.history(o.paymentId!)).refunds.find((x) => x.reason === `return:${ret.json().id}`)!;
  assert.equal(refund.state, 'awaiting_approval');
  const second: Actor = { id: await createStaffUser(env.db, { username: 'ops-cod2', displayName: '运维丁', password: 'correct horse battery', roles: ['ops'] }), name: '运维丁', roles: ['ops'] };
  await env.s.payments.reviewRefund(second, refund.id, { approve: true });
  const done = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([done.state, done.refundedFen], ['refunded', total]);
  assert.equal(await saleable(phone), before + 1);
});

test('concurrent orders for the last unit: one wins, the others hear OUT_OF_STOCK and are not charged (proven on PostgreSQL with DATABASE_URL)', async () => {
  const last = await listed('L', 9_900);
  await env.s.inventory.adjust(pm, { skuId: last.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 1, reason: '最后一台' });
  const buyers = await Promise.all(Array.from({ length: 6 }, () => subscriber()));
  for (const b of buyers) await put(b.token, last, 1);
  const rs = await Promise.all(buyers.map((b, i) => order(b.token, { address: HOME, method: 'balance', expectedTotalFen: 9_900, confirm: true }, `last-unit-${i}-key`)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  assert.ok(rs.filter((r) => r.status === 409).every((r) => r.json.code === 'OUT_OF_STOCK'));
  assert.equal(await saleable(last), 0);
  const charged = await Promise.all(buyers.map(async (b) => (await balanceAndLedger(env.db, b.id)).balanceFen));
  assert.equal(charged.filter((f) => f === 1_000_000 - 9_900).length, 1);
  assert.equal(charged.filter((f) => f === 1_000_000).length, 5);
  // The same key twice at once: one order, one charge.
  const twice = await subscriber();
  await put(twice.token, cable, 1);
  const [a, b] = await Promise.all([1, 2].map(() => order(twice.token, { address: HOME, method: 'balance', expectedTotalFen: 5_900, confirm: true }, 'same-key-twice')));
  assert.equal(a!.json.order.id, b!.json.order.id);
  assert.deepEqual([a!.status, b!.status].sort(), [200, 201]);
  assert.equal((await balanceAndLedger(env.db, twice.id)).balanceFen, 1_000_000 - 5_900);
});

test('the console finds orders by order number or phone number and state, and shows one with its steps, payment and shipment; read-only, ops or product', async () => {
  await env.s.inventory.adjust(pm, { skuId: cable.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 5, reason: '补货' });
  const sub = await addSubscriber(env.db, { balanceFen: 1_000_000 });
  const token = await signIn(env, sub.msisdn);
  await put(token, cable, 1);
  const paid = (await order(token, { address: HOME, method: 'balance', expectedTotalFen: 5_900, confirm: true }, 'console-key-01')).json.order as OrderView;
  await put(token, cable, 1);
  const open = (await order(token, { address: HOME, method: 'sandbox', expectedTotalFen: 5_900, confirm: true }, 'console-key-02')).json.order as OrderView;
  const ops = await staffToken(env, ['ops']);
  const get = async (url: string, t = ops) => {
    const r = await env.app.inject({ method: 'GET', url: `/api/v1/console${url}`, headers: { authorization: `Bearer ${t}` } });
    return { status: r.statusCode, json: r.json() };
  };
  const byPhone = await get(`/mall/orders?q=${sub.msisdn}`);
  assert.deepEqual([byPhone.json.total, byPhone.json.items.map((o: OrderView) => o.id)], [2, [open.id, paid.id]]);
  assert.equal(byPhone.json.items[0].msisdn, `${sub.msisdn.slice(0, 3)}****${sub.msisdn.slice(7)}`, 'the buyer\'s number masked, as on shared screens');
  const byNo = await get(`/mall/orders?q=${paid.orderNo}`);
  assert.deepEqual(byNo.json.items.map((o: OrderView) => o.id), [paid.id]);
  const waiting = await get(`/mall/orders?q=${sub.msisdn}&state=awaiting_payment`);
  assert.deepEqual(waiting.json.items.map((o: OrderView) => o.id), [open.id]);
  assert.equal((await get('/mall/orders?q=13000000000')).json.total, 0, 'a number that is nobody\'s');
  const bad = await get('/mall/orders?q=hello');
  assert.deepEqual([bad.status, bad.json.code], [400, 'INVALID_INPUT']);
  const one = await get(`/mall/orders/${open.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.json.steps.map((x: { name: string; state: string }) => `${x.name}:${x.state}`), ['open-order:done', 'reserve-stock:done', 'reserve-numbers:done', 'redeem-promotions:done', 'create-payment:waiting', 'commit:pending']);
  assert.deepEqual([one.json.payment.method, one.json.payment.state, one.json.shipment], ['sandbox', 'pending', null]);
  const done = await get(`/mall/orders/${paid.id}`, await staffToken(env, ['product']));
  assert.deepEqual([done.json.payment.state, done.json.shipment.state, done.json.steps.every((x: { state: string }) => x.state === 'done')], ['paid', 'to_ship', true]);
  assert.equal((await get(`/mall/orders/${paid.id}`, await staffToken(env, ['agent']))).status, 403);
  assert.equal((await get('/mall/orders/999999')).json.code, 'ORDER_NOT_FOUND');
});

test('seven days after signing with no return open, a delivered order is completed (已完成), once, and no return is taken after; one with a return open waits for it', async () => {
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops-done', displayName: '运维戊', password: 'correct horse battery', roles: ['ops'] }), name: '运维戊', roles: ['ops'] };
  const signed = async (key: string) => {
    const me = await subscriber();
    await put(me.token, cable, 1);
    const total = (await call('POST', '/mall/checkout/quote', me.token, { address: HOME })).json.totalFen;
    const r = await order(me.token, { address: HOME, method: 'balance', expectedTotalFen: total, confirm: true }, key);
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const o: OrderView = r.json.order;
    const shipped = await env.s.delivery.ship(ops, o.shipmentId!, {});
    await env.s.delivery.carrierEvent('demo', { eventId: `done-${key}`, trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
    return { me, o };
  };
  // Signed at 10:00 Beijing time on 2 December: the window holds to 24:00 on the 9th.
  const plain = await signed('order-key-done-1');
  const asked = await signed('order-key-done-2');
  const ret = await env.app.inject({ method: 'POST', url: `/api/v1/mall/shipments/${asked.o.shipmentId}/returns`, headers: { authorization: `Bearer ${asked.me.token}`, 'idempotency-key': 'return-key-done-2' }, payload: { reason: '不想要了' } });
  assert.equal(ret.statusCode, 201, ret.body);
  assert.equal(await env.s.checkout.orders.completeDue(), 0, 'not before the window closes');
  try {
    env.clock.set(new Date('2026-12-09T15:59:59Z'));
    assert.equal(await env.s.checkout.orders.completeDue(), 0, 'nor in its last second');
    env.clock.set(new Date('2026-12-09T16:00:00Z'));
    // Two nodes' sweeps at once: each order completed once (this file's other signed-for orders too).
    const delivered = async () => Number((await env.db.selectFrom('mallOrder').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'delivered').executeTakeFirstOrThrow()).n);
    const waiting = await delivered();
    const [a, b] = await Promise.all([env.s.checkout.orders.completeDue(), env.s.checkout.orders.completeDue()]);
    assert.equal(a + b, waiting - 1, 'all but the one with its return open, each once');
    assert.equal(await delivered(), 1);
    assert.equal((await env.s.checkout.orders.get(plain.o.id)).state, 'completed');
    assert.equal((await env.s.checkout.orders.get(asked.o.id)).state, 'delivered', 'its return is still open');
    const late = await env.s.delivery.requestReturn(plain.me.id, plain.o.shipmentId!, { reason: '晚了' }, 'return-key-done-1').catch((e: { code?: string }) => e.code);
    assert.equal(late, 'RETURN_WINDOW_CLOSED');
    // The return rejected: nothing is open any more, and the next sweep completes it.
    await env.s.delivery.rejectReturn(ops, ret.json().id, '商品已拆封使用');
    assert.equal(await env.s.checkout.orders.completeDue(), 1);
    assert.equal((await env.s.checkout.orders.get(asked.o.id)).state, 'completed');
    assert.equal(await env.s.checkout.orders.completeDue(), 0);
    assert.deepEqual((await env.s.checkout.orders.purchasedLines(env.db, plain.me.id, cable.id)).map((l) => l.orderId), [plain.o.id], 'still a purchase reviews may be written on');
  } finally {
    env.clock.set(NOW);
  }
});
