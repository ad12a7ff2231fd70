// Payments end to end over REST: the phone balance, points (over the balance: 400 with a stable
// code), cash on delivery, the sandbox gateway's page and its signed notification, idempotent
// creation, a notification counted once, forged and replayed ones refused with nothing credited,
// reconciliation by query when the notification never came, a late payment for an expired order
// refunded by itself, refunds returning points in proportion (a second person above the threshold),
// and the day's report against the gateway's ledger.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';
import type { Db } from '../src/platform/db/index.ts';
import type { Payment } from '../src/modules/payment/index.ts';
import { localDay } from '../src/platform/dates.ts';

let env: TestEnv;
/** The test shop's orders: what each costs, whose it is, and whether it has expired. */
const orders = new Map<string, { subscriberId: number; totalFen: number; gone?: boolean }>();
/** Each order's paid callbacks, counted: what must happen exactly once. */
const paidCalls = new Map<string, number>();

before(async () => {
  env = await startTestEnv();
  // The contract checkout will use: describe an order for REST, hear of it being paid in the same transaction.
  env.s.payments.register('shop-test:', {
    async describe(_q: Db, ref: string, subscriberId: number) {
      const o = orders.get(ref);
      return o && o.subscriberId === subscriberId ? { totalFen: o.totalFen, subject: `测试订单 ${ref}` } : undefined;
    },
    async paid(_q: Db, p: Payment) {
      paidCalls.set(p.orderRef, (paidCalls.get(p.orderRef) ?? 0) + 1);
      return orders.get(p.orderRef)?.gone ? 'gone' : 'ok';
    },
  });
});
after(async () => {
  await env.close();
});

