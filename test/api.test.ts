// The REST contract of the business core: sign-in, businesses, confirmation, idempotency,
// isolation between subscribers, and clear answers to bad input that change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, callBusiness, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

/** A data pack this subscriber may order on the API channel, cheapest first. */
async function orderablePack(token: string): Promise<{ id: string; code: string; priceFen: number }> {
  const r = await callBusiness(env, token, 'packs.list');
  assert.equal(r.statusCode, 200, r.body);
  const pack = r.json().result.packs.find((p: { kind: string; priceFen: number }) => p.kind === 'data_pack' && p.priceFen > 0);
  assert.ok(pack, 'the catalogue has an orderable data pack');
  return pack;
}

describe('sign-in', () => {
  test('a subscriber signs in with an SMS code and reads their balance', async () => {
    const { msisdn } = await addSubscriber(env.db, { balanceFen: 12_345 });
    const token = await signIn(env, msisdn);
    const r = await callBusiness(env, token, 'balance.query');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().result.balanceFen, 12_345);
    assert.equal(r.json().text.short['zh-CN'], '您的余额为123.45元');
    assert.equal(r.json().text.short.en, 'Your balance is ¥123.45');
  });

  test('a wrong code is refused, and after five wrong tries even the right one is', async () => {
    const { msisdn } = await addSubscriber(env.db);
    assert.equal((await env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn } })).statusCode, 202);
    const out = await env.app.inject({ method: 'GET', url: `/api/v1/demo/sms-outbox?msisdn=${msisdn}` });
    const code = out.json().messages[0].text.match(/(\d{6})/)[1] as string;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { msisdn, code: wrong } });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().code, i < 4 ? 'OTP_INVALID' : 'OTP_TOO_MANY_ATTEMPTS');
    }
    const right = await env.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { msisdn, code } });
    assert.equal(right.statusCode, 401);
    assert.equal(right.json().code, 'OTP_TOO_MANY_ATTEMPTS');
  });

  test('a code expires after five minutes', async () => {
    const { msisdn } = await addSubscriber(env.db);
    await env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn } });
    const out = await env.app.inject({ method: 'GET', url: `/api/v1/demo/sms-outbox?msisdn=${msisdn}` });
    const code = out.json().messages[0].text.match(/(\d{6})/)[1] as string;
    env.clock.advance(5 * 60_000 + 1);
    const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { msisdn, code } });
    assert.equal(r.json().code, 'OTP_INVALID');
  });

  test('at most one code a minute and five an hour per number', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const ask = () => env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn } });
    assert.equal((await ask()).statusCode, 202);
    const again = await ask();
    assert.equal(again.statusCode, 429);
    assert.equal(again.json().code, 'RATE_LIMITED');
    assert.ok(Number(again.headers['retry-after']) > 0);
    for (let i = 0; i < 4; i++) {
      env.clock.advance(61_000);
      assert.equal((await ask()).statusCode, 202);
    }
    env.clock.advance(61_000);
    const sixth = await ask();
    assert.equal(sixth.statusCode, 429);
    env.clock.advance(3600_000);
    assert.equal((await ask()).statusCode, 202);
  });

  test('a number is read as people type it: +86, spaces, full-width digits; letters are refused with a message', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const typed = `+86 ${msisdn.slice(0, 3)} ${msisdn.slice(3, 7)} ${msisdn.slice(7)}`.replace(/[0-9]/g, (d, i: number) => (i % 2 ? String.fromCharCode(d.charCodeAt(0) + 0xfee0) : d));
    assert.equal((await env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: typed } })).statusCode, 202);
    const out = await env.app.inject({ method: 'GET', url: `/api/v1/demo/sms-outbox?msisdn=${msisdn}` });
    assert.equal(out.json().messages.length, 1, 'the code went to the number meant');
    const bad = await env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: '138000000o1' }, headers: { 'accept-language': 'en' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /not a mainland mobile number/);
  });

  test('a number that is not a subscriber gets the answer a subscriber gets, and no text', async () => {
    const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: '19999999999' }, headers: { 'accept-language': 'en' } });
    assert.equal(r.statusCode, 202);
    assert.deepEqual(r.json(), {
      expiresInSeconds: 300, message: 'If this is an omnihall number, a code is on its way',
      messages: { 'zh-CN': '如果这是本网号码，验证码已发送', en: 'If this is an omnihall number, a code is on its way' },
    });
    const out = await env.app.inject({ method: 'GET', url: '/api/v1/demo/sms-outbox?msisdn=19999999999' });
    assert.equal(out.json().messages.length, 0);
  });

  test('staff sign in with a password; a wrong one is refused', async () => {
    const token = await staffToken(env, ['agent']);
    assert.ok(token.length > 20);
    const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username: 'nobody', password: 'x' } });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().code, 'BAD_CREDENTIALS');
  });
});

