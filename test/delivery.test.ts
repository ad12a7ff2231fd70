// Delivery end to end: a shipment per order, shipped with the demo carrier's tracking number,
// moved only forward by the carrier's signed events (a repeated one recorded once, an older one
// kept in the timeline without moving it back), the timeline in order with Beijing times, the
// owner's delivered callback once in the moving transaction (rolled back when it throws), cash on
// delivery settled after, the seven-day return window at its edge, returns approved, received and
// refunded through a real payment, a parcel returned unsigned, forged and unknown webhooks changing
// nothing, and each subscriber seeing only their own; on PostgreSQL five copies of one event at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';
import type { Db } from '../src/platform/db/index.ts';
import { configuredCarrier, demoCarrier, signEvent, type ReturnRequest, type Shipment } from '../src/modules/delivery/index.ts';
import type { Payment } from '../src/modules/payment/index.ts';
import { cryptoRandom } from '../src/platform/ports.ts';

const SECRET = 'demo-carrier-secret-for-tests-0001';
const SF_SECRET = 'sf-express-secret-for-tests-0002';
let env: TestEnv;
let ops: string;
let ops2: string;
let agent: string;

/** The test shop's orders: whose, the payment behind each, and how the owner's callbacks went. */
const delivered = new Map<string, number>();
const stateSeenInside = new Map<string, string>();
const afterDelivered = new Map<string, number>();
const returned = new Map<string, number>();
const throwOnDelivered = new Set<string>();
const failRefundOnce = new Set<string>();
const paymentOf = new Map<string, string>();
const paidCalls = new Map<string, number>();

before(async () => {
  env = await startTestEnv();
  // The carriers as an operator plugs them: the demo carrier with a known secret, and one whose waybills staff enter.
  env.s.delivery.addCarrier(demoCarrier(SECRET, cryptoRandom));
  env.s.delivery.addCarrier(configuredCarrier('sf', SF_SECRET));
  env.s.payments.register('dt:', {
    async paid(_q: Db, p: Payment) {
      paidCalls.set(p.orderRef, (paidCalls.get(p.orderRef) ?? 0) + 1);
      return 'ok';
    },
  });
  // The owner's side of the contract, as checkout will hold it.
  env.s.delivery.register('dt:', {
    async delivered(q: Db, s: Shipment) {
      delivered.set(s.orderRef, (delivered.get(s.orderRef) ?? 0) + 1);
      // Read through the transaction it was handed: the shipment is delivered there already.
      stateSeenInside.set(s.orderRef, (await q.selectFrom('shipment').select('state').where('id', '=', s.id).executeTakeFirstOrThrow()).state);
      if (throwOnDelivered.has(s.orderRef)) throw new Error('the order could not be completed');
    },
    async afterDelivered(s: Shipment) {
      afterDelivered.set(s.orderRef, (afterDelivered.get(s.orderRef) ?? 0) + 1);
      const id = paymentOf.get(s.orderRef);
      if (!id || s.codFen === 0) return;
      const p = await env.s.payments.get(id);
      if (p.state === 'pending') await env.s.payments.settleOnDelivery(id);
    },
    async returned(_q: Db, s: Shipment) {
      returned.set(s.orderRef, (returned.get(s.orderRef) ?? 0) + 1);
      const id = paymentOf.get(s.orderRef);
      if (!id) return { refundFen: 0 };
      const p = await env.s.payments.get(id, _q);
      return { refundFen: p.state === 'paid' ? p.amountFen : 0 };
    },
    async refund(s: Shipment, r: ReturnRequest, actor) {
      if (failRefundOnce.delete(s.orderRef)) throw new Error('the payment provider is away');
      const id = paymentOf.get(s.orderRef);
      if (id && r.refundFen) await env.s.payments.refund(actor, id, { amountFen: r.refundFen, reason: `return:${r.id}` });
    },
  });
  [ops, ops2, agent] = await Promise.all([staffToken(env, ['ops']), staffToken(env, ['ops']), staffToken(env, ['agent'])]);
});
after(async () => {
  await env.close();
});

const address = { name: '张三', phone: '13800000000', province: '广东省', city: '广州市', district: '天河区', detail: '体育西路1号' };
let nextOrder = 0;

async function customer(balanceFen = 100_000) {
  const sub = await addSubscriber(env.db, { balanceFen });
  return { ...sub, token: await signIn(env, sub.msisdn) };
}