let nextOrder = 0;
async function customer(n: { balanceFen?: number; points?: number } = {}) {
  const sub = await addSubscriber(env.db, { balanceFen: n.balanceFen ?? 10_000, points: n.points });
  return { ...sub, token: await signIn(env, sub.msisdn) };
}
function order(subscriberId: number, totalFen: number): string {
  const ref = `shop-test:${++nextOrder}`;
  orders.set(ref, { subscriberId, totalFen });
  return ref;
}
function pay(token: string, body: Record<string, unknown>, key: string | null = `k-${Math.random().toString(36).slice(2, 12)}`) {
  return env.app.inject({ method: 'POST', url: '/api/v1/payments', payload: body, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) } });
}
async function points(subscriberId: number): Promise<number> {
  const r = await env.db.selectFrom('pointsEntry').select((eb) => eb.fn.sum<number>('delta').as('t')).where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
  return Number(r.t ?? 0);
}
async function payment(id: string) {
  return env.db.selectFrom('payment').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
function notifyForm(form: Record<string, string>) {
  return env.app.inject({ method: 'POST', url: '/api/v1/payments/notify/sandbox', payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}
/** A sandbox payment made over REST, waiting on the gateway's page. */
async function sandboxPayment(totalFen: number, opts: { points?: number } = {}) {
  const c = await customer({ points: opts.points ? opts.points + 1000 : undefined });
  const ref = order(c.id, totalFen);
  const r = await pay(c.token, { orderRef: ref, method: 'sandbox', points: opts.points, confirm: true });
  assert.equal(r.statusCode, 201, r.body);
  const body = r.json();
  assert.equal(body.next.kind, 'redirect');
  const tradeNo = (body.next.url as string).split('/').pop()!;
  return { c, ref, id: body.payment.id as string, url: body.next.url as string, tradeNo };
}
async function tradeRow(tradeNo: string) {
  return env.db.selectFrom('sandboxTrade').selectAll().where('tradeNo', '=', tradeNo).executeTakeFirstOrThrow();
}

describe('paying from the phone balance', () => {
  test('needs a confirmation, charges once through the ledger, and a repeated key is the same payment', async () => {
    const c = await customer({ balanceFen: 10_000 });
    const ref = order(c.id, 2_500);
    const ask = await pay(c.token, { orderRef: ref, method: 'balance' });
    assert.equal(ask.statusCode, 409, ask.body);
    assert.equal(ask.json().code, 'CONFIRMATION_REQUIRED');
    assert.equal(ask.json().quote.amountFen, 2_500);
    assert.equal((await balanceAndLedger(env.db, c.id)).balanceFen, 10_000, 'nothing charged before confirming');

    const r = await pay(c.token, { orderRef: ref, method: 'balance', confirm: true }, 'balance-key-0001');
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().payment.state, 'paid');
    assert.equal(r.json().next.kind, 'paid');
    const again = await pay(c.token, { orderRef: ref, method: 'balance', confirm: true }, 'balance-key-0001');
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().replayed, true);
    assert.equal(again.json().payment.id, r.json().payment.id);
    assert.deepEqual(await balanceAndLedger(env.db, c.id), { balanceFen: 7_500, ledgerFen: 7_500 });
    assert.equal(paidCalls.get(ref), 1);

    const other = await pay(c.token, { orderRef: order(c.id, 100), method: 'balance', confirm: true }, 'balance-key-0001');
    assert.equal(other.statusCode, 422, other.body);
    assert.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
    const none = await pay(c.token, { orderRef: ref, method: 'balance', confirm: true }, null);
    assert.equal(none.json().code, 'IDEMPOTENCY_KEY_REQUIRED');
  });

  test('short of balance: refused, nothing written', async () => {
    const c = await customer({ balanceFen: 100 });
    const r = await pay(c.token, { orderRef: order(c.id, 2_500), method: 'balance', confirm: true });
    assert.equal(r.statusCode, 422, r.body);
    assert.equal(r.json().code, 'INSUFFICIENT_BALANCE');
    assert.equal((await env.db.selectFrom('payment').select('id').where('subscriberId', '=', c.id).execute()).length, 0);
  });

  test("someone else's order, an unknown order and a method that is not offered are refused", async () => {
    const a = await customer();
    const b = await customer();
    const ref = order(a.id, 1_000);
    assert.equal((await pay(b.token, { orderRef: ref, method: 'balance', confirm: true })).json().code, 'PAYMENT_ORDER_NOT_FOUND');
    assert.equal((await pay(a.token, { orderRef: 'shop-test:nope', method: 'balance', confirm: true })).json().code, 'PAYMENT_ORDER_NOT_FOUND');
    const alipay = await pay(a.token, { orderRef: ref, method: 'alipay', confirm: true });
    assert.equal(alipay.statusCode, 422, alipay.body);
    assert.equal(alipay.json().code, 'PAYMENT_METHOD_UNAVAILABLE');
    const mine = await pay(a.token, { orderRef: ref, method: 'balance', confirm: true });
    const peek = await env.app.inject({ method: 'GET', url: `/api/v1/payments/${mine.json().payment.id}`, headers: { authorization: `Bearer ${b.token}` } });
    assert.equal(peek.statusCode, 404);
  });
});

describe('points', () => {
  test('points over the balance: 400 POINTS_INSUFFICIENT, nothing spent or written', async () => {
    const c = await customer({ points: 300 });
    const r = await pay(c.token, { orderRef: order(c.id, 1_000), method: 'sandbox', points: 500, confirm: true });
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().code, 'POINTS_INSUFFICIENT');
    assert.ok(r.json().detail);
    assert.equal(await points(c.id), 300);
    assert.equal((await env.db.selectFrom('payment').select('id').where('subscriberId', '=', c.id).execute()).length, 0);
  });

  test('points worth more than the order, or not enough to pay it all alone: 400 PAYMENT_AMOUNT_INVALID', async () => {
    const c = await customer({ points: 5_000 });
    const ref = order(c.id, 1_000);
    assert.equal((await pay(c.token, { orderRef: ref, method: 'sandbox', points: 2_000, confirm: true })).json().code, 'PAYMENT_AMOUNT_INVALID');
    assert.equal((await pay(c.token, { orderRef: ref, method: 'points', points: 500, confirm: true })).json().code, 'PAYMENT_AMOUNT_INVALID');
    assert.equal(await points(c.id), 5_000);
  });

  test('points alone pay an order at 100 points a yuan', async () => {
    const c = await customer({ points: 5_000 });
    const ref = order(c.id, 1_200);
    const r = await pay(c.token, { orderRef: ref, method: 'points', points: 1_200, confirm: true });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().payment.state, 'paid');
    assert.equal(r.json().payment.pointsFen, 1_200);
    assert.equal(await points(c.id), 3_800);
    assert.equal(paidCalls.get(ref), 1);
  });
});

