// A mall order's refunds (docs/mall.md, "Checkout: orders"): every fen and point of the order's
// payment given back moves the order to refunded (已退款) in the refund's own transaction; a partial
// refund leaves it as it was, showing what went back; a refunded order is not refunded again, not
// shipped (its parcel cancelled, out of the warehouse's queue, its goods back on the shelf), not
// moved on by the carrier, and not returned; a number card's number not yet bound goes back to the
// pool, a bound one stays; codes issued are revoked; the same refund request (its Idempotency-Key)
// twice refunds once; a return's refund waiting for a second person leaves the return refunding
// (退款中) and the order returned until it is paid out; two staff running a return's refund again at
// once refund once (PostgreSQL); orders refunded before they kept their totals catch up.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import type { ProductView } from '../src/modules/goods/index.ts';
import type { OrderView } from '../src/modules/checkout/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let ops: Actor;
let cable: ProductView;
let video: ProductView;
let ring: ProductView;
let sim: ProductView;
let card: ProductView;
let ops2: Actor;
let opsToken: string;
let otherOpsToken: string;
const NOW = new Date('2026-12-02T02:00:00Z');
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };
const released: { orderId: number; why: string }[] = [];

async function listed(pm: Actor, reviewer: Actor, k: string, saleFen: number, over: { kind?: 'virtual' | 'number_card' | 'recharge_card'; delivery?: 'credit' | 'number' | 'code' } = {}): Promise<ProductView> {
  const p = await env.s.goods.products.create(pm, {
    kind: over.kind ?? 'physical', ...(over.delivery ? { delivery: over.delivery } : {}), nameZh: `退款商品${k}`, nameEn: `Refund item ${k}`, brand: '测试',
    skus: [{ code: `RF-${k}`, listFen: saleFen, saleFen }],
  });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  return env.s.goods.products.get(p.id);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'GET' | 'PUT' | 'POST', url: string, token: string, body?: unknown, key?: string): Promise<{ status: number; json: any; replayed: boolean }> {
  const r = await env.app.inject({
    method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: r.statusCode, json: r.json(), replayed: r.headers['idempotent-replayed'] === 'true' };
}
const saleable = (p: ProductView) => env.s.inventory.saleable(p.skus[0]!.id);
const refund = (paymentId: string, body: { amountFen?: number; reason: string }, key?: string, token = opsToken) => call('POST', `/console/payments/${paymentId}/refunds`, token, body, key);

before(async () => {
  env = await startTestEnv({ now: NOW });
  const staff = async (username: string, roles: ('product' | 'ops')[]): Promise<Actor> =>
    ({ id: await createStaffUser(env.db, { username, displayName: username, password: 'correct horse battery', roles }), name: username, roles });
  const pm = await staff('rf-pm1', ['product']);
  const reviewer = await staff('rf-pm2', ['product']);
  ops = await staff('rf-ops', ['ops']);
  ops2 = await staff('rf-ops2', ['ops']);
  await env.s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' }).catch(() => undefined);
  cable = await listed(pm, reviewer, 'C', 4_900);
  ring = await listed(pm, reviewer, 'G', 88_000);
  video = await listed(pm, reviewer, 'V', 2_500, { kind: 'virtual', delivery: 'credit' });
  sim = await listed(pm, reviewer, 'N', 5_000, { kind: 'number_card', delivery: 'number' });
  card = await listed(pm, reviewer, 'R', 3_000, { kind: 'recharge_card', delivery: 'code' });
  await env.s.goods.numbers.import(pm, sim.id, '17800000001\n17800000002\n17800000003');
  await env.s.goods.codes.load(pm, card.skus[0]!.id, 'RF-CODE-0001\nRF-CODE-0002\nRF-CODE-0003');
  for (const p of [cable, ring]) await env.s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 10, reason: '到货入库' });
  opsToken = await staffToken(env, ['ops']);
  otherOpsToken = await staffToken(env, ['ops']);
  env.s.checkout.sources.register('seller:', {
    async paid() {},
    async released(_q, o, why) { released.push({ orderId: o.id, why }); },
  });
});
after(() => env.close());