/** An order's shipment, paid by the phone balance (or cash on delivery), shipped with the demo carrier. */
async function shipped(subscriberId: number, opts: { totalFen?: number; cod?: boolean } = {}) {
  const ref = `dt:${++nextOrder}`;
  const totalFen = opts.totalFen ?? 2999;
  const pay = await env.s.payments.create({ subscriberId, orderRef: ref, method: opts.cod ? 'cod' : 'balance', totalFen, subject: `测试订单 ${ref}`, idempotencyKey: `pay-${ref}` });
  paymentOf.set(ref, pay.payment.id);
  const s = await env.s.delivery.createShipment(ref, { subscriberId, warehouse: 'GZ', address, codFen: opts.cod ? totalFen : 0 });
  const r = await console_('POST', `/shipments/${s.id}/ship`, ops, {});
  assert.equal(r.statusCode, 200, r.body);
  return { ref, id: s.id, trackingNo: r.json().trackingNo as string, paymentId: pay.payment.id };
}

function console_(method: 'GET' | 'POST', path: string, token: string, payload?: unknown) {
  return env.app.inject({ method, url: `/api/v1/console${path}`, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

let nextEvent = 0;
function event(trackingNo: string, state: string, at: string, extra: Record<string, unknown> = {}) {
  return { eventId: `ev-${++nextEvent}`, trackingNo, state, at, ...extra };
}
function post(body: unknown, opts: { carrier?: string; secret?: string; signature?: string | null } = {}) {
  const raw = JSON.stringify(body);
  const signature = opts.signature === undefined ? signEvent(opts.secret ?? SECRET, raw) : opts.signature;
  return env.app.inject({
    method: 'POST', url: `/api/v1/mall/delivery/carriers/${opts.carrier ?? 'demo'}/events`, payload: raw,
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-carrier-signature': signature } : {}) },
  });
}
async function row(id: number) {
  return env.db.selectFrom('shipment').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
async function eventCount(id: number) {
  return (await env.db.selectFrom('shipmentEvent').select('id').where('shipmentId', '=', id).execute()).length;
}
function askReturn(token: string, id: number, body: Record<string, unknown>, key: string | null = `ret-${Math.random().toString(36).slice(2, 12)}`) {
  return env.app.inject({ method: 'POST', url: `/api/v1/mall/shipments/${id}/returns`, payload: body, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) } });
}

describe('shipments and carrier events', () => {
  test('a shipment per order: the same reference again is the same shipment; shipping takes the demo carrier\'s number, audited', async () => {
    const c = await customer();
    const a = await env.s.delivery.createShipment('dt:same', { subscriberId: c.id, warehouse: 'SZ', address });
    const b = await env.s.delivery.createShipment('dt:same', { subscriberId: c.id, warehouse: 'GZ', address: { ...address, city: '深圳市' } });
    assert.equal(b.id, a.id);
    assert.equal(b.warehouse, 'SZ');
    assert.equal((await console_('POST', `/shipments/${a.id}/ship`, agent, {})).statusCode, 403);
    const r = await console_('POST', `/shipments/${a.id}/ship`, ops, {});
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.json().trackingNo, /^DM\d{12}$/);
    assert.equal(r.json().state, 'shipped');
    assert.equal((await console_('POST', `/shipments/${a.id}/ship`, ops, {})).json().code, 'SHIPMENT_ALREADY_SHIPPED');
    const audit = await env.db.selectFrom('auditEntry').select(['action', 'after']).where('entityType', '=', 'shipment').where('entityId', '=', String(a.id)).execute();
    assert.deepEqual(audit.map((x) => x.action), ['delivery.ship']);
    // A carrier that makes no numbers needs one entered, and a number on another parcel is refused.
    const other = await env.s.delivery.createShipment('dt:sf', { subscriberId: c.id, warehouse: 'GZ', address, carrier: 'sf' });
    assert.equal((await console_('POST', `/shipments/${other.id}/ship`, ops, {})).json().code, 'TRACKING_NO_REQUIRED');
    assert.equal((await console_('POST', `/shipments/${other.id}/ship`, ops, { carrier: 'demo', trackingNo: r.json().trackingNo })).json().code, 'TRACKING_NO_TAKEN');
    const sf = await console_('POST', `/shipments/${other.id}/ship`, ops, { trackingNo: 'SF1234567890' });
    assert.equal(sf.json().trackingNo, 'SF1234567890');
    assert.equal((await console_('GET', '/shipments?state=shipped', agent)).json().items.some((x: { id: number }) => x.id === other.id), true);
  });

  test('states only move forward: a repeated event is recorded once, an older one is kept in the timeline and moves nothing back; the timeline is in order with Beijing times', async () => {
    const c = await customer();
    const s = await shipped(c.id);
    const transit = event(s.trackingNo, 'in_transit', '2026-11-15T03:00:00Z', { place: '广州转运中心' });
    assert.equal((await post(transit)).json().outcome, 'moved');
    const signed = event(s.trackingNo, 'delivered', '2026-11-15T06:30:00Z', { place: '天河区' });
    const r = await post(signed);
    assert.deepEqual(r.json(), { outcome: 'moved', shipmentId: s.id, state: 'delivered' });
    // The same event again, and a scan from before the signature arriving after it.
    assert.equal((await post(signed)).json().outcome, 'duplicate');
    assert.equal((await post(transit)).json().outcome, 'duplicate');
    const late = await post(event(s.trackingNo, 'in_transit', '2026-11-15T04:15:00Z', { place: '天河营业部' }));
    assert.deepEqual(late.json(), { outcome: 'recorded', shipmentId: s.id, state: 'delivered' });
    assert.equal((await post(event(s.trackingNo, 'returned', '2026-11-15T07:00:00Z'))).json().outcome, 'recorded');
    assert.equal((await row(s.id)).state, 'delivered');
    assert.equal(delivered.get(s.ref), 1);
    assert.equal(stateSeenInside.get(s.ref), 'delivered');
    assert.equal(afterDelivered.get(s.ref), 2, 'after the delivering transaction, and again for the repeated event');

    const view = (await env.app.inject({ method: 'GET', url: `/api/v1/mall/shipments/${s.id}`, headers: { authorization: `Bearer ${c.token}` } })).json();
    assert.deepEqual(view.timeline.map((e: { state: string; place: string | null; atLocal: string }) => [e.state, e.place, e.atLocal]), [
      ['to_ship', null, '2026-11-15 10:00'],
      ['shipped', null, '2026-11-15 10:00'],
      ['in_transit', '广州转运中心', '2026-11-15 11:00'],
      ['in_transit', '天河营业部', '2026-11-15 12:15'],
      ['delivered', '天河区', '2026-11-15 14:30'],
      ['returned', null, '2026-11-15 15:00'],
    ]);
    assert.equal(view.timeline[4].note['zh-CN'], '已签收（天河区）');
    assert.equal(view.timeline[4].note.en, 'Signed for (天河区)');
    assert.equal(view.deliveredAt, '2026-11-15T06:30:00.000Z');
  });

  test('the delivered callback runs in the moving transaction: when it throws nothing is kept, and the carrier\'s retry delivers once', async () => {
    const c = await customer();
    const s = await shipped(c.id);
    await post(event(s.trackingNo, 'in_transit', '2026-11-15T03:00:00Z'));
    const before = await eventCount(s.id);
    throwOnDelivered.add(s.ref);
    const signed = event(s.trackingNo, 'delivered', '2026-11-15T05:00:00Z');
    const failed = await post(signed);
    assert.equal(failed.statusCode, 500);
    assert.equal((await row(s.id)).state, 'in_transit');
    assert.equal((await row(s.id)).deliveredAt, null);
    assert.equal(await eventCount(s.id), before, 'the event is not kept either, so the retry is not a duplicate');
    assert.equal(afterDelivered.get(s.ref), undefined);
    throwOnDelivered.delete(s.ref);
    assert.equal((await post(signed)).json().outcome, 'moved');
    assert.equal((await row(s.id)).state, 'delivered');
    assert.equal(delivered.get(s.ref), 2, 'called once per attempt: the first rolled back');
    assert.equal(await eventCount(s.id), before + 1);
  });

  test('cash on delivery is settled once the parcel is signed for, and once only', async () => {
    const c = await customer();
    const s = await shipped(c.id, { cod: true, totalFen: 8800 });
    assert.equal((await env.s.payments.get(s.paymentId)).state, 'pending');
    const signed = event(s.trackingNo, 'delivered', '2026-11-15T05:00:00Z');
    assert.equal((await post(signed)).json().outcome, 'moved');
    assert.equal((await env.s.payments.get(s.paymentId)).state, 'paid');
    assert.equal((await post(signed)).json().outcome, 'duplicate');
    assert.equal(paidCalls.get(s.ref), 1);
  });

  test('a forged, unsigned or mis-keyed event is 401 and changes nothing; an unknown tracking number or carrier is 404; a bad body is 400', async () => {
    const c = await customer();
    const s = await shipped(c.id);
    const before = await eventCount(s.id);
    const e = event(s.trackingNo, 'delivered', '2026-11-15T05:00:00Z');
    for (const opts of [{ signature: 'ab'.repeat(32) }, { signature: null }, { secret: SF_SECRET }, { signature: signEvent(SECRET, JSON.stringify({ ...e, state: 'in_transit' })) }]) {
      const r = await post(e, opts);
      assert.equal(r.statusCode, 401, JSON.stringify(opts));
      assert.equal(r.json().code, 'CARRIER_SIGNATURE_INVALID');
    }
    assert.equal((await row(s.id)).state, 'shipped');
    assert.equal(await eventCount(s.id), before);
    assert.equal(delivered.get(s.ref), undefined);
    const unknown = await post(event('DM000000000000', 'in_transit', '2026-11-15T05:00:00Z'));
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'TRACKING_NOT_FOUND');
    // The right number under another carrier is not that parcel.
    assert.equal((await post(event(s.trackingNo, 'in_transit', '2026-11-15T05:00:00Z'), { carrier: 'sf', secret: SF_SECRET })).json().code, 'TRACKING_NOT_FOUND');
    assert.equal((await post(e, { carrier: 'ems' })).json().code, 'CARRIER_NOT_FOUND');
    const bad = await post({ ...e, state: 'lost' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_INPUT');
    const notJson = await env.app.inject({ method: 'POST', url: '/api/v1/mall/delivery/carriers/demo/events', payload: '{"eventId": ', headers: { 'content-type': 'application/json', 'x-carrier-signature': signEvent(SECRET, '{"eventId": ') } });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().code, 'INVALID_INPUT');
    assert.equal(await eventCount(s.id), before);
    // And the genuine event still goes through.
    assert.equal((await post(e)).json().outcome, 'moved');
  });

  test('a parcel that comes back unsigned is returned and refunded by its owner', async () => {
    const c = await customer(50_000);
    const s = await shipped(c.id, { totalFen: 12_000 });
    assert.equal((await balanceAndLedger(env.db, c.id)).balanceFen, 38_000);
    await post(event(s.trackingNo, 'in_transit', '2026-11-15T03:00:00Z'));
    assert.equal((await post(event(s.trackingNo, 'returned', '2026-11-16T03:00:00Z', { note: { 'zh-CN': '收件人拒收', en: 'Refused by the addressee' } }))).json().outcome, 'moved');
    const view = await env.s.delivery.view(await row(s.id));
    assert.equal(view.state, 'returned');
    assert.equal(view.returns.length, 1);
    assert.equal(view.returns[0]!.state, 'refunded');
    assert.equal(view.returns[0]!.refundFen, 12_000);
    assert.equal(returned.get(s.ref), 1);
    assert.equal(delivered.get(s.ref), undefined);
    assert.deepEqual(await balanceAndLedger(env.db, c.id), { balanceFen: 50_000, ledgerFen: 50_000 });
  });

  test('the delivery routes are in the OpenAPI document', async () => {
    const paths = Object.keys((await env.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths);
    for (const p of ['/api/v1/mall/shipments', '/api/v1/mall/shipments/{id}', '/api/v1/mall/shipments/{id}/returns', '/api/v1/mall/delivery/carriers/{carrier}/events',
      '/api/v1/console/shipments', '/api/v1/console/shipments/{id}/ship', '/api/v1/console/returns', '/api/v1/console/returns/{id}/received']) {
      assert.ok(paths.includes(p), p);
    }
  });
});

describe('the subscriber\'s shipments and returns', () => {
  test('each subscriber sees only their own shipments', async () => {
    const [a, b] = [await customer(), await customer()];
    const sa = await shipped(a.id);
    const sb = await shipped(b.id);
    const list = await env.app.inject({ method: 'GET', url: '/api/v1/mall/shipments', headers: { authorization: `Bearer ${a.token}` } });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().items.map((x: { id: number }) => x.id), [sa.id]);
    assert.equal(list.json().items[0].address.city, '广州市');
    const other = await env.app.inject({ method: 'GET', url: `/api/v1/mall/shipments/${sb.id}`, headers: { authorization: `Bearer ${a.token}` } });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'SHIPMENT_NOT_FOUND');
    assert.equal((await askReturn(a.token, sb.id, { reason: '不想要了' })).json().code, 'SHIPMENT_NOT_FOUND');
    assert.equal((await env.app.inject({ method: 'GET', url: '/api/v1/mall/shipments' })).statusCode, 401);
    assert.equal((await env.app.inject({ method: 'GET', url: '/api/v1/mall/shipments', headers: { authorization: `Bearer ${ops}` } })).statusCode, 403);
  });

  test('a return needs an Idempotency-Key and a reason; the same key is the same return, another request under it is refused', async () => {
    const c = await customer();
    const s = await shipped(c.id);
    await post(event(s.trackingNo, 'delivered', '2026-11-15T02:00:00Z'));
    assert.equal((await askReturn(c.token, s.id, { reason: '不想要了' }, null)).json().code, 'IDEMPOTENCY_KEY_REQUIRED');
    assert.equal((await askReturn(c.token, s.id, { reason: '  ' })).statusCode, 400);
    assert.equal((await askReturn(c.token, s.id, { reason: '不想要了', lines: [{ skuId: 1, quantity: 0 }] })).statusCode, 400);
    assert.equal((await env.s.delivery.returnsOf(s.id)).length, 0);
    const first = await askReturn(c.token, s.id, { reason: '不想要了' }, 'return-key-0001');
    assert.equal(first.statusCode, 201);
    const again = await askReturn(c.token, s.id, { reason: '不想要了' }, 'return-key-0001');
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.json().id);
    assert.equal((await askReturn(c.token, s.id, { reason: '坏了' }, 'return-key-0001')).json().code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await askReturn(c.token, s.id, { reason: '坏了' })).json().code, 'RETURN_ALREADY_OPEN');
    assert.equal((await env.s.delivery.returnsOf(s.id)).length, 1);
  });

  test('a return approved, received and refunded through the payment; a rejected one may be asked for again; each staff step audited', async () => {
    const c = await customer(50_000);
    const s = await shipped(c.id, { totalFen: 6_800 });
    await post(event(s.trackingNo, 'delivered', '2026-11-15T02:00:00Z'));
    const asked = (await askReturn(c.token, s.id, { reason: '尺寸不合适' })).json();
    // Out of order, or by someone without the ops role: refused.
    assert.equal((await console_('POST', `/returns/${asked.id}/received`, ops)).json().code, 'RETURN_NOT_IN_STATE');
    assert.equal((await console_('POST', `/returns/${asked.id}/approve`, agent)).statusCode, 403);
    const rejected = await console_('POST', `/returns/${asked.id}/reject`, ops, { reason: '商品已拆封使用' });
    assert.equal(rejected.json().state, 'rejected');
    assert.equal(rejected.json().rejectReason, '商品已拆封使用');
    const second = (await askReturn(c.token, s.id, { reason: '尺寸不合适，已重新包装' })).json();
    assert.equal(second.state, 'requested');
    const queue = (await console_('GET', '/returns?state=requested', agent)).json().items;
    assert.equal(queue.some((x: { id: number }) => x.id === second.id), true);
    assert.equal((await console_('POST', `/returns/${second.id}/approve`, ops)).json().state, 'approved');
    assert.equal(returned.get(s.ref), undefined);
    const done = await console_('POST', `/returns/${second.id}/received`, ops2);
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().state, 'refunded');
    assert.equal(done.json().refundFen, 6_800);
    assert.equal(returned.get(s.ref), 1);
    assert.equal((await row(s.id)).state, 'returned');
    assert.equal((await env.s.payments.get(s.paymentId)).state, 'refunded');
    assert.deepEqual(await balanceAndLedger(env.db, c.id), { balanceFen: 50_000, ledgerFen: 50_000 });
    const audit = await env.db.selectFrom('auditEntry').select('action').where('entityType', '=', 'return_request').where('entityId', 'in', [String(asked.id), String(second.id)]).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['delivery.return.reject', 'delivery.return.approve', 'delivery.return.received', 'delivery.return.refund']);
    const view = (await env.app.inject({ method: 'GET', url: `/api/v1/mall/shipments/${s.id}`, headers: { authorization: `Bearer ${c.token}` } })).json();
    assert.equal(view.state, 'returned');
    assert.deepEqual(view.returns.map((r: { state: string }) => r.state), ['rejected', 'refunded']);
    assert.equal(view.timeline.at(-1).note['zh-CN'], '退款已办理：68.00元');
  });

  test('a refund that fails leaves the return received, and staff run it again once', async () => {
    const c = await customer(50_000);
    const s = await shipped(c.id, { totalFen: 1_500 });
    await post(event(s.trackingNo, 'delivered', '2026-11-15T02:00:00Z'));
    const asked = (await askReturn(c.token, s.id, { reason: '不想要了' })).json();
    await console_('POST', `/returns/${asked.id}/approve`, ops);
    failRefundOnce.add(s.ref);
    const received = await console_('POST', `/returns/${asked.id}/received`, ops);
    assert.equal(received.json().state, 'received');
    assert.equal(received.json().refundFen, 1_500);
    assert.equal((await balanceAndLedger(env.db, c.id)).balanceFen, 48_500);
    const retried = await console_('POST', `/returns/${asked.id}/refund`, ops);
    assert.equal(retried.json().state, 'refunded');
    assert.equal((await console_('POST', `/returns/${asked.id}/refund`, ops)).json().code, 'RETURN_NOT_IN_STATE');
    assert.equal((await balanceAndLedger(env.db, c.id)).balanceFen, 50_000);
    assert.equal(returned.get(s.ref), 1);
  });
});