describe('cash on delivery', () => {
  test('pending until delivered, then paid once; staff settle it with the ops role, audited', async () => {
    const c = await customer();
    const ref = order(c.id, 3_000);
    const r = await pay(c.token, { orderRef: ref, method: 'cod', confirm: true });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().payment.state, 'pending');
    assert.equal(r.json().next.kind, 'pending');
    assert.equal(paidCalls.get(ref), undefined);
    const agent = await staffToken(env, ['marketing']);
    const refused = await env.app.inject({ method: 'POST', url: `/api/v1/console/payments/${r.json().payment.id}/delivered`, headers: { authorization: `Bearer ${agent}` } });
    assert.equal(refused.statusCode, 403);
    const ops = await staffToken(env, ['ops']);
    const done = await env.app.inject({ method: 'POST', url: `/api/v1/console/payments/${r.json().payment.id}/delivered`, headers: { authorization: `Bearer ${ops}` } });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().state, 'paid');
    const twice = await env.app.inject({ method: 'POST', url: `/api/v1/console/payments/${r.json().payment.id}/delivered`, headers: { authorization: `Bearer ${ops}` } });
    assert.equal(twice.json().code, 'PAYMENT_NOT_PAYABLE');
    assert.equal(paidCalls.get(ref), 1);
    const audit = await env.db.selectFrom('auditEntry').select('action').where('entityId', '=', r.json().payment.id).execute();
    assert.deepEqual(audit.map((a) => a.action), ['payment.cod.delivered']);
  });
});

