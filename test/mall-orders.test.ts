// Orders (POST /api/v1/mall/orders and the checkout workflow): the cart placed at the price of now
// and confirmed, idempotent, paid from the balance or points or on the sandbox's page, refusals
// with stable codes and nothing charged, expiry with a late payment refunded, an order a seller of
// held stock places and the subscriber pays, cancellation, and the lines reviews may be written on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, type TestEnv } from './helpers.ts';
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
  env.s.checkout.sources.register('flash:', {
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
    subscriberId: me.id, source: 'flash:7', idempotencyKey: 'flash-7-a', lines: [{ productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1, unitFen: 2_900 }], address: HOME,
  }));
  assert.deepEqual([o.state, o.totalFen, o.source], ['awaiting_payment', 3_900, 'flash:7']);
  const same = await env.db.transaction().execute((tx) => env.s.checkout.orders.placeHeld(tx, {
    subscriberId: me.id, source: 'flash:7', idempotencyKey: 'flash-7-a', lines: [{ productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1, unitFen: 2_900 }], address: HOME,
  }));
  assert.equal(same.id, o.id);
  const ask = await call('POST', `/mall/orders/${o.id}/payment`, me.token, { method: 'balance' }, 'pay-key-0001');
  assert.deepEqual([ask.status, ask.json.code], [409, 'CONFIRMATION_REQUIRED']);
  const paid = await call('POST', `/mall/orders/${o.id}/payment`, me.token, { method: 'balance', confirm: true }, 'pay-key-0002');
  assert.equal(paid.status, 201, JSON.stringify(paid.json));
  assert.deepEqual([paid.json.order.state, paid.json.next.kind], ['paid', 'paid']);
  assert.deepEqual(paidHeld, [o.id]);
});
