// Alipay through Alipay's own SDK (alipay-sdk) against a local gateway that signs like the real one
// (test/fixtures/alipay-gateway.ts, RSA2 keys made at start): the page-pay link the gateway accepts
// (and refuses when tampered with), the asynchronous notification over HTTP verified with Alipay's
// public key and counted once, a forged one refused, alipay.trade.query settling a payment whose
// notification was lost, alipay.trade.refund (partial, then the rest), and the day's report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { addSubscriber, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';
import { AlipayGateway, rsaKeys } from './fixtures/alipay-gateway.ts';
import type { Db } from '../src/platform/db/index.ts';
import type { Payment } from '../src/modules/payment/index.ts';
import { localDay } from '../src/platform/dates.ts';

let env: TestEnv;
let gw: AlipayGateway;
const orders = new Map<string, { subscriberId: number; totalFen: number }>();
const paidCalls = new Map<string, number>();

/** A port free now, for our app to listen on and the gateway to notify. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((done) => srv.listen(0, '127.0.0.1', done));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((done) => srv.close(() => done()));
  return port;
}

before(async () => {
  gw = await new AlipayGateway().start();
  const port = await freePort();
  env = await startTestEnv({
    payment: { alipay: { appId: gw.appId, privateKey: gw.app.privateKey, alipayPublicKey: gw.alipay.publicKey, gateway: gw.url, notifyUrl: `http://127.0.0.1:${port}/api/v1/payments/notify/alipay` } },
  });
  await env.app.listen({ port, host: '127.0.0.1' });
  env.s.payments.register('alipay-test:', {
    async describe(_q: Db, ref: string, subscriberId: number) {
      const o = orders.get(ref);
      return o && o.subscriberId === subscriberId ? { totalFen: o.totalFen, subject: `测试订单 ${ref}` } : undefined;
    },
    async paid(_q: Db, p: Payment) {
      paidCalls.set(p.orderRef, (paidCalls.get(p.orderRef) ?? 0) + 1);
      return 'ok';
    },
  });
});
after(async () => {
  await gw.stop();
  await env.close();
});

let n = 0;
async function alipayPayment(totalFen: number) {
  const sub = await addSubscriber(env.db);
  const token = await signIn(env, sub.msisdn);
  const ref = `alipay-test:${++n}`;
  orders.set(ref, { subscriberId: sub.id, totalFen });
  const r = await env.app.inject({ method: 'POST', url: '/api/v1/payments', payload: { orderRef: ref, method: 'alipay', confirm: true }, headers: { authorization: `Bearer ${token}`, 'idempotency-key': `alipay-${n}-${Date.now()}` } });
  assert.equal(r.statusCode, 201, r.body);
  return { ref, id: r.json().payment.id as string, url: r.json().next.url as string, token };
}
const state = async (id: string) => (await env.db.selectFrom('payment').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

describe('Alipay page pay', () => {
  test('the link is signed for the gateway (a tampered one is refused) and carries the amount and notify URL', async () => {
    const p = await alipayPayment(12_345);
    assert.ok(p.url.startsWith(gw.url), p.url);
    const link = new URL(p.url);
    assert.equal(link.searchParams.get('method'), 'alipay.trade.page.pay');
    assert.equal(link.searchParams.get('sign_type'), 'RSA2');
    assert.equal(JSON.parse(link.searchParams.get('biz_content')!).total_amount, '123.45');
    const page = await fetch(p.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /¥123\.45/);
    const tampered = new URL(p.url);
    tampered.searchParams.set('biz_content', link.searchParams.get('biz_content')!.replace('123.45', '0.01'));
    assert.equal((await fetch(tampered)).status, 400);
    assert.equal(gw.trades.get(p.id)!.totalAmount, '123.45');
  });
});

describe('Alipay notifications', () => {
  test('paid: the RSA2-signed notification arrives over HTTP, is answered success and credits once; sent again, credits nothing more', async () => {
    const p = await alipayPayment(5_000);
    await fetch(p.url);
    const t = gw.pay(p.id, env.clock.now());
    await gw.idle();
    assert.deepEqual(gw.notifyAnswers.slice(-1), ['success']);
    const row = await state(p.id);
    assert.equal(row.state, 'paid');
    assert.equal(row.providerTradeNo, t.tradeNo);
    assert.equal(paidCalls.get(p.ref), 1);
    assert.equal(await gw.send(gw.notification(t, env.clock.now()), t.notifyUrl), 'success');
    assert.equal(paidCalls.get(p.ref), 1);
  });

  test('forged (signed with another key, or altered after signing): fail, nothing credited', async () => {
    const p = await alipayPayment(7_000);
    await fetch(p.url);
    const t = gw.trades.get(p.id)!;
    t.status = 'TRADE_SUCCESS';
    const forged = gw.notification(t, env.clock.now(), rsaKeys().privateKey);
    assert.equal(await gw.send(forged, t.notifyUrl), 'fail');
    const altered = { ...gw.notification({ ...t, totalAmount: '0.01' }, env.clock.now()), total_amount: '70.00' };
    assert.equal(await gw.send(altered, t.notifyUrl), 'fail');
    assert.equal((await state(p.id)).state, 'pending');
    assert.equal(paidCalls.get(p.ref), undefined);
  });
});

describe('Alipay query and refund', () => {
  test('a lost notification: alipay.trade.query (its answer\'s signature checked) settles the payment', async () => {
    const p = await alipayPayment(9_900);
    await fetch(p.url);
    gw.pay(p.id, env.clock.now(), { notify: false });
    env.clock.advance(16 * 60_000);
    const r = await env.s.payments.reconcile();
    assert.ok(r.settled >= 1);
    assert.equal((await state(p.id)).state, 'paid');
    assert.equal(paidCalls.get(p.ref), 1);
  });

  test('a payment Alipay never saw, once expired, is closed by the query', async () => {
    const p = await alipayPayment(1_000); // the subscriber never opened the link
    env.clock.advance(31 * 60_000);
    await env.s.payments.reconcile();
    assert.equal((await state(p.id)).state, 'closed');
  });

  test('refunds through alipay.trade.refund: part, then the rest; the gateway agrees', async () => {
    const p = await alipayPayment(20_000);
    await fetch(p.url);
    gw.pay(p.id, env.clock.now());
    await gw.idle();
    const ops = await staffToken(env, ['ops']);
    const refund = (body: Record<string, unknown>) => env.app.inject({ method: 'POST', url: `/api/v1/console/payments/${p.id}/refunds`, payload: body, headers: { authorization: `Bearer ${ops}` } });
    const part = await refund({ amountFen: 5_000, reason: '部分退款' });
    assert.equal(part.statusCode, 201, part.body);
    assert.equal(part.json().state, 'succeeded');
    assert.equal(gw.trades.get(p.id)!.refundedFen, 5_000);
    const rest = await refund({ reason: '全部退款' });
    assert.equal(rest.json().amountFen, 15_000);
    assert.equal(gw.trades.get(p.id)!.refundedFen, 20_000);
    assert.equal((await state(p.id)).state, 'refunded');
  });

  test("the day's report for Alipay from its query answers", async () => {
    env.clock.advance(24 * 3600_000);
    const day = localDay(env.clock.now());
    const ok = await alipayPayment(3_000);
    await fetch(ok.url);
    gw.pay(ok.id, env.clock.now());
    await gw.idle();
    const lost = await alipayPayment(4_000);
    await fetch(lost.url);
    gw.pay(lost.id, env.clock.now(), { notify: false });
    const ops = await staffToken(env, ['ops']);
    const r = await env.app.inject({ method: 'GET', url: `/api/v1/console/payments/reconciliation?day=${day}&method=alipay`, headers: { authorization: `Bearer ${ops}` } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().matched, 1);
    assert.deepEqual(r.json().missingOnOurs.map((l: { paymentId: string }) => l.paymentId), [lost.id]);
    assert.equal(r.json().missingOnTheirs.length, 0);
    assert.equal(gw.refusedSignatures.filter((m) => m !== 'alipay.trade.page.pay').length, 0, 'every SDK request was signed right');
  });
});