describe('the sandbox gateway', () => {
  test('points for part, the page, 支付, and the signed notification credits the order once', async () => {
    const p = await sandboxPayment(10_000, { points: 2_000 });
    assert.equal(await points(p.c.id), 1_000, 'the points part is spent when the payment is made');
    const row = await payment(p.id);
    assert.equal(row.state, 'pending');
    assert.equal(row.amountFen, 8_000);
    const page = await env.app.inject({ method: 'GET', url: p.url });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /支付 Pay/);
    assert.match(page.body, /¥80\.00/);
    const paid = await env.app.inject({ method: 'POST', url: `${p.url}/pay` });
    assert.equal(paid.statusCode, 200, paid.body);
    assert.match(paid.body, /已支付/);
    await env.s.payments.sandbox!.idle();
    const after = await payment(p.id);
    assert.equal(after.state, 'paid');
    assert.equal(after.providerTradeNo, p.tradeNo);
    assert.equal(paidCalls.get(p.ref), 1);
    const seen = await env.app.inject({ method: 'GET', url: `/api/v1/payments/${p.id}`, headers: { authorization: `Bearer ${p.c.token}` } });
    assert.equal(seen.json().state, 'paid');
    // Pressing 支付 again takes nothing twice.
    const again = await env.app.inject({ method: 'POST', url: `${p.url}/pay` });
    assert.match(again.body, /未重复扣款/);
    await env.s.payments.sandbox!.idle();
    assert.equal(paidCalls.get(p.ref), 1);
  });

  test('取消 closes the payment and gives its points back', async () => {
    const p = await sandboxPayment(5_000, { points: 500 });
    assert.equal(await points(p.c.id), 1_000);
    await env.app.inject({ method: 'POST', url: `${p.url}/cancel` });
    await env.s.payments.sandbox!.idle();
    assert.equal((await payment(p.id)).state, 'closed');
    assert.equal(await points(p.c.id), 1_500);
    assert.equal(paidCalls.get(p.ref), undefined);
  });

  test('the same notification twice credits once; both are answered success', async () => {
    const p = await sandboxPayment(2_000);
    const gw = env.s.payments.sandbox!;
    await env.db.updateTable('sandboxTrade').set({ status: 'TRADE_SUCCESS', paidAt: env.clock.now() }).where('tradeNo', '=', p.tradeNo).execute();
    const form = gw.notification(await tradeRow(p.tradeNo));
    const first = await notifyForm(form);
    const second = await notifyForm(form);
    assert.equal(first.body, 'success');
    assert.equal(second.body, 'success');
    assert.equal(paidCalls.get(p.ref), 1);
    const outcomes = await env.db.selectFrom('paymentNotification').select('outcome').where('paymentId', '=', p.id).orderBy('id').execute();
    assert.deepEqual(outcomes.map((o) => o.outcome), ['credited', 'duplicate']);
  });

  test('a forged notification is refused with fail and nothing is credited', async () => {
    const p = await sandboxPayment(2_000);
    const gw = env.s.payments.sandbox!;
    const genuine = gw.notification({ ...(await tradeRow(p.tradeNo)), status: 'TRADE_SUCCESS' });
    const forgedSign = await notifyForm({ ...genuine, sign: Buffer.from('not the gateway').toString('base64') });
    assert.equal(forgedSign.body, 'fail');
    const forgedAmount = await notifyForm({ ...genuine, total_amount: '0.01' });
    assert.equal(forgedAmount.body, 'fail');
    const unsigned = await notifyForm({ out_trade_no: p.id, trade_no: p.tradeNo, trade_status: 'TRADE_SUCCESS', total_amount: '20.00' });
    assert.equal(unsigned.body, 'fail');
    assert.equal((await payment(p.id)).state, 'pending');
    assert.equal(paidCalls.get(p.ref), undefined);
    const kept = await env.db.selectFrom('paymentNotification').select(['verified', 'outcome']).where('tradeNo', '=', p.tradeNo).orderBy('id').execute();
    assert.deepEqual(kept.map((k) => k.outcome), ['refused:bad_signature', 'refused:bad_signature', 'refused:unsigned']);
    assert.ok(kept.every((k) => !k.verified));
  });

  test('a replayed notification (signed, but from outside the retry window) is refused and nothing is credited', async () => {
    const p = await sandboxPayment(2_000);
    const gw = env.s.payments.sandbox!;
    const old = new Date(env.clock.now().getTime() - 2 * 24 * 3600_000);
    const replay = gw.notification({ ...(await tradeRow(p.tradeNo)), status: 'TRADE_SUCCESS' }, old);
    const r = await notifyForm(replay);
    assert.equal(r.body, 'fail');
    assert.equal((await payment(p.id)).state, 'pending');
    assert.equal(paidCalls.get(p.ref), undefined);
    const n = await env.db.selectFrom('paymentNotification').select('outcome').where('paymentId', '=', p.id).executeTakeFirstOrThrow();
    assert.equal(n.outcome, 'refused:replayed');
  });

  test('a notification that never arrives: the reconciliation query settles the payment once', async () => {
    const p = await sandboxPayment(3_000);
    // The subscriber paid at the gateway; its notification was lost on the way.
    await env.db.updateTable('sandboxTrade').set({ status: 'TRADE_SUCCESS', paidAt: env.clock.now() }).where('tradeNo', '=', p.tradeNo).execute();
    const early = await env.s.payments.reconcile();
    assert.equal((await payment(p.id)).state, 'pending', 'not asked after before the reconcile delay');
    assert.equal(early.settled, 0);
    env.clock.advance(16 * 60_000);
    const r = await env.s.payments.reconcile();
    assert.equal(r.settled, 1);
    assert.equal((await payment(p.id)).state, 'paid');
    assert.equal(paidCalls.get(p.ref), 1);
    // The notification arriving late after all credits nothing more.
    const late = await notifyForm(env.s.payments.sandbox!.notification(await tradeRow(p.tradeNo)));
    assert.equal(late.body, 'success');
    assert.equal((await env.s.payments.reconcile()).settled, 0);
    assert.equal(paidCalls.get(p.ref), 1);
  });

  test('paid after the order expired: refunded automatically, points and money', async () => {
    const p = await sandboxPayment(6_000, { points: 1_000 });
    orders.get(p.ref)!.gone = true;
    await env.app.inject({ method: 'POST', url: `${p.url}/pay` });
    await env.s.payments.sandbox!.idle();
    const row = await payment(p.id);
    assert.equal(row.state, 'refunded');
    assert.equal(row.refundedFen, 5_000);
    assert.equal(row.refundedPoints, 1_000);
    assert.equal((await tradeRow(p.tradeNo)).refundedFen, 5_000, 'the gateway paid the money back');
    assert.equal(await points(p.c.id), 2_000);
    const n = await env.db.selectFrom('paymentNotification').select('outcome').where('paymentId', '=', p.id).executeTakeFirstOrThrow();
    assert.equal(n.outcome, 'refunded_late');
  });
});