/** A new subscriber's order of `p`, paid from the balance with `points` (100 a yuan) for part of it. */
async function paidOrder(p: ProductView, quantity: number, key: string, points = 0, number?: string): Promise<{ me: { id: number; token: string }; o: OrderView }> {
  const s = await addSubscriber(env.db, { balanceFen: 1_000_000, points: 5_000 });
  const me = { id: s.id, token: await signIn(env, s.msisdn) };
  await call('PUT', '/mall/cart/lines', me.token, { productId: p.id, skuId: p.skus[0]!.id, quantity });
  const shipped = p.delivery === 'ship' || p.delivery === 'number';
  const numbers = number ? { numbers: { [p.skus[0]!.id]: number } } : {};
  const q = await call('POST', '/mall/checkout/quote', me.token, { ...(shipped ? { address: HOME } : {}), points });
  const r = await call('POST', '/mall/orders', me.token, { ...(shipped ? { address: HOME } : {}), ...numbers, points, method: 'balance', expectedTotalFen: q.json.totalFen, confirm: true }, key);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return { me, o: r.json.order };
}

test('a full refund (money and points) moves a paid order to refunded in the same transaction; a second is refused and changes nothing', async () => {
  const { me, o } = await paidOrder(cable, 2, 'rf-full-0001', 1_000);
  assert.deepEqual([o.state, o.totalFen, o.pointsFen, o.payFen, o.refundedFen, o.refundedPoints], ['paid', 10_800, 1_000, 9_800, 0, 0]);
  const before = await saleable(cable);
  const balance = (await balanceAndLedger(env.db, me.id)).balanceFen;

  const r = await refund(o.paymentId!, { reason: '用户取消订单' });
  assert.deepEqual([r.status, r.json.state, r.json.amountFen, r.json.points], [201, 'succeeded', 9_800, 1_000]);
  const mine = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([mine.state, mine.refundedFen, mine.refundedPoints], ['refunded', 9_800, 1_000]);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, balance + 9_800);
  const staffView = (await call('GET', `/console/mall/orders/${o.id}`, opsToken)).json;
  assert.deepEqual([staffView.state, staffView.refundedFen, staffView.payment.state], ['refunded', 9_800, 'refunded']);
  const listedRefunded = (await call('GET', '/console/mall/orders?state=refunded', opsToken)).json;
  assert.ok(listedRefunded.items.some((x: OrderView) => x.id === o.id));
  // The parcel never left: it is cancelled, out of the warehouse's queue, not shipped, and its goods are saleable again.
  assert.equal(await saleable(cable), before + 2);
  assert.equal((await env.s.delivery.get(o.shipmentId!)).state, 'cancelled');
  const queue = (await call('GET', '/console/shipments?state=to_ship', opsToken)).json.items.map((x: { id: number }) => x.id);
  assert.ok(!queue.includes(o.shipmentId));
  assert.ok((await call('GET', '/console/shipments?state=cancelled', opsToken)).json.items.some((x: { id: number }) => x.id === o.shipmentId));
  const parcel = (await call('GET', `/mall/shipments/${o.shipmentId}`, me.token)).json;
  assert.deepEqual([parcel.state, parcel.timeline.at(-1).state], ['cancelled', 'cancelled']);
  assert.match(parcel.timeline.at(-1).note['zh-CN'], /已取消发货：订单.+已全额退款/);
  const ship = await call('POST', `/console/shipments/${o.shipmentId}/ship`, opsToken, {});
  assert.deepEqual([ship.status, ship.json.code], [409, 'ORDER_REFUNDED']);
  assert.equal((await env.s.delivery.get(o.shipmentId!)).state, 'cancelled');

  // Again: refused, and nothing moves.
  const rowBefore = await env.s.checkout.orders.row(o.id);
  const again = await refund(o.paymentId!, { reason: '用户取消订单' });
  assert.deepEqual([again.status, again.json.code], [409, 'REFUND_NOT_ALLOWED']);
  const part = await refund(o.paymentId!, { amountFen: 100, reason: '再退一点' });
  assert.deepEqual([part.status, part.json.code], [409, 'REFUND_NOT_ALLOWED']);
  assert.deepEqual(await env.s.checkout.orders.row(o.id), rowBefore);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, balance + 9_800);
  assert.equal((await env.s.payments.history(o.paymentId!)).refunds.length, 1);
  // TMF622: cancelled, with what went back.
  const agent = await staffToken(env, ['agent']);
  const tmf = await env.app.inject({ method: 'GET', url: `/tmf-api/productOrderingManagement/v4/productOrder/mall-${o.id}`, headers: { authorization: `Bearer ${agent}` } });
  assert.equal(tmf.json().state, 'cancelled');
  assert.deepEqual(tmf.json().omnihall, { orderNo: o.orderNo, state: 'refunded', refundedPrice: { '@type': 'Price', taxIncludedAmount: { unit: 'CNY', value: 98 } } });
});