describe('businesses', () => {
  test('the registry lists every required business with its input JSON Schema', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/v1/businesses' });
    const list = r.json().businesses as { id: string; confirm: boolean; input: { type: string; properties?: Record<string, unknown> } }[];
    const ids = list.map((b) => b.id);
    for (const id of ['balance.query', 'usage.query', 'bill.query', 'subscriptions.query', 'points.query', 'packs.list', 'pack.subscribe', 'pack.unsubscribe', 'plan.change', 'recharge', 'points.redeem']) {
      assert.ok(ids.includes(id), `${id} is registered`);
    }
    const sub = list.find((b) => b.id === 'pack.subscribe')!;
    assert.equal(sub.confirm, true);
    assert.equal(sub.input.type, 'object');
    assert.ok(sub.input.properties?.packId);
    assert.equal(list.find((b) => b.id === 'recharge')!.confirm, true);
  });

  test('a pack needs a confirmed quote, is charged once, shows in subscriptions, and can be cancelled', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { balanceFen: 50_000 });
    const token = await signIn(env, msisdn);
    const pack = await orderablePack(token);

    const quote = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack.id } }, 'key-quote-0001');
    assert.equal(quote.statusCode, 409);
    assert.equal(quote.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(quote.json().code, 'CONFIRMATION_REQUIRED');
    assert.equal(quote.json().quote.priceFen, pack.priceFen);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 50_000, 'a quote changes nothing');

    const done = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack.id }, confirm: true }, 'key-order-0001');
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().result.balanceFen, 50_000 - pack.priceFen);
    const earned = Math.trunc(pack.priceFen / 100);
    assert.equal(done.json().result.pointsEarned, earned);
    const points = async () => (await callBusiness(env, token, 'points.query')).json().result.points as number;
    assert.equal(await points(), earned, 'one point per whole yuan, written with the order');

    const subs = await callBusiness(env, token, 'subscriptions.query');
    assert.ok(subs.json().result.subscriptions.some((s: { offeringId: string }) => s.offeringId === pack.id));

    const again = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack.id }, confirm: true }, 'key-order-0002');
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ALREADY_SUBSCRIBED');
    assert.equal(await points(), earned, 'a refused order earns nothing');
    assert.equal((await balanceAndLedger(env.db, id)).ledgerFen, 50_000 - pack.priceFen, 'and charges nothing');

    const cancel = await callBusiness(env, token, 'pack.unsubscribe', { input: { packId: pack.code } }, 'key-cancel-001');
    assert.equal(cancel.statusCode, 200, cancel.body);
    const after = await callBusiness(env, token, 'subscriptions.query');
    assert.ok(!after.json().result.subscriptions.some((s: { offeringId: string }) => s.offeringId === pack.id));
    const money = await balanceAndLedger(env.db, id);
    assert.equal(money.balanceFen, 50_000 - pack.priceFen);
    assert.equal(money.ledgerFen, money.balanceFen);
  });

  test('insufficient balance: a stable code and nothing changed', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { balanceFen: 1 });
    const token = await signIn(env, msisdn);
    const pack = await orderablePack(token);
    const r = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack.id }, confirm: true }, 'key-poor-00001');
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().code, 'INSUFFICIENT_BALANCE');
    const subs = await env.db.selectFrom('subscription').select('id').where('subscriberId', '=', id).execute();
    assert.equal(subs.length, 0);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 1);
  });

  test('a postpaid subscriber may spend into the credit limit, not beyond', async () => {
    const { msisdn } = await addSubscriber(env.db, { type: 'postpaid', balanceFen: 0, creditLimitFen: 1_000 });
    const token = await signIn(env, msisdn);
    const r = await callBusiness(env, token, 'packs.list');
    const packs = r.json().result.packs as { id: string; priceFen: number }[];
    const within = packs.find((p) => p.priceFen > 0 && p.priceFen <= 1_000);
    const beyond = packs.find((p) => p.priceFen > 1_000);
    if (within) {
      const ok = await callBusiness(env, token, 'pack.subscribe', { input: { packId: within.id }, confirm: true }, 'key-credit-001');
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().result.balanceFen, -within.priceFen);
    }
    assert.ok(beyond);
    const no = await callBusiness(env, token, 'pack.subscribe', { input: { packId: beyond.id }, confirm: true }, 'key-credit-002');
    assert.equal(no.json().code, 'INSUFFICIENT_BALANCE');
  });

  test('a suspended subscriber is not eligible to order', async () => {
    const { msisdn } = await addSubscriber(env.db, { status: 'suspended' });
    const token = await signIn(env, msisdn);
    const packs = await env.db.selectFrom('offering').select(['id', 'eligibility']).where('kind', '=', 'data_pack').where('lifecycleStatus', '=', 'Launched').execute();
    const pack = packs.find((p) => Object.keys(p.eligibility).length === 0)!.id;
    const r = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack }, confirm: true }, 'key-susp-00001');
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().code, 'LINE_SUSPENDED');
  });

  test('recharge confirms, then credits exactly once per Idempotency-Key', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { balanceFen: 0 });
    const token = await signIn(env, msisdn);
    const q = await callBusiness(env, token, 'recharge', { input: { amount: 5_000 } }, 'key-rc-quote-1');
    assert.equal(q.statusCode, 409);
    const a = await callBusiness(env, token, 'recharge', { input: { amount: 5_000 }, confirm: true }, 'key-rc-000001');
    const b = await callBusiness(env, token, 'recharge', { input: { amount: 5_000 }, confirm: true }, 'key-rc-000001');
    assert.equal(a.statusCode, 200);
    assert.equal(b.statusCode, 200);
    assert.deepEqual(b.json().result, a.json().result);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.deepEqual(await balanceAndLedger(env.db, id), { balanceFen: 5_000, ledgerFen: 5_000 });
    const reused = await callBusiness(env, token, 'recharge', { input: { amount: 6_000 }, confirm: true }, 'key-rc-000001');
    assert.equal(reused.statusCode, 422);
    assert.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED');
  });

  test('the same Idempotency-Key sent concurrently makes one change and the same answer', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { balanceFen: 0 });
    const token = await signIn(env, msisdn);
    const rs = await Promise.all(Array.from({ length: 8 }, () => callBusiness(env, token, 'recharge', { input: { amount: 1_000 }, confirm: true }, 'key-concurrent-1')));
    for (const r of rs) assert.equal(r.statusCode, 200, r.body);
    // The same answer for every copy (a replay comes from jsonb, which keeps its own key order).
    for (const r of rs) assert.deepEqual(r.json().result, rs[0]!.json().result);
    assert.deepEqual(await balanceAndLedger(env.db, id), { balanceFen: 1_000, ledgerFen: 1_000 });
  });

  test('the same order sent concurrently under one key subscribes and charges once, and every copy gets its answer', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { balanceFen: 100_000 });
    const token = await signIn(env, msisdn);
    const pack = await orderablePack(token);
    const rs = await Promise.all(Array.from({ length: 6 }, () => callBusiness(env, token, 'pack.subscribe', { input: { packId: pack.id }, confirm: true }, 'key-order-concurrent')));
    for (const r of rs) assert.equal(r.statusCode, 200, r.body);
    for (const r of rs) assert.deepEqual(r.json().result, rs[0]!.json().result);
    assert.equal(rs.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 5);
    const subs = await env.db.selectFrom('subscription').select('id').where('subscriberId', '=', id).execute();
    assert.equal(subs.length, 1);
    assert.deepEqual(await balanceAndLedger(env.db, id), { balanceFen: 100_000 - pack.priceFen, ledgerFen: 100_000 - pack.priceFen });
  });

  test('retries of different requests arriving together each get their own first answer', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { balanceFen: 0 });
    const token = await signIn(env, msisdn);
    const amounts = [100, 200, 300];
    const first = await Promise.all(amounts.map((amount, i) => callBusiness(env, token, 'recharge', { input: { amount }, confirm: true }, `key-batch-${id}-${i}`)));
    for (const r of first) assert.equal(r.statusCode, 200, r.body);
    // The same three again with a fourth, new one: the three are replayed, the fourth runs.
    const again = await Promise.all([...amounts, 400].map((amount, i) => callBusiness(env, token, 'recharge', { input: { amount }, confirm: true }, `key-batch-${id}-${i}`)));
    assert.deepEqual(again.map((r) => r.headers['idempotent-replayed'] === 'true'), [true, true, true, false]);
    again.slice(0, 3).forEach((r, i) => assert.deepEqual(r.json().result, first[i]!.json().result));
    assert.deepEqual(await balanceAndLedger(env.db, id), { balanceFen: 1_000, ledgerFen: 1_000 });
  });

  test('two different concurrent orders that together exceed the balance: at most one succeeds', async () => {
    const probe = await addSubscriber(env.db, { balanceFen: 1_000_000 });
    const packs = (await callBusiness(env, await signIn(env, probe.msisdn), 'packs.list')).json().result.packs as { id: string; priceFen: number }[];
    const [p1, p2] = packs.filter((p) => p.priceFen > 0).sort((a, b) => a.priceFen - b.priceFen);
    assert.ok(p1 && p2);
    // Several rounds: a lock-order bug (deadlock) shows up only on some interleavings.
    for (let round = 0; round < 5; round++) {
      const { id, msisdn } = await addSubscriber(env.db, { balanceFen: p2.priceFen });
      const token = await signIn(env, msisdn);
      const rs: Awaited<ReturnType<typeof callBusiness>>[] = await Promise.all([
        callBusiness(env, token, 'pack.subscribe', { input: { packId: p1.id }, confirm: true }, `key-race-${round}-1`),
        callBusiness(env, token, 'pack.subscribe', { input: { packId: p2.id }, confirm: true }, `key-race-${round}-2`),
      ]);
      const ok = rs.filter((x) => x.statusCode === 200);
      assert.equal(ok.length, 1, 'exactly one of the two fits the balance');
      for (const r of rs.filter((x) => x.statusCode !== 200)) assert.equal(r.json().code, 'INSUFFICIENT_BALANCE', r.body);
      const money = await balanceAndLedger(env.db, id);
      assert.ok(money.balanceFen >= 0);
      assert.equal(money.ledgerFen, money.balanceFen);
    }
  });

  test('plan change is quoted, confirmed and takes effect next cycle', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const token = await signIn(env, msisdn);
    const plans = (await callBusiness(env, token, 'plans.list')).json().result.plans as { id: string; current: boolean }[];
    const other = plans.find((p) => !p.current)!;
    const q = await callBusiness(env, token, 'plan.change', { input: { planId: other.id } }, 'key-plan-00001');
    assert.equal(q.statusCode, 409);
    assert.equal(q.json().quote.effectiveFrom, '2026-12-01');
    const r = await callBusiness(env, token, 'plan.change', { input: { planId: other.id }, confirm: true }, 'key-plan-00002');
    assert.equal(r.statusCode, 200, r.body);
    const subs = await callBusiness(env, token, 'subscriptions.query');
    assert.equal(subs.json().result.pendingPlan.id, other.id);
    const current = plans.find((p) => p.current)!;
    const same = await callBusiness(env, token, 'plan.change', { input: { planId: current.id }, confirm: true }, 'key-plan-00003');
    assert.equal(same.json().code, 'SAME_PLAN');
  });

  test('points are redeemed for a reward after confirmation; not enough points is refused', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { points: 5_000, balanceFen: 0 });
    const token = await signIn(env, msisdn);
    const pts = await callBusiness(env, token, 'points.query');
    assert.equal(pts.json().result.points, 5_000);
    const reward = (pts.json().result.rewards as { id: string; costPoints: number; creditFen: number }[]).find((r) => r.creditFen > 0 && r.costPoints <= 5_000)!;
    assert.ok(reward, 'a credit reward exists');
    const q = await callBusiness(env, token, 'points.redeem', { input: { rewardId: reward.id } }, 'key-pts-000001');
    assert.equal(q.statusCode, 409);
    const r = await callBusiness(env, token, 'points.redeem', { input: { rewardId: reward.id }, confirm: true }, 'key-pts-000002');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().result.pointsLeft, 5_000 - reward.costPoints);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, reward.creditFen);
    const poor = await addSubscriber(env.db, { points: 1 });
    const t2 = await signIn(env, poor.msisdn);
    const no = await callBusiness(env, t2, 'points.redeem', { input: { rewardId: reward.id }, confirm: true }, 'key-pts-000003');
    assert.equal(no.json().code, 'INSUFFICIENT_POINTS');
  });

  test('usage, bill and points queries answer in both languages', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const token = await signIn(env, msisdn);
    const u = await callBusiness(env, token, 'usage.query');
    assert.equal(u.statusCode, 200, u.body);
    assert.equal(u.json().result.cycle, '2026-11');
    assert.ok(u.json().text.long['zh-CN'].includes('流量'));
    const b = await callBusiness(env, token, 'bill.query', { input: { month: '2026-10' } });
    assert.equal(b.statusCode, 404);
    assert.equal(b.json().code, 'BILL_NOT_FOUND');
  });
});