describe('refunds from the console', () => {
  async function paidSandbox(totalFen: number, pts: number) {
    const p = await sandboxPayment(totalFen, { points: pts });
    await env.app.inject({ method: 'POST', url: `${p.url}/pay` });
    await env.s.payments.sandbox!.idle();
    assert.equal((await payment(p.id)).state, 'paid');
    return p;
  }
  const refund = (token: string, id: string, body: Record<string, unknown>) =>
    env.app.inject({ method: 'POST', url: `/api/v1/console/payments/${id}/refunds`, payload: body, headers: { authorization: `Bearer ${token}` } });

  test('a partial refund returns points in proportion, the last one the rest; never more than paid', async () => {
    const p = await paidSandbox(10_000, 2_000); // 2,000 points (¥20) and ¥80 by the gateway
    const ops = await staffToken(env, ['ops']);
    const first = await refund(ops, p.id, { amountFen: 2_000, reason: '部分退货' });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().state, 'succeeded');
    assert.equal(first.json().points, 500);
    let row = await payment(p.id);
    assert.equal(row.state, 'partially_refunded');
    assert.equal(await points(p.c.id), 1_500);
    const over = await refund(ops, p.id, { amountFen: 7_000, reason: '太多' });
    assert.equal(over.statusCode, 400);
    assert.equal(over.json().code, 'REFUND_EXCEEDS_PAID');
    const rest = await refund(ops, p.id, { reason: '全部退货' });
    assert.equal(rest.statusCode, 201, rest.body);
    assert.equal(rest.json().amountFen, 6_000);
    assert.equal(rest.json().points, 1_500);
    row = await payment(p.id);
    assert.equal(row.state, 'refunded');
    assert.equal(row.refundedFen, 8_000);
    assert.equal(row.refundedPoints, 2_000);
    assert.equal(await points(p.c.id), 3_000);
    assert.equal((await tradeRow(p.tradeNo)).refundedFen, 8_000);
    const audit = await env.db.selectFrom('auditEntry').select('action').where('entityId', '=', p.id).execute();
    assert.equal(audit.filter((a) => a.action === 'payment.refund.request').length, 2);
  });

  test('a balance payment refunded goes back to the account through the ledger', async () => {
    const c = await customer({ balanceFen: 10_000 });
    const r = await pay(c.token, { orderRef: order(c.id, 4_000), method: 'balance', confirm: true });
    const ops = await staffToken(env, ['ops']);
    const back = await refund(ops, r.json().payment.id, { amountFen: 1_500, reason: '差价' });
    assert.equal(back.statusCode, 201, back.body);
    assert.deepEqual(await balanceAndLedger(env.db, c.id), { balanceFen: 7_500, ledgerFen: 7_500 });
  });

  test('above the threshold a second person approves; the asker cannot; other roles cannot refund', async () => {
    const p = await paidSandbox(80_000, 0);
    const marketing = await staffToken(env, ['marketing']);
    assert.equal((await refund(marketing, p.id, { reason: 'x' })).statusCode, 403);
    const asker = await staffToken(env, ['ops']);
    const asked = await refund(asker, p.id, { reason: '客户投诉' });
    assert.equal(asked.statusCode, 201, asked.body);
    assert.equal(asked.json().state, 'awaiting_approval');
    assert.equal((await payment(p.id)).state, 'paid', 'nothing refunded before approval');
    const review = (token: string, body: Record<string, unknown>) => env.app.inject({ method: 'POST', url: `/api/v1/console/payments/refunds/${asked.json().id}/review`, payload: body, headers: { authorization: `Bearer ${token}` } });
    const self = await review(asker, { approve: true });
    assert.equal(self.statusCode, 409);
    assert.equal(self.json().code, 'REFUND_SELF_REVIEW');
    const second = await staffToken(env, ['ops']);
    const ok = await review(second, { approve: true });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().state, 'succeeded');
    assert.equal((await payment(p.id)).state, 'refunded');
    assert.equal((await review(second, { approve: true })).json().code, 'REVIEW_NOT_PENDING');
    const detail = await env.app.inject({ method: 'GET', url: `/api/v1/console/payments/${p.id}`, headers: { authorization: `Bearer ${second}` } });
    assert.equal(detail.statusCode, 200, detail.body);
    assert.equal(detail.json().refunds.length, 1);
    assert.equal(detail.json().notifications[0].outcome, 'credited');
    const audit = await env.db.selectFrom('auditEntry').select('action').where('entityId', '=', p.id).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['payment.refund.request', 'payment.refund.approve']);
  });
});