test('a partial refund leaves the order paid and shows what went back; the same request again refunds once; the rest makes it refunded', async () => {
  const { me, o } = await paidOrder(cable, 1, 'rf-part-0001');
  assert.equal(o.payFen, 5_900);
  const first = await refund(o.paymentId!, { amountFen: 1_000, reason: '运费差价' }, 'refund-key-0001');
  assert.deepEqual([first.status, first.json.state], [201, 'succeeded']);
  let mine = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([mine.state, mine.refundedFen, mine.refundedPoints], ['paid', 1_000, 0]);
  // The same request under its key: the first refund, nothing more paid out.
  const again = await refund(o.paymentId!, { amountFen: 1_000, reason: '运费差价' }, 'refund-key-0001', otherOpsToken);
  assert.deepEqual([again.status, again.replayed, again.json.id], [200, true, first.json.id]);
  const other = await refund(o.paymentId!, { amountFen: 2_000, reason: '运费差价' }, 'refund-key-0001');
  assert.deepEqual([other.status, other.json.code], [422, 'IDEMPOTENCY_KEY_REUSED']);
  assert.equal((await env.s.payments.get(o.paymentId!)).refundedFen, 1_000);
  assert.equal((await env.s.payments.history(o.paymentId!)).refunds.length, 1);
  mine = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([mine.state, mine.refundedFen], ['paid', 1_000]);
  // Two at once under one key: one refund.
  const [a, b] = await Promise.all([1, 2].map(() => refund(o.paymentId!, { amountFen: 900, reason: '再退一笔' }, 'refund-key-0002')));
  assert.deepEqual([a!.json.id, [a!.status, b!.status].sort()], [b!.json.id, [200, 201]]);
  assert.equal((await env.s.payments.get(o.paymentId!)).refundedFen, 1_900);
  // The rest: every fen back, the order refunded.
  const rest = await refund(o.paymentId!, { reason: '全部退款' }, 'refund-key-0003');
  assert.deepEqual([rest.status, rest.json.amountFen], [201, 4_000]);
  mine = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([mine.state, mine.refundedFen], ['refunded', 5_900]);
});

test('goods credited at once (completed) refunded in full are refunded; a refund waiting for approval moves nothing until it is paid out', async () => {
  const v = await paidOrder(video, 1, 'rf-virtual-0001');
  assert.equal(v.o.state, 'completed');
  await refund(v.o.paymentId!, { reason: '未到账' });
  assert.equal((await env.s.checkout.orders.get(v.o.id)).state, 'refunded');

  const g = await paidOrder(ring, 1, 'rf-approval-0001');
  const asked = await refund(g.o.paymentId!, { reason: '客户投诉' });
  assert.deepEqual([asked.status, asked.json.state], [201, 'awaiting_approval']);
  let o = await env.s.checkout.orders.get(g.o.id);
  assert.deepEqual([o.state, o.refundedFen], ['paid', 0]);
  const ok = await call('POST', `/console/payments/refunds/${asked.json.id}/review`, otherOpsToken, { approve: true });
  assert.equal(ok.json.state, 'succeeded');
  o = await env.s.checkout.orders.get(g.o.id);
  assert.deepEqual([o.state, o.refundedFen], ['refunded', 88_000]);
});