describe('on PostgreSQL', () => {
  test('the same carrier event five times at once moves the shipment once and calls delivered once', { skip: process.env.DATABASE_URL ? false : 'PGlite runs one transaction at a time: concurrency is proven on PostgreSQL' }, async () => {
    const c = await customer();
    const s = await shipped(c.id);
    const e = event(s.trackingNo, 'delivered', '2026-11-15T05:00:00Z');
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(e)));
    assert.deepEqual(answers.map((r) => r.statusCode), [200, 200, 200, 200, 200]);
    assert.deepEqual(answers.map((r) => r.json().outcome).sort(), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'moved']);
    assert.equal(delivered.get(s.ref), 1);
    assert.equal((await row(s.id)).state, 'delivered');
    const kept = await env.db.selectFrom('shipmentEvent').select('id').where('carrierEventId', '=', e.eventId).execute();
    assert.equal(kept.length, 1);
  });
});

describe('the seven-day window', () => {
  test('a return may be asked for until the end of the seventh Beijing day after signing, and not a moment after', async () => {
    const c = await customer();
    const [s1, s2] = [await shipped(c.id), await shipped(c.id)];
    assert.equal((await askReturn(c.token, s1.id, { reason: '不想要了' })).json().code, 'SHIPMENT_NOT_DELIVERED');
    // Signed at 10:00 Beijing time on 15 November: the window holds to 24:00 on the 22nd (16:00 UTC).
    for (const s of [s1, s2]) await post(event(s.trackingNo, 'delivered', '2026-11-15T02:00:00Z'));
    const view = (await env.app.inject({ method: 'GET', url: `/api/v1/mall/shipments/${s1.id}`, headers: { authorization: `Bearer ${c.token}` } })).json();
    assert.equal(view.returnUntil, '2026-11-22T16:00:00.000Z');
    // The test clock moves on (last in this file: sign-ins made before have lapsed by then).
    env.clock.set(new Date('2026-11-22T15:59:59.999Z'));
    const token = await signIn(env, c.msisdn);
    const inTime = await askReturn(token, s1.id, { reason: '颜色不喜欢' });
    assert.equal(inTime.statusCode, 201, inTime.body);
    assert.equal(inTime.json().state, 'requested');
    assert.equal(inTime.json().requestedAtLocal, '2026-11-22 23:59');
    env.clock.set(new Date('2026-11-22T16:00:00Z'));
    const late = await askReturn(token, s2.id, { reason: '颜色不喜欢' });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().code, 'RETURN_WINDOW_CLOSED');
    assert.match(late.json().detail, /七天/);
    assert.equal(late.json().returnUntil, '2026-11-22T16:00:00.000Z');
    assert.equal((await env.s.delivery.returnsOf(s2.id)).length, 0);
  });
});