describe('the reconciliation report', () => {
  test("a day's sandbox payments against the gateway's ledger: matched, missing on either side, amounts that differ", async () => {
    // The day of this test's clock, alone: earlier tests' payments were made hours before.
    env.clock.advance(24 * 3600_000);
    const day = localDay(env.clock.now());
    const matched = await sandboxPayment(1_000);
    await env.app.inject({ method: 'POST', url: `${matched.url}/pay` });
    const lost = await sandboxPayment(2_000); // paid at the gateway, its notification lost
    await env.db.updateTable('sandboxTrade').set({ status: 'TRADE_SUCCESS' }).where('tradeNo', '=', lost.tradeNo).execute();
    const differs = await sandboxPayment(3_000);
    await env.app.inject({ method: 'POST', url: `${differs.url}/pay` });
    await env.s.payments.sandbox!.idle();
    await env.db.updateTable('sandboxTrade').set({ amountFen: 2_999 }).where('tradeNo', '=', differs.tradeNo).execute();
    const vanished = await sandboxPayment(4_000);
    await env.app.inject({ method: 'POST', url: `${vanished.url}/pay` });
    await env.s.payments.sandbox!.idle();
    await env.db.updateTable('sandboxTrade').set({ status: 'WAIT_BUYER_PAY' }).where('tradeNo', '=', vanished.tradeNo).execute();

    const ops = await staffToken(env, ['ops']);
    const r = await env.app.inject({ method: 'GET', url: `/api/v1/console/payments/reconciliation?day=${day}&method=sandbox`, headers: { authorization: `Bearer ${ops}` } });
    assert.equal(r.statusCode, 200, r.body);
    const rep = r.json();
    assert.equal(rep.matched, 1);
    assert.equal(rep.matchedFen, 1_000);
    assert.deepEqual(rep.missingOnOurs.map((l: { paymentId: string }) => l.paymentId), [lost.id]);
    assert.deepEqual(rep.amountMismatches.map((l: { paymentId: string; theirsFen: number }) => [l.paymentId, l.theirsFen]), [[differs.id, 2_999]]);
    assert.deepEqual(rep.missingOnTheirs.map((l: { paymentId: string }) => l.paymentId), [vanished.id]);
    const bad = await env.app.inject({ method: 'GET', url: `/api/v1/console/payments/reconciliation?day=2026-13-45x&method=sandbox`, headers: { authorization: `Bearer ${ops}` } });
    assert.equal(bad.statusCode, 400);
  });
});
