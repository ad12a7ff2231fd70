// The mall's cart over REST: a guest's by its X-Cart-Token, a subscriber's by the bearer token;
// each read priced at the sale price now with stock flags; bad lines (a negative quantity, a SKU of
// another product, an unknown SKU, a product not on sale) refused with stable codes and nothing
// changed; the guest's cart merged into the subscriber's on sign-in once, quantities added up to 99.
import { after, before, describe, test } from 'node:test';
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
const NOW = new Date('2026-11-20T02:00:00Z');

async function listed(k: string, skus: number, saleFen: number): Promise<ProductView> {
  const p = await env.s.goods.products.create(pm, {
    kind: 'physical', nameZh: `购物车手机${k}`, nameEn: `Cart phone ${k}`, brand: '测试',
    skus: Array.from({ length: skus }, (_, i) => ({ code: `CART-${k}-${i}`, attrs: { 颜色: `色${i}` }, listFen: saleFen + 10_000, saleFen })),
  });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  return env.s.goods.products.get(p.id);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, opts: { token?: string; cart?: string; body?: unknown } = {}): Promise<{ status: number; json: any; cartHeader: string | undefined }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cart) headers['x-cart-token'] = opts.cart;
  const r = await env.app.inject({ method, url: `/api/v1${url}`, headers, ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
  return { status: r.statusCode, json: r.json(), cartHeader: r.headers['x-cart-token'] as string | undefined };
}

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
  await env.s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' });
  phone = await listed('P', 2, 399_900);
  cable = await listed('C', 1, 4_900);
  for (const s of [...phone.skus, ...cable.skus]) await env.s.inventory.adjust(pm, { skuId: s.id, warehouseId: 'GZ', kind: 'receive', quantity: 5, reason: '到货入库' });
});
after(() => env.close());

describe('a guest cart', () => {
  test('the first put hands out a token; lines are priced now, with stock flags', async () => {
    const first = await call('PUT', '/mall/cart/lines', { body: { productId: phone.id, skuId: phone.skus[0]!.id, quantity: 2 } });
    assert.equal(first.status, 200);
    const token = first.json.guestToken as string;
    assert.match(token, /^[A-Za-z0-9_-]{32}$/);
    assert.equal(first.cartHeader, token);
    await call('PUT', '/mall/cart/lines', { cart: token, body: { productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1 } });
    const cart = await call('GET', '/mall/cart', { cart: token });
    assert.deepEqual(cart.json.lines.map((l: { skuId: number; quantity: number; lineFen: number; problem: null }) => [l.skuId, l.quantity, l.lineFen, l.problem]),
      [[phone.skus[0]!.id, 2, 799_800, null], [cable.skus[0]!.id, 1, 4_900, null]]);
    assert.equal(cart.json.totalFen, 804_700);
    assert.equal(cart.json.count, 3);
    assert.equal(cart.json.lines[0].names['zh-CN'], '购物车手机P');
    assert.deepEqual(cart.json.lines[0].stock, { saleable: 5, inStock: true });

    // A price change shows on the next read (the cart keeps no price).
    const c = await env.s.goods.products.submit(pm, cable.id, 'price', { skuId: cable.skus[0]!.id, listFen: 5_900, saleFen: 3_900 });
    await env.s.goods.products.review(reviewer, c.id, { approve: true });
    assert.equal((await call('GET', '/mall/cart', { cart: token })).json.totalFen, 799_800 + 3_900);

    // Setting a quantity sets it; more than is in stock is flagged and left out of the total.
    const more = await call('PUT', '/mall/cart/lines', { cart: token, body: { productId: phone.id, skuId: phone.skus[0]!.id, quantity: 6 } });
    assert.equal(more.json.lines[0].quantity, 6);
    assert.equal(more.json.lines[0].problem, 'OUT_OF_STOCK');
    assert.equal(more.json.totalFen, 3_900);

    const removed = await call('DELETE', `/mall/cart/lines/${phone.skus[0]!.id}`, { cart: token });
    assert.deepEqual(removed.json.lines.map((l: { skuId: number }) => l.skuId), [cable.skus[0]!.id]);
    const emptied = await call('DELETE', '/mall/cart', { cart: token });
    assert.deepEqual(emptied.json.lines, []);
  });

  test('bad lines get stable codes and change nothing', async () => {
    const start = await call('PUT', '/mall/cart/lines', { body: { productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1 } });
    const token = start.json.guestToken as string;
    const bad = async (body: unknown) => call('PUT', '/mall/cart/lines', { cart: token, body });
    for (const quantity of [-1, 0, 100, 1.5]) {
      const r = await bad({ productId: phone.id, skuId: phone.skus[0]!.id, quantity });
      assert.equal(r.status, 400, `quantity ${quantity}`);
      assert.equal(r.json.code, 'INVALID_QUANTITY');
    }
    const other = await bad({ productId: phone.id, skuId: cable.skus[0]!.id, quantity: 1 });
    assert.deepEqual([other.status, other.json.code], [400, 'SKU_NOT_OF_PRODUCT']);
    const unknown = await bad({ productId: phone.id, skuId: 999_999, quantity: 1 });
    assert.deepEqual([unknown.status, unknown.json.code], [404, 'SKU_NOT_FOUND']);
    const hidden = await env.s.goods.products.create(pm, { kind: 'physical', nameZh: '未上架', nameEn: 'Not listed', brand: '测试', skus: [{ code: 'CART-H-0', listFen: 100, saleFen: 100 }] });
    const notOnSale = await bad({ productId: hidden.id, skuId: hidden.skus[0]!.id, quantity: 1 });
    assert.deepEqual([notOnSale.status, notOnSale.json.code], [404, 'PRODUCT_NOT_FOUND']);
    const text = await bad({ productId: phone.id, skuId: phone.skus[0]!.id, quantity: '2' });
    assert.equal(text.status, 400);
    const forged = await call('GET', '/mall/cart', { cart: 'not a token!' });
    assert.equal(forged.status, 400);
    assert.equal(forged.json.code, 'INVALID_INPUT');
    // English on request.
    const en = await env.app.inject({ method: 'PUT', url: '/api/v1/mall/cart/lines', headers: { 'x-cart-token': token, 'accept-language': 'en' }, payload: { productId: phone.id, skuId: phone.skus[0]!.id, quantity: -3 } });
    assert.match(en.json().detail, /whole number from 1 to 99/);
    const after = await call('GET', '/mall/cart', { cart: token });
    assert.deepEqual(after.json.lines.map((l: { skuId: number; quantity: number }) => [l.skuId, l.quantity]), [[cable.skus[0]!.id, 1]]);
  });

  test('an unknown token is an empty cart, and another guest never sees this one', async () => {
    const mine = await call('PUT', '/mall/cart/lines', { body: { productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1 } });
    const other = await call('GET', '/mall/cart', { cart: 'A'.repeat(32) });
    assert.equal(other.status, 200);
    assert.deepEqual(other.json.lines, []);
    assert.notEqual(mine.json.guestToken, 'A'.repeat(32));
  });

  test('a product taken off sale stays in the cart, flagged and out of the total', async () => {
    const p = await listed('U', 1, 1_000);
    await env.s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 3, reason: '到货入库' });
    const put = await call('PUT', '/mall/cart/lines', { body: { productId: p.id, skuId: p.skus[0]!.id, quantity: 1 } });
    await env.s.goods.products.unlist(pm, p.id, 'web', '停售');
    const cart = await call('GET', '/mall/cart', { cart: put.json.guestToken });
    assert.equal(cart.json.lines[0].problem, 'PRODUCT_NOT_FOUND');
    assert.equal(cart.json.totalFen, 0);
  });
});