describe('bad input changes nothing', () => {
  let token: string;
  let subscriberId: number;
  before(async () => {
    const s = await addSubscriber(env.db, { balanceFen: 10_000 });
    subscriberId = s.id;
    token = await signIn(env, s.msisdn);
  });

  const cases: [string, () => Promise<{ statusCode: number; json(): { code: string } }>][] = [
    ['malformed JSON', () => env.app.inject({ method: 'POST', url: '/api/v1/businesses/recharge', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'key-bad-000001' }, payload: '{"input": {"amount": 100' })],
    ['an unknown field in the body', () => callBusiness(env, token, 'recharge', { input: { amount: 1_000 }, confirm: true, extra: 1 }, 'key-bad-000002')],
    ['an unknown field in the input', () => callBusiness(env, token, 'recharge', { input: { amount: 1_000, bonus: 5 }, confirm: true }, 'key-bad-000003')],
    ['a wrong type', () => callBusiness(env, token, 'recharge', { input: { amount: '1000' }, confirm: true }, 'key-bad-000004')],
    ['a negative amount', () => callBusiness(env, token, 'recharge', { input: { amount: -1_000 }, confirm: true }, 'key-bad-000005')],
    ['a fractional amount', () => callBusiness(env, token, 'recharge', { input: { amount: 1_000.5 }, confirm: true }, 'key-bad-000006')],
    ['a MSISDN that is not 11 digits', () => env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: '1380000000' } })],
    ['letters in a MSISDN', () => env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: '1380000000a' } })],
    ['a bad month', () => callBusiness(env, token, 'bill.query', { input: { month: '2026-13' } })],
    ['a missing Idempotency-Key', () => callBusiness(env, token, 'recharge', { input: { amount: 1_000 }, confirm: true })],
  ];
  for (const [name, send] of cases) {
    test(name, async () => {
      const r = await send();
      assert.equal(r.statusCode, 400);
      assert.ok(['INVALID_INPUT', 'IDEMPOTENCY_KEY_REQUIRED'].includes(r.json().code), r.json().code);
      assert.deepEqual(await balanceAndLedger(env.db, subscriberId), { balanceFen: 10_000, ledgerFen: 10_000 });
    });
  }

  test('an unknown business has a stable code', async () => {
    const r = await callBusiness(env, token, 'no.such.business');
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().code, 'BUSINESS_NOT_FOUND');
  });

  test('no token, or a forged one, is refused', async () => {
    const r = await env.app.inject({ method: 'POST', url: '/api/v1/businesses/balance.query', payload: {} });
    assert.equal(r.statusCode, 401);
    const forged = `${token.split('.')[0]}.AAAA`;
    const f = await callBusiness(env, forged, 'balance.query');
    assert.equal(f.statusCode, 401);
  });
});

