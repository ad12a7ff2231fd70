// Goods that are neither shipped nor coded, given at commit: a catalogue pack bought in the mall is
// subscribed in the core (once; a second purchase is refused before anything is charged), a
// recharge card credited at once tops the balance up by its face value, and a pack already held
// when the commit comes (bought on another channel meanwhile) sends the payment back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, type TestEnv } from './helpers.ts';
import type { ProductView } from '../src/modules/goods/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let pm: Actor;
let reviewer: Actor;
let pack: ProductView;
let card: ProductView;
const NOW = new Date('2026-12-02T02:00:00Z');

async function listed(input: Record<string, unknown>): Promise<ProductView> {
  const p = await env.s.goods.products.create(pm, { brand: '中国移动', ...input });
  for (const channel of ['web', 'mobile']) {
    const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel, listedFrom: NOW.toISOString() });
    await env.s.goods.products.review(reviewer, c.id, { approve: true });
  }
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
const holds = async (subscriberId: number, offeringId: string) =>
  (await env.db.selectFrom('subscription').select('id').where('subscriberId', '=', subscriberId).where('offeringId', '=', offeringId).where('status', '=', 'active').execute()).length;

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
  pack = await listed({ kind: 'offering', offeringId: 'PK-DATA-3G', nameZh: '3GB流量包', nameEn: '3 GB data pack', skus: [{ code: 'CR-PACK', listFen: 2_000, saleFen: 2_000 }] });
  card = await listed({ kind: 'recharge_card', delivery: 'credit', nameZh: '50元直充卡', nameEn: '¥50 direct top-up', skus: [{ code: 'CR-RC50', listFen: 5_000, saleFen: 4_900 }] });
});
after(() => env.close());

async function subscriber(balanceFen = 100_000): Promise<{ id: number; token: string }> {
  const s = await addSubscriber(env.db, { balanceFen });
  return { id: s.id, token: await signIn(env, s.msisdn) };
}

test('a pack bought in the mall from the balance is subscribed in the core, charged once, and the order completed', async () => {
  const me = await subscriber();
  assert.equal(await holds(me.id, 'PK-DATA-3G'), 0);
  assert.equal((await put(me.token, pack, 1)).status, 200);
  const r = await call('POST', '/mall/orders', me.token, { method: 'balance', expectedTotalFen: 2_000, confirm: true }, 'credit-pack-1');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.order.state, 'completed');
  assert.equal(await holds(me.id, 'PK-DATA-3G'), 1);
  const money = await balanceAndLedger(env.db, me.id);
  assert.deepEqual(money, { balanceFen: 98_000, ledgerFen: money.ledgerFen });
  assert.equal(money.balanceFen, money.ledgerFen, 'the balance is its ledger');
  // The same key again: the same order, nothing more.
  const again = await call('POST', '/mall/orders', me.token, { method: 'balance', expectedTotalFen: 2_000, confirm: true }, 'credit-pack-1');
  assert.equal(again.json.order.id, r.json.order.id);
  assert.equal(await holds(me.id, 'PK-DATA-3G'), 1);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 98_000);
});

test('a pack already held, or two of one pack, is refused at the quote with nothing charged', async () => {
  const me = await subscriber();
  await put(me.token, pack, 1);
  assert.equal((await call('POST', '/mall/orders', me.token, { method: 'balance', expectedTotalFen: 2_000, confirm: true }, 'credit-pack-2')).status, 201);
  await put(me.token, pack, 1);
  const held = await call('POST', '/mall/checkout/quote', me.token, {});
  assert.deepEqual([held.status, held.json.code], [409, 'ALREADY_SUBSCRIBED']);
  const placed = await call('POST', '/mall/orders', me.token, { method: 'balance', expectedTotalFen: 2_000, confirm: true }, 'credit-pack-3');
  assert.deepEqual([placed.status, placed.json.code], [409, 'ALREADY_SUBSCRIBED']);
  const other = await subscriber();
  await put(other.token, pack, 2);
  const two = await call('POST', '/mall/checkout/quote', other.token, {});
  assert.deepEqual([two.status, two.json.code], [400, 'INVALID_QUANTITY']);
  assert.equal((await balanceAndLedger(env.db, me.id)).balanceFen, 98_000);
  assert.equal((await balanceAndLedger(env.db, other.id)).balanceFen, 100_000);
});

test('a pack subscribed elsewhere between the quote and the commit: the commit refuses and the money comes back', async () => {
  const me = await subscriber();
  await put(me.token, pack, 1);
  // Held on another channel (the SMS hall's KT) after the quote said it was free: the sandbox's
  // page is paid after that, so the commit finds it held.
  const r = await call('POST', '/mall/orders', me.token, { method: 'sandbox', expectedTotalFen: 2_000, confirm: true }, 'credit-pack-4');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  await env.db.insertInto('subscription').values({ subscriberId: me.id, offeringId: 'PK-DATA-3G', status: 'active', startsAt: NOW, endsAt: null, createdAt: NOW }).execute();
  const paymentId = r.json.order.paymentId as string;
  const paid = await env.app.inject({ method: 'POST', url: `${r.json.next.url}/pay` });
  assert.ok(paid.statusCode < 400, paid.body);
  await env.s.payments.sandbox!.idle();
  const o = await call('GET', `/mall/orders/${r.json.order.id}`, me.token);
  assert.notEqual(o.json.state, 'completed');
  assert.equal(await holds(me.id, 'PK-DATA-3G'), 1, 'still only the one held before');
  const p = await env.s.payments.get(paymentId);
  assert.equal(p.state, 'refunded', `the payment went back: ${p.state}`);
});

test('a recharge card credited at once tops the balance up by its face value, not its sale price', async () => {
  const me = await subscriber(10_000);
  await put(me.token, card, 2);
  const r = await call('POST', '/mall/orders', me.token, { method: 'balance', expectedTotalFen: 9_800, confirm: true }, 'credit-card-1');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.order.state, 'completed');
  const money = await balanceAndLedger(env.db, me.id);
  // 100 yuan − 98 paid + 2 × 50 credited.
  assert.equal(money.balanceFen, 10_000 - 9_800 + 10_000);
  assert.equal(money.balanceFen, money.ledgerFen);
});