describe("a subscriber's cart", () => {
  test('signing in merges the guest cart once: the same SKU adds up, to at most 99', async () => {
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    await call('PUT', '/mall/cart/lines', { token, body: { productId: phone.id, skuId: phone.skus[1]!.id, quantity: 60 } });
    await call('PUT', '/mall/cart/lines', { token, body: { productId: cable.id, skuId: cable.skus[0]!.id, quantity: 1 } });
    const guest = await call('PUT', '/mall/cart/lines', { body: { productId: phone.id, skuId: phone.skus[1]!.id, quantity: 50 } });
    const g = guest.json.guestToken as string;
    await call('PUT', '/mall/cart/lines', { cart: g, body: { productId: phone.id, skuId: phone.skus[0]!.id, quantity: 2 } });

    const merged = await call('POST', '/mall/cart/merge', { token, cart: g });
    assert.equal(merged.status, 200);
    assert.equal(merged.json.guestToken, null);
    const q = (b: { lines: { skuId: number; quantity: number }[] }) => Object.fromEntries(b.lines.map((l) => [l.skuId, l.quantity]));
    assert.deepEqual(q(merged.json), { [phone.skus[1]!.id]: 99, [cable.skus[0]!.id]: 1, [phone.skus[0]!.id]: 2 });
    const again = await call('POST', '/mall/cart/merge', { token, cart: g });
    assert.deepEqual(q(again.json), q(merged.json), 'the guest cart is gone: merging again adds nothing');
    assert.deepEqual((await call('GET', '/mall/cart', { cart: g })).json.lines, []);
    // The bearer token chooses the subscriber's cart even with a cart token beside it.
    assert.deepEqual(q((await call('GET', '/mall/cart', { token, cart: g })).json), q(merged.json));
  });

  test('merge needs a subscriber and a cart token; a bad bearer token is 401, not a guest', async () => {
    const anon = await call('POST', '/mall/cart/merge', { cart: 'B'.repeat(32) });
    assert.deepEqual([anon.status, anon.json.code], [401, 'UNAUTHENTICATED']);
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    const noCart = await call('POST', '/mall/cart/merge', { token });
    assert.deepEqual([noCart.status, noCart.json.code], [400, 'INVALID_INPUT']);
    const forged = await call('GET', '/mall/cart', { token: 'forged.token.here' });
    assert.deepEqual([forged.status, forged.json.code], [401, 'UNAUTHENTICATED']);
  });

  test('a cart holds at most 50 lines: the 51st is CART_FULL, a line already in it still changes', async () => {
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    const many = await listed('M', 51, 100);
    for (const s of many.skus.slice(0, 50)) assert.equal((await call('PUT', '/mall/cart/lines', { token, body: { productId: many.id, skuId: s.id, quantity: 1 } })).status, 200);
    const full = await call('PUT', '/mall/cart/lines', { token, body: { productId: many.id, skuId: many.skus[50]!.id, quantity: 1 } });
    assert.deepEqual([full.status, full.json.code], [409, 'CART_FULL']);
    const change = await call('PUT', '/mall/cart/lines', { token, body: { productId: many.id, skuId: many.skus[0]!.id, quantity: 3 } });
    assert.equal(change.status, 200);
    assert.equal(change.json.lines.length, 50);
  });
});