describe('isolation', () => {
  test('a subscriber can never read or change another subscriber through any route', async () => {
    const a = await addSubscriber(env.db, { balanceFen: 10_000 });
    const b = await addSubscriber(env.db, { balanceFen: 20_000 });
    const ta = await signIn(env, a.msisdn);
    const read = await callBusiness(env, ta, 'balance.query', { msisdn: b.msisdn });
    assert.equal(read.statusCode, 403);
    const change = await callBusiness(env, ta, 'recharge', { input: { amount: 1_000 }, confirm: true, msisdn: b.msisdn }, 'key-iso-000001');
    assert.equal(change.statusCode, 403);
    assert.deepEqual(await balanceAndLedger(env.db, b.id), { balanceFen: 20_000, ledgerFen: 20_000 });
    const own = await callBusiness(env, ta, 'balance.query');
    assert.equal(own.json().result.balanceFen, 10_000);
  });

  test('an agent may query for a subscriber but not recharge; an ops user may not act for one', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 7_700 });
    const agent = await staffToken(env, ['agent']);
    const q = await callBusiness(env, agent, 'balance.query', { msisdn: s.msisdn });
    assert.equal(q.statusCode, 200, q.body);
    assert.equal(q.json().result.balanceFen, 7_700);
    const rc = await callBusiness(env, agent, 'recharge', { input: { amount: 1_000 }, confirm: true, msisdn: s.msisdn }, 'key-agent-0001');
    assert.equal(rc.statusCode, 403);
    const ops = await staffToken(env, ['ops']);
    assert.equal((await callBusiness(env, ops, 'balance.query', { msisdn: s.msisdn })).statusCode, 403);
  });

  test('a closed number does nothing for itself, but an agent can still look up its account', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 1_234 });
    const token = await signIn(env, s.msisdn);
    await env.db.updateTable('subscriber').set({ status: 'closed' }).where('id', '=', s.id).execute();
    const own = await callBusiness(env, token, 'balance.query');
    assert.equal(own.statusCode, 404, own.body);
    assert.equal(own.json().code, 'NOT_A_SUBSCRIBER');
    const agent = await staffToken(env, ['agent']);
    const q = await callBusiness(env, agent, 'balance.query', { msisdn: s.msisdn });
    assert.equal(q.statusCode, 200, q.body);
    assert.equal(q.json().result.balanceFen, 1_234);
  });
});

