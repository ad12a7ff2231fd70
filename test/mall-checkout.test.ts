// Checkout's quote (POST /api/v1/mall/checkout/quote): the signed-in subscriber's cart at today's
// prices and stock, the delivery fee (free from ¥99 of shipped goods, else ¥10; nothing and no
// address for goods not shipped), and its refusals with stable codes in both languages: an empty
// cart, stock gone, a line taken off sale, no address, an address outside the delivery area.
// (Orders, their workflow, coupons and points are not built yet: docs/mall.md.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, signIn, startTestEnv, type TestEnv } from './helpers.ts';
import type { ProductView } from '../src/modules/goods/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let pm: Actor;
let reviewer: Actor;
let phone: ProductView;
let cable: ProductView;
let video: ProductView;
const NOW = new Date('2026-11-20T02:00:00Z');
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };

async function listed(k: string, saleFen: number, over: { kind?: 'virtual'; delivery?: 'credit' } = {}): Promise<ProductView> {
  const p = await env.s.goods.products.create(pm, {
    kind: over.kind ?? 'physical', ...(over.delivery ? { delivery: over.delivery } : {}), nameZh: `结算商品${k}`, nameEn: `Checkout item ${k}`, brand: '测试',
    skus: [{ code: `CO-${k}`, listFen: saleFen, saleFen }],
  });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  return env.s.goods.products.get(p.id);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'PUT' | 'POST' | 'DELETE', url: string, token: string, body?: unknown, lang?: string): Promise<{ status: number; json: any }> {
  const r = await env.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(lang ? { 'accept-language': lang } : {}) }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: r.statusCode, json: r.json() };
}
const put = (token: string, p: ProductView, quantity: number) => call('PUT', '/mall/cart/lines', token, { productId: p.id, skuId: p.skus[0]!.id, quantity });
const quote = (token: string, body: unknown, lang?: string) => call('POST', '/mall/checkout/quote', token, body, lang);

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
  await env.s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' });
  phone = await listed('P', 399_900);
  cable = await listed('C', 4_900);
  video = await listed('V', 2_500, { kind: 'virtual', delivery: 'credit' });
  for (const p of [phone, cable]) await env.s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 3, reason: '到货入库' });
});
after(() => env.close());

async function subscriber(): Promise<string> {
  return signIn(env, (await addSubscriber(env.db)).msisdn);
}

test('shipped goods under ¥99 pay ¥10 delivery; from ¥99 it is free; the price is the one now', async () => {
  const t = await subscriber();
  await put(t, cable, 1);
  const small = await quote(t, { address: HOME });
  assert.equal(small.status, 200);
  assert.deepEqual([small.json.goodsFen, small.json.deliveryFen, small.json.totalFen, small.json.shipped], [4_900, 1_000, 5_900, true]);
  assert.equal(small.json.address.province, '广东省');
  await put(t, cable, 2);
  const two = await quote(t, { address: HOME });
  assert.deepEqual([two.json.goodsFen, two.json.deliveryFen, two.json.totalFen], [9_800, 1_000, 10_800]);
  await put(t, phone, 1);
  const big = await quote(t, { address: HOME });
  assert.deepEqual([big.json.goodsFen, big.json.deliveryFen, big.json.totalFen], [409_700, 0, 409_700]);
  const c = await env.s.goods.products.submit(pm, phone.id, 'price', { skuId: phone.skus[0]!.id, listFen: 399_900, saleFen: 379_900 });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  assert.equal((await quote(t, { address: HOME })).json.totalFen, 389_700);
});

test('goods not shipped need no address and cost nothing to deliver', async () => {
  const t = await subscriber();
  await put(t, video, 2);
  const q = await quote(t, {});
  assert.equal(q.status, 200);
  assert.deepEqual([q.json.goodsFen, q.json.deliveryFen, q.json.totalFen, q.json.shipped, q.json.address], [5_000, 0, 5_000, false, null]);
});

test('refusals: an empty cart, no address, outside the delivery area, stock gone, off sale, a bad address', async () => {
  const t = await subscriber();
  const empty = await quote(t, { address: HOME });
  assert.deepEqual([empty.status, empty.json.code], [409, 'CART_EMPTY']);
  await put(t, cable, 3);
  const none = await quote(t, {});
  assert.deepEqual([none.status, none.json.code], [400, 'ADDRESS_REQUIRED']);
  for (const province of ['西藏自治区', '新疆维吾尔自治区', '台湾省', '香港特别行政区', 'Guangdong']) {
    const far = await quote(t, { address: { ...HOME, province } });
    assert.deepEqual([far.status, far.json.code], [400, 'ADDRESS_OUT_OF_AREA'], province);
  }
  const en = await quote(t, { address: { ...HOME, province: '西藏自治区' } }, 'en');
  assert.equal(en.json.detail, 'That address is outside the delivery area');
  const zh = await quote(t, { address: { ...HOME, province: '西藏自治区' } });
  assert.equal(zh.json.detail, '该地址不在配送范围内');
  for (const bad of [{ ...HOME, phone: '12345' }, { ...HOME, detail: ' ' }, { ...HOME, extra: 1 }]) {
    const r = await quote(t, { address: bad });
    assert.deepEqual([r.status, r.json.code], [400, 'INVALID_INPUT']);
  }
  // Someone else buys two of the three: the cart's three are no longer there.
  await env.s.inventory.reserve('other:1', [{ skuId: cable.skus[0]!.id, quantity: 2 }], new Date(NOW.getTime() + 15 * 60_000));
  const gone = await quote(t, { address: HOME });
  assert.deepEqual([gone.status, gone.json.code, gone.json.skuId, gone.json.saleable], [409, 'OUT_OF_STOCK', cable.skus[0]!.id, 1]);
  await env.s.inventory.release('other:1');
  await env.s.goods.products.unlist(pm, cable.id, 'web', '停售');
  const off = await quote(t, { address: HOME });
  assert.deepEqual([off.status, off.json.code], [404, 'PRODUCT_NOT_FOUND']);
});

test('the quote is a subscriber\'s: no bearer token is 401', async () => {
  const r = await env.app.inject({ method: 'POST', url: '/api/v1/mall/checkout/quote', payload: { address: HOME } });
  assert.deepEqual([r.statusCode, r.json().code], [401, 'UNAUTHENTICATED']);
});
