// Orders with promotions (the promotion module wired into checkout): a coupon code's discount in
// the quote and the order, its use recorded against the limits when the order is placed (a global
// limit of one: a second buyer hears COUPON_LIMIT_REACHED, nothing charged), and given back when the
// order is cancelled, so the next buyer gets it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, type TestEnv } from './helpers.ts';
import type { ProductView } from '../src/modules/goods/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let cable: ProductView;
const NOW = new Date('2026-12-02T02:00:00Z');
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'PUT' | 'POST', url: string, token: string, body: unknown, key?: string): Promise<{ status: number; json: any }> {
  const r = await env.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, payload: body as object });
  return { status: r.statusCode, json: r.json() };
}

before(async () => {
  env = await startTestEnv({ now: NOW });
  const staff = async (username: string, roles: ('product' | 'ops' | 'marketing')[]): Promise<Actor> => ({ id: await createStaffUser(env.db, { username, displayName: username, password: 'correct horse battery', roles }), name: username, roles });
  const pm = await staff('pm1', ['product']);
  const pm2 = await staff('pm2', ['product']);
  await env.s.inventory.addWarehouse(await staff('ops1', ['ops']), { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' });
  const p = await env.s.goods.products.create(pm, { kind: 'physical', nameZh: '数据线', nameEn: 'Cable', brand: '测试', skus: [{ code: 'PROMO-C', listFen: 12_900, saleFen: 12_900 }] });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  await env.s.goods.products.review(pm2, c.id, { approve: true });
  await env.s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 10, reason: '到货' });
  cable = await env.s.goods.products.get(p.id);
  const promo = await env.s.promotions.staff.create(pm, {
    mode: 'code', code: 'SAVE10', nameZh: '满100减10', nameEn: '¥10 off ¥100', benefit: 'amount', offFen: 1_000, minSpendFen: 10_000,
    startsAt: new Date(NOW.getTime() - 86_400_000), endsAt: new Date(NOW.getTime() + 7 * 86_400_000), globalLimit: 1,
  });
  await env.s.promotions.staff.submit(pm, promo.id);
  await env.s.promotions.staff.review(pm2, promo.id, { approve: true });
});
after(() => env.close());

async function buyer() {
  const s = await addSubscriber(env.db, { balanceFen: 100_000 });
  const token = await signIn(env, s.msisdn);
  await call('PUT', '/mall/cart/lines', token, { productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1 });
  return { id: s.id, token };
}

test('a coupon code: discounted in the quote and the order, its one use taken when placed and given back when the order is cancelled', async () => {
  const a = await buyer();
  const q = await call('POST', '/mall/checkout/quote', a.token, { address: HOME, couponCode: 'SAVE10' });
  assert.deepEqual([q.status, q.json.goodsFen, q.json.discountFen, q.json.totalFen], [200, 12_900, 1_000, 11_900], JSON.stringify(q.json));
  const placed = await call('POST', '/mall/orders', a.token, { address: HOME, couponCode: 'SAVE10', method: 'sandbox', expectedTotalFen: 11_900, confirm: true }, 'promo-key-a');
  assert.deepEqual([placed.status, placed.json.order.discountFen, placed.json.order.couponCode, placed.json.order.totalFen], [201, 1_000, 'SAVE10', 11_900]);
  assert.ok(placed.json.order.workflow.state === 'waiting');

  // Its one use is taken: the next buyer hears so, and nothing is charged.
  const b = await buyer();
  const refused = await call('POST', '/mall/orders', b.token, { address: HOME, couponCode: 'SAVE10', method: 'balance', expectedTotalFen: 11_900, confirm: true }, 'promo-key-b');
  assert.deepEqual([refused.status, refused.json.code], [409, 'COUPON_LIMIT_REACHED']);
  assert.equal((await balanceAndLedger(env.db, b.id)).balanceFen, 100_000);

  // Cancelled, the use goes back: now the next buyer gets it.
  assert.equal((await call('POST', `/mall/orders/${placed.json.order.id}/cancel`, a.token, {})).json.state, 'cancelled');
  const again = await call('POST', '/mall/orders', b.token, { address: HOME, couponCode: 'SAVE10', method: 'balance', expectedTotalFen: 11_900, confirm: true }, 'promo-key-b2');
  assert.deepEqual([again.status, again.json.order.state, again.json.order.discountFen], [201, 'paid', 1_000], JSON.stringify(again.json));
  assert.equal((await balanceAndLedger(env.db, b.id)).balanceFen, 100_000 - 11_900);
});