describe('interaction log', () => {
  test('every call lands in the log with channel, business, outcome, error code and latency', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 1 });
    const token = await signIn(env, s.msisdn);
    await callBusiness(env, token, 'balance.query');
    await callBusiness(env, token, 'recharge', { input: { amount: 100 } }, 'key-log-000001');
    await callBusiness(env, token, 'pack.subscribe', { input: { packId: 'NOPE' }, confirm: true }, 'key-log-000002');
    await env.s.interactions.flush();
    const rows = await env.db.selectFrom('interaction').selectAll().where('subscriberId', '=', s.id).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.channel, r.businessId, r.outcome, r.errorCode]), [
      ['api', 'balance.query', 'ok', null],
      ['api', 'recharge', 'confirmation_required', null],
      ['api', 'pack.subscribe', 'error', 'OFFERING_NOT_FOUND'],
    ]);
    for (const r of rows) assert.ok(r.latencyMs >= 0);
  });
});

describe('service endpoints', () => {
  test('health, readiness and the OpenAPI document', async () => {
    assert.equal((await env.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    assert.equal((await env.app.inject({ method: 'GET', url: '/ready' })).json().status, 'ready');
    const doc = (await env.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/businesses/{id}']);
    assert.ok(doc.paths['/api/v1/auth/otp']);
    const docs = await env.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(docs.statusCode, 200);
  });

  test('Prometheus metrics count business calls by channel and outcome', async () => {
    const s = await addSubscriber(env.db);
    const token = await signIn(env, s.msisdn);
    await callBusiness(env, token, 'balance.query');
    const text = (await env.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(text, /omnihall_business_calls_total\{channel="api",business="balance.query",outcome="ok",code=""\} \d+/);
    assert.match(text, /omnihall_business_latency_seconds_bucket/);
  });

  test('an unknown route answers problem JSON', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().code, 'NOT_FOUND');
  });
});

describe('pack validity', () => {
  test('a pack that has run out no longer counts, and can be ordered again', async () => {
    const start = env.clock.now();
    try {
      const { msisdn } = await addSubscriber(env.db, { balanceFen: 100_000 });
      const token = await signIn(env, msisdn);
      const packs = (await callBusiness(env, token, 'packs.list')).json().result.packs as { id: string; validityDays: number | null; priceFen: number }[];
      const pack = packs.find((p) => p.validityDays !== null && p.priceFen > 0)!;
      assert.ok(pack, 'a pack with a validity period');
      const first = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack.id }, confirm: true }, 'key-valid-0001');
      assert.equal(first.statusCode, 200, first.body);
      env.clock.advance((pack.validityDays! + 1) * 86_400_000);
      const token2 = await signIn(env, msisdn);
      const subs = await callBusiness(env, token2, 'subscriptions.query');
      assert.ok(!subs.json().result.subscriptions.some((s: { offeringId: string }) => s.offeringId === pack.id), 'expired pack is not listed');
      const again = await callBusiness(env, token2, 'pack.subscribe', { input: { packId: pack.id }, confirm: true }, 'key-valid-0002');
      assert.equal(again.statusCode, 200, again.body);
    } finally {
      env.clock.set(start);
    }
  });
});