test('a parcel refunded while on its way: signing for it does not move the order on; a return on a refunded order is refused', async () => {
  const { me, o } = await paidOrder(cable, 1, 'rf-road-0001');
  const shipped = await env.s.delivery.ship(ops, o.shipmentId!, {});
  const before = await saleable(cable);
  await refund(o.paymentId!, { reason: '用户拒收前已退款' });
  assert.equal(await saleable(cable), before, 'the goods left: nothing back on the shelf');
  assert.equal((await call('GET', `/mall/orders/${o.id}`, me.token)).json.state, 'refunded');
  await env.s.delivery.carrierEvent('demo', { eventId: 'rf-road-1', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  const signed = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.equal(signed.state, 'refunded');
  assert.ok(signed.deliveredAt);
  const ret = await call('POST', `/mall/shipments/${o.shipmentId}/returns`, me.token, { reason: '不想要了' }, 'rf-return-0001');
  assert.deepEqual([ret.status, ret.json.code], [409, 'ORDER_REFUNDED']);
  assert.match(ret.json.detail, /已全额退款/);
  assert.equal((await env.s.delivery.returnsOf(o.shipmentId!)).length, 0);
});

test('a return after a partial refund gives back only what is left; the order is returned until the refund is paid out, then refunded', async () => {
  const { me, o } = await paidOrder(ring, 1, 'rf-return-0101');
  await refund(o.paymentId!, { amountFen: 8_000, reason: '价保' });
  const shipped = await env.s.delivery.ship(ops, o.shipmentId!, {});
  await env.s.delivery.carrierEvent('demo', { eventId: 'rf-ret-1', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  const delivered = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([delivered.state, delivered.refundedFen], ['delivered', 8_000]);
  const ret = await call('POST', `/mall/shipments/${o.shipmentId}/returns`, me.token, { reason: '不想要了' }, 'rf-return-0102');
  assert.equal(ret.status, 201, JSON.stringify(ret.json));
  const before = await saleable(ring);
  await env.s.delivery.approveReturn(ops, ret.json.id);
  const received = await env.s.delivery.receiveReturn(ops, ret.json.id);
  assert.equal(received.refundFen, 80_000, 'what is left of the money part');
  assert.equal(await saleable(ring), before + 1, 'restocked once the goods are back');
  // ¥800 is above the approval limit: the refund waits, and so do the order and the return (退款中, not 已退款).
  assert.equal(received.state, 'refunding');
  let now = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([now.state, now.refundedFen], ['returned', 8_000]);
  let parcel = (await call('GET', `/mall/shipments/${o.shipmentId}`, me.token)).json;
  assert.equal(parcel.returns[0].state, 'refunding');
  assert.match(parcel.timeline.at(-1).note['zh-CN'], /待审批/);
  assert.ok((await call('GET', '/console/returns?state=refunding', opsToken)).json.items.some((x: { id: number }) => x.id === ret.json.id));
  const waiting = (await env.s.payments.history(o.paymentId!)).refunds.find((r) => r.reason === `return:${ret.json.id}`)!;
  assert.equal(waiting.state, 'awaiting_approval');
  await call('POST', `/console/payments/refunds/${waiting.id}/review`, otherOpsToken, { approve: true });
  now = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([now.state, now.refundedFen], ['refunded', 88_000]);
  parcel = (await call('GET', `/mall/shipments/${o.shipmentId}`, me.token)).json;
  assert.equal(parcel.returns[0].state, 'refunded');
  assert.equal(parcel.timeline.at(-1).note['zh-CN'], '退款已办理：800.00元');
  assert.equal(await saleable(ring), before + 1, 'not restocked twice');
});

test('a held order (a seller\'s) refunded in full is released to its seller as refunded, once', async () => {
  const s = await addSubscriber(env.db, { balanceFen: 1_000_000 });
  const token = await signIn(env, s.msisdn);
  const held = await env.db.transaction().execute((q) => env.s.checkout.orders.placeHeld(q, {
    subscriberId: s.id, source: 'seller:1', idempotencyKey: 'rf-held-0001', lines: [{ productId: video.id, skuId: video.skus[0]!.id, quantity: 1, unitFen: 1_990 }],
  }));
  const paid = await call('POST', `/mall/orders/${held.id}/payment`, token, { method: 'balance', confirm: true }, 'rf-held-pay-01');
  assert.equal(paid.status, 201, JSON.stringify(paid.json));
  await refund(paid.json.order.paymentId, { reason: '活动取消' });
  assert.equal((await env.s.checkout.orders.get(held.id)).state, 'refunded');
  assert.deepEqual(released.filter((r) => r.orderId === held.id), [{ orderId: held.id, why: 'refunded' }]);
});

test('a number card refunded in full before delivery: its number goes back to the pool, also when its SIM on the way is then signed for; one bound on signing stays bound', async () => {
  const number = (n: string) => env.s.goods.numbers.get(n);
  const free = async () => (await env.s.goods.numbers.available(sim.id, {}, { offset: 0, limit: 10 })).items.map((x) => x.number);

  // Not shipped yet: the parcel is cancelled and the number is on sale again.
  const a = await paidOrder(sim, 1, 'rf-sim-0001', 0, '17800000001');
  assert.equal((await number('17800000001')).status, 'sold');
  await refund(a.o.paymentId!, { reason: '用户取消' });
  assert.equal((await env.s.checkout.orders.get(a.o.id)).state, 'refunded');
  assert.equal((await number('17800000001')).status, 'available');
  assert.ok((await free()).includes('17800000001'));
  assert.equal((await env.s.delivery.get(a.o.shipmentId!)).state, 'cancelled');

  // On its way: released at the refund; signing for the SIM afterwards binds nothing (and is not refused).
  const b = await paidOrder(sim, 1, 'rf-sim-0002', 0, '17800000002');
  const shipped = await env.s.delivery.ship(ops, b.o.shipmentId!, {});
  await refund(b.o.paymentId!, { reason: '用户取消' });
  assert.equal((await number('17800000002')).status, 'available');
  const signed = await env.s.delivery.carrierEvent('demo', { eventId: 'rf-sim-2', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  assert.equal(signed.outcome, 'moved');
  assert.equal((await env.s.checkout.orders.get(b.o.id)).state, 'refunded');
  assert.deepEqual([(await number('17800000002')).status, (await env.db.selectFrom('goodsNumber').select('subscriberId').where('number', '=', '17800000002').executeTakeFirstOrThrow()).subscriberId], ['available', null]);

  // Delivered and activated: the number is the subscriber's line; a refund afterwards leaves it bound.
  const c = await paidOrder(sim, 1, 'rf-sim-0003', 0, '17800000003');
  const sent = await env.s.delivery.ship(ops, c.o.shipmentId!, {});
  await env.s.delivery.carrierEvent('demo', { eventId: 'rf-sim-3', trackingNo: sent.trackingNo!, state: 'delivered', at: env.clock.now() });
  assert.equal((await number('17800000003')).status, 'bound');
  await refund(c.o.paymentId!, { reason: '补偿' });
  assert.equal((await env.s.checkout.orders.get(c.o.id)).state, 'refunded');
  assert.equal((await number('17800000003')).status, 'bound');
  assert.ok(!(await free()).includes('17800000003'));
});

test('codes issued to an order refunded in full are revoked: void in the pool and shown voided on the order; a partial refund leaves them', async () => {
  const codeRows = (ref: string) => env.db.selectFrom('goodsCode').select(['code', 'status', 'voidedAt']).where('ref', '=', ref).orderBy('id').execute();
  const { me, o } = await paidOrder(card, 2, 'rf-code-0001');
  assert.equal(o.state, 'completed');
  const codes = o.lines[0]!.codes!;
  assert.equal(codes.length, 2);
  await refund(o.paymentId!, { amountFen: 1_000, reason: '差价' }, 'rf-code-part-01');
  assert.deepEqual((await codeRows(`order:${o.id}`)).map((c) => c.status), ['issued', 'issued']);
  assert.equal((await call('GET', `/mall/orders/${o.id}`, me.token)).json.lines[0].codesVoidedAt, undefined);

  await refund(o.paymentId!, { reason: '用户未使用，全额退款' }, 'rf-code-full-01');
  const rows = await codeRows(`order:${o.id}`);
  assert.deepEqual(rows.map((c) => [c.code, c.status]), codes.map((c) => [c, 'void']));
  assert.ok(rows.every((c) => c.voidedAt));
  const mine = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.equal(mine.state, 'refunded');
  assert.deepEqual(mine.lines[0].codes, codes, 'still listed, so the subscriber sees which were voided');
  assert.ok(mine.lines[0].codesVoidedAt);
  // Never handed out again: the one code left is all another buyer can get.
  assert.equal((await env.s.goods.stock([await env.s.goods.products.get(card.id)])).get(card.skus[0]!.id)!.saleable, 1);
});

test('a return\'s refund rejected by the second person stays refunding; run again, it is asked once more and, approved, the return is refunded', async () => {
  const { me, o } = await paidOrder(ring, 1, 'rf-reject-0001');
  const shipped = await env.s.delivery.ship(ops, o.shipmentId!, {});
  await env.s.delivery.carrierEvent('demo', { eventId: 'rf-rej-1', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  const ret = await call('POST', `/mall/shipments/${o.shipmentId}/returns`, me.token, { reason: '不想要了' }, 'rf-reject-0002');
  await env.s.delivery.approveReturn(ops, ret.json.id);
  assert.equal((await env.s.delivery.receiveReturn(ops, ret.json.id)).state, 'refunding');
  const ofReturn = async () => (await env.s.payments.history(o.paymentId!)).refunds.filter((r) => r.reason === `return:${ret.json.id}`);
  const [first] = await ofReturn();
  await call('POST', `/console/payments/refunds/${first!.id}/review`, otherOpsToken, { approve: false, reason: '需核实商品状态' });
  assert.equal((await env.s.delivery.returnRow(ret.json.id)).state, 'refunding');
  // Run again while one is still waiting: nothing more is asked.
  const again = await call('POST', `/console/returns/${ret.json.id}/refund`, opsToken);
  assert.deepEqual([again.status, again.json.state], [200, 'refunding']);
  assert.deepEqual((await ofReturn()).map((r) => r.state), ['rejected', 'awaiting_approval']);
  assert.equal((await call('POST', `/console/returns/${ret.json.id}/refund`, opsToken)).json.state, 'refunding');
  assert.equal((await ofReturn()).length, 2);
  const second = (await ofReturn())[1]!;
  await call('POST', `/console/payments/refunds/${second.id}/review`, otherOpsToken, { approve: true });
  assert.equal((await env.s.delivery.returnRow(ret.json.id)).state, 'refunded');
  assert.equal((await env.s.checkout.orders.get(o.id)).state, 'refunded');
  assert.equal((await env.s.payments.get(o.paymentId!)).refundedFen, 88_000);
});

test('two staff running a return\'s refund again at once refund it once (a key made of the return)', async () => {
  // Two cables, one sent back: its share (¥54) is half of what is left, so a second refund would fit.
  const { me, o } = await paidOrder(cable, 2, 'rf-race-0001');
  const shipped = await env.s.delivery.ship(ops, o.shipmentId!, {});
  await env.s.delivery.carrierEvent('demo', { eventId: 'rf-race-1', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  const ret = await call('POST', `/mall/shipments/${o.shipmentId}/returns`, me.token, { reason: '多买了一根', lines: [{ skuId: cable.skus[0]!.id, quantity: 1 }] }, 'rf-race-0002');
  await env.s.delivery.approveReturn(ops, ret.json.id);
  // The provider is away when the goods come in: the return stays received, for staff to run again.
  const payments = env.s.payments;
  payments.requestRefund = async () => {
    delete (payments as { requestRefund?: unknown }).requestRefund;
    throw new Error('the payment provider is away');
  };
  const received = await env.s.delivery.receiveReturn(ops, ret.json.id);
  assert.deepEqual([received.state, received.refundFen], ['received', 5_400]);
  assert.equal((await payments.history(o.paymentId!)).refunds.length, 0);
  const balance = (await balanceAndLedger(env.db, me.id)).balanceFen;

  const both = await Promise.all([env.s.delivery.refundReturn(ops, ret.json.id), env.s.delivery.refundReturn(ops2, ret.json.id)]);
  // The one that found the other's refund still running answers refunding; the return ends refunded.
  assert.ok(both.every((r) => r.state === 'refunded' || r.state === 'refunding'), JSON.stringify(both.map((r) => r.state)));
  assert.equal((await env.s.delivery.returnRow(ret.json.id)).state, 'refunded');
  const refunds = (await payments.history(o.paymentId!)).refunds;
  assert.deepEqual(refunds.map((r) => [r.reason, r.state, r.amountFen]), [[`return:${ret.json.id}`, 'succeeded', 5_400]]);
  assert.equal((await payments.get(o.paymentId!)).refundedFen, 5_400);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, balance + 5_400);
  const mine = (await call('GET', `/mall/orders/${o.id}`, me.token)).json;
  assert.deepEqual([mine.state, mine.refundedFen], ['returned', 5_400]);
});

test('orders refunded before they kept their refunded totals catch up through the payment service: totals copied, refunded in full with what follows', async () => {
  // Two orders as a database kept from before checkout's migration 0002 holds them: the payment
  // refunded (one in part, one in full), the order none the wiser.
  const part = await paidOrder(cable, 1, 'rf-kept-0001');
  const full = await paidOrder(cable, 1, 'rf-kept-0002');
  const shelf = await saleable(cable);
  const at = env.clock.now();
  for (const [o, fen] of [[part.o, 1_500], [full.o, full.o.payFen]] as const) {
    await env.db.updateTable('payment').set({ refundedFen: fen, state: fen === o.payFen ? 'refunded' : 'partially_refunded' }).where('id', '=', o.paymentId!).execute();
    await env.db.insertInto('paymentRefund').values({ id: `kept${o.id}`, paymentId: o.paymentId!, amountFen: fen, points: 0, state: 'succeeded', reason: 'staff', requestedBy: ops.id, reviewedBy: null, providerRefundNo: null, createdAt: at, updatedAt: at }).execute();
  }
  // What migration 0004 marks: paid orders with nothing recorded back.
  await env.db.updateTable('mallOrder').set({ refundsUnchecked: true }).where('paymentId', 'is not', null).where('paidAt', 'is not', null).where('refundedFen', '=', 0).where('refundedPoints', '=', 0).execute();
  const marked = (await env.db.selectFrom('mallOrder').select('id').where('refundsUnchecked', '=', true).execute()).length;
  assert.ok(marked >= 2);

  let done = 0;
  for (let n = await env.s.checkout.orders.catchUpRefunds(); n > 0; n = await env.s.checkout.orders.catchUpRefunds()) done += n;
  assert.equal(done, marked);
  const p = await env.s.checkout.orders.get(part.o.id);
  assert.deepEqual([p.state, p.refundedFen], ['paid', 1_500]);
  const f = await env.s.checkout.orders.get(full.o.id);
  assert.deepEqual([f.state, f.refundedFen], ['refunded', full.o.payFen]);
  assert.equal((await env.s.delivery.get(full.o.shipmentId!)).state, 'cancelled');
  assert.equal(await saleable(cable), shelf + 1, 'the refunded parcel\'s goods back on the shelf, once');
  // Once caught up, nothing is left to do, and the other orders it looked at are as they were.
  assert.equal(await env.s.checkout.orders.catchUpRefunds(), 0);
  assert.equal((await env.s.checkout.orders.get(part.o.id)).state, 'paid');
});
