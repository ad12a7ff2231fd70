// Recharge paid online, as the web hall, mobile hall and kiosk do it: choose a method, confirm,
// pay on the provider's page, and the balance is credited through the core's ledger when the
// verified notification arrives: once, however often it comes; on PostgreSQL two identical
// notifications arriving at the same moment credit once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

function recharge(token: string, body: Record<string, unknown>, key: string | null = `rc-${Math.random().toString(36).slice(2, 12)}`) {
  return env.app.inject({ method: 'POST', url: '/api/v1/recharges', payload: body, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) } });
}
function notify(form: Record<string, string>) {
  return env.app.inject({ method: 'POST', url: '/api/v1/payments/notify/sandbox', payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}
async function started(balanceFen = 1_000, amountFen = 5_000) {
  const sub = await addSubscriber(env.db, { balanceFen });
  const token = await signIn(env, sub.msisdn);
  const r = await recharge(token, { amountFen, method: 'sandbox', confirm: true });
  assert.equal(r.statusCode, 201, r.body);
  const url = r.json().next.url as string;
  return { sub, token, id: r.json().payment.id as string, url, tradeNo: url.split('/').pop()! };
}

describe('recharge paid online', () => {
  test('confirm, pay on the sandbox page: the balance is credited once the verified notification arrives', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 1_000 });
    const token = await signIn(env, sub.msisdn);
    const ask = await recharge(token, { amountFen: 5_000, method: 'sandbox' });
    assert.equal(ask.statusCode, 409, ask.body);
    assert.equal(ask.json().code, 'CONFIRMATION_REQUIRED');
    assert.match(ask.json().detail, /充值50\.00元/);
    const r = await recharge(token, { amountFen: 5_000, method: 'sandbox', confirm: true }, 'recharge-key-01');
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().payment.state, 'pending');
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 1_000, ledgerFen: 1_000 }, 'nothing credited before it is paid');
    const again = await recharge(token, { amountFen: 5_000, method: 'sandbox', confirm: true }, 'recharge-key-01');
    assert.equal(again.json().replayed, true);
    assert.equal(again.json().next.url, r.json().next.url);

    await env.app.inject({ method: 'POST', url: `${r.json().next.url}/pay` });
    await env.s.payments.sandbox!.idle();
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 6_000, ledgerFen: 6_000 });
    const entry = await env.db.selectFrom('ledgerEntry').innerJoin('account', 'account.id', 'ledgerEntry.accountId')
      .select(['ledgerEntry.kind', 'ledgerEntry.reference', 'ledgerEntry.amountFen']).where('account.subscriberId', '=', sub.id).where('ledgerEntry.kind', '=', 'recharge').execute();
    assert.deepEqual(entry, [{ kind: 'recharge', reference: `payment:${r.json().payment.id}`, amountFen: 5_000 }]);
    const seen = await env.app.inject({ method: 'GET', url: `/api/v1/payments/${r.json().payment.id}`, headers: { authorization: `Bearer ${token}` } });
    assert.equal(seen.json().state, 'paid');
  });

  test('online banking (the test gateway under its own name) recharges the same way', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 0 });
    const token = await signIn(env, sub.msisdn);
    const r = await recharge(token, { amountFen: 10_000, method: 'bank', confirm: true });
    assert.equal(r.statusCode, 201, r.body);
    const page = await env.app.inject({ method: 'GET', url: r.json().next.url });
    assert.match(page.body, /网银支付/);
    await env.app.inject({ method: 'POST', url: `${r.json().next.url}/pay` });
    await env.s.payments.bank!.idle();
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 10_000, ledgerFen: 10_000 });
  });

  test('a refund of a paid recharge takes the credit back off the balance; one already spent is refused and moves nothing', async () => {
    const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops-rc', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
    const kept = await started(1_000, 5_000);
    await env.app.inject({ method: 'POST', url: `${kept.url}/pay` });
    await env.s.payments.sandbox!.idle();
    assert.deepEqual(await balanceAndLedger(env.db, kept.sub.id), { balanceFen: 6_000, ledgerFen: 6_000 });
    const back = await env.s.payments.refund(ops, kept.id, { amountFen: 2_000, reason: '误充' });
    assert.equal(back.state, 'succeeded');
    assert.deepEqual(await balanceAndLedger(env.db, kept.sub.id), { balanceFen: 4_000, ledgerFen: 4_000 }, 'the refunded part is off the balance');
    assert.equal((await env.s.payments.get(kept.id)).state, 'partially_refunded');

    const spent = await started(0, 5_000);
    await env.app.inject({ method: 'POST', url: `${spent.url}/pay` });
    await env.s.payments.sandbox!.idle();
    await env.db.updateTable('account').set({ balanceFen: 1_000 }).where('subscriberId', '=', spent.sub.id).execute();
    const refused = await env.s.payments.refund(ops, spent.id, { reason: '误充' });
    assert.deepEqual([refused.state, refused.providerRefundNo], ['failed', 'INSUFFICIENT_BALANCE']);
    assert.equal((await env.s.payments.get(spent.id)).state, 'paid', 'nothing went back to the payer');
    const account = await env.db.selectFrom('account').select('balanceFen').where('subscriberId', '=', spent.sub.id).executeTakeFirstOrThrow();
    assert.equal(account.balanceFen, 1_000, 'the balance is as it was');
  });

  test('the same notification again credits nothing more', async () => {
    const p = await started();
    await env.app.inject({ method: 'POST', url: `${p.url}/pay` });
    await env.s.payments.sandbox!.idle();
    const t = await env.db.selectFrom('sandboxTrade').selectAll().where('tradeNo', '=', p.tradeNo).executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) assert.equal((await notify(env.s.payments.sandbox!.notification(t))).body, 'success');
    assert.deepEqual(await balanceAndLedger(env.db, p.sub.id), { balanceFen: 6_000, ledgerFen: 6_000 });
  });

  test('a forged notification credits nothing', async () => {
    const p = await started();
    const t = await env.db.selectFrom('sandboxTrade').selectAll().where('tradeNo', '=', p.tradeNo).executeTakeFirstOrThrow();
    const genuine = env.s.payments.sandbox!.notification({ ...t, status: 'TRADE_SUCCESS' });
    assert.equal((await notify({ ...genuine, sign: genuine.sign!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) })).body, 'fail');
    assert.deepEqual(await balanceAndLedger(env.db, p.sub.id), { balanceFen: 1_000, ledgerFen: 1_000 });
  });

  test('bad input is refused and starts nothing: an amount out of range, fractions of a fen, no key, a method not for recharge', async () => {
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    assert.equal((await recharge(token, { amountFen: 50, method: 'sandbox', confirm: true })).statusCode, 400);
    assert.equal((await recharge(token, { amountFen: 100.5, method: 'sandbox', confirm: true })).statusCode, 400);
    assert.equal((await recharge(token, { amountFen: 5_000, method: 'balance', confirm: true })).statusCode, 400);
    const noKey = await recharge(token, { amountFen: 5_000, method: 'sandbox', confirm: true }, null);
    assert.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED');
    assert.equal((await recharge(token, { amountFen: 5_000, method: 'alipay', confirm: true })).json().code, 'PAYMENT_METHOD_UNAVAILABLE');
    assert.equal((await env.db.selectFrom('payment').select('id').where('subscriberId', '=', sub.id).execute()).length, 0);
    assert.equal((await env.app.inject({ method: 'POST', url: '/api/v1/recharges', payload: { amountFen: 5_000, method: 'sandbox', confirm: true }, headers: { 'idempotency-key': 'no-token-123' } })).statusCode, 401);
  });

  test('on PostgreSQL, two identical notifications at the same moment credit once', { skip: process.env.DATABASE_URL ? false : 'needs PostgreSQL: PGlite runs one statement at a time, so nothing arrives at the same moment' }, async () => {
    for (let round = 0; round < 5; round++) {
      const p = await started(1_000, 2_000);
      await env.db.updateTable('sandboxTrade').set({ status: 'TRADE_SUCCESS', paidAt: env.clock.now() }).where('tradeNo', '=', p.tradeNo).execute();
      const t = await env.db.selectFrom('sandboxTrade').selectAll().where('tradeNo', '=', p.tradeNo).executeTakeFirstOrThrow();
      const form = env.s.payments.sandbox!.notification(t);
      const answers = await Promise.all([notify(form), notify(form), notify(form)]);
      assert.deepEqual(answers.map((a) => a.body), ['success', 'success', 'success']);
      assert.deepEqual(await balanceAndLedger(env.db, p.sub.id), { balanceFen: 3_000, ledgerFen: 3_000 });
      const outcomes = (await env.db.selectFrom('paymentNotification').select('outcome').where('paymentId', '=', p.id).execute()).map((o) => o.outcome).sort();
      assert.deepEqual(outcomes, ['credited', 'duplicate', 'duplicate']);
    }
  });

  test('on PostgreSQL, the reconciliation job on two nodes at once credits a lost notification once', { skip: process.env.DATABASE_URL ? false : 'needs PostgreSQL: PGlite runs one statement at a time' }, async () => {
    const lost = [];
    for (let i = 0; i < 6; i++) {
      const p = await started(0, 1_000);
      await env.db.updateTable('sandboxTrade').set({ status: 'TRADE_SUCCESS', paidAt: env.clock.now() }).where('tradeNo', '=', p.tradeNo).execute();
      lost.push(p);
    }
    env.clock.advance(16 * 60_000);
    const runs = await Promise.all([env.s.payments.reconcile(), env.s.payments.reconcile()]);
    assert.equal(runs[0]!.settled + runs[1]!.settled, 6);
    for (const p of lost) assert.deepEqual(await balanceAndLedger(env.db, p.sub.id), { balanceFen: 1_000, ledgerFen: 1_000 });
  });
});
