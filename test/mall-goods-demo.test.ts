// The demo operator's shop: phones of six brands with colour and storage variants in stock in
// 广州仓 and 深圳仓 (one SKU sold out), number cards with a pool of hundreds of numbers with nice
// ones among them, recharge cards with code pools, points gifts and the catalogue's 3 GB pack, all
// on sale through the public API; seeded once even when two nodes start at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, type TestEnv } from './helpers.ts';
import { seedDemoGoods } from '../src/modules/goods/index.ts';
import { seedDemoInventory } from '../src/modules/inventory/index.ts';

let env: TestEnv;
const NOW = new Date('2026-11-20T02:00:00Z');

before(async () => {
  env = await startTestEnv({ now: NOW });
  // Two nodes starting at once: each seeds, one writes.
  const runs = await Promise.all([0, 1].map(async () => {
    const shop = await seedDemoGoods(env.db, env.s.audit, NOW);
    await seedDemoInventory(env.db, env.s.audit, NOW, shop.stockPlan);
    return shop;
  }));
  assert.deepEqual(runs.map((r) => r.created).sort(), [false, true]);
  assert.deepEqual(runs[0]!.stockPlan, runs[1]!.stockPlan);
});
after(() => env.close());

const get = async (url: string) => {
  const r = await env.app.inject({ method: 'GET', url });
  assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
  return r.json();
};

test('phones of six brands, in colours and storage sizes, with stock from both warehouses', async () => {
  const phones = await get('/api/v1/mall/products?kind=physical&category=1&channel=mobile&limit=100');
  assert.deepEqual([...new Set(phones.items.map((p: { brand: string }) => p.brand))].sort(), ['Apple', 'OPPO', 'vivo', '华为', '小米', '荣耀'].sort());
  const mate = phones.items.find((p: { names: { en: string } }) => p.names.en === 'HUAWEI Mate 60 Pro');
  assert.equal(mate.skus.length, 6);
  assert.deepEqual(Object.keys(mate.skus[0].attrs).sort(), ['存储', '颜色']);
  const soldOut = mate.skus.find((s: { code: string }) => s.code === 'HW-MATE60PRO-3-512GB');
  assert.deepEqual(soldOut.stock, { saleable: 0, inStock: false });
  const first = mate.skus[0];
  assert.ok(first.stock.saleable > 0 && first.stock.inStock);
  const levels = await env.s.inventory.byWarehouse(first.id);
  assert.deepEqual(levels.map((l) => l.names['zh-CN']), ['广州仓', '深圳仓']);
  assert.equal(levels.reduce((a, l) => a + l.saleable, 0), first.stock.saleable);
  const huawei = await get(`/api/v1/mall/products?q=${encodeURIComponent('华为')}`);
  assert.deepEqual(huawei.items.map((p: { names: { en: string } }) => p.names.en).sort(), ['HUAWEI 66 W SuperCharge charger', 'HUAWEI Mate 60 Pro', 'HUAWEI nova 12']);
  const cheap = await get('/api/v1/mall/products?kind=physical&brand=apple&maxFen=600000');
  assert.deepEqual(cheap.items.map((p: { names: { en: string } }) => p.names.en).sort(), ['Apple iPhone 15', 'Clear case for iPhone 15']);
});

test('number cards with a pool of hundreds, nice numbers first with their deposits', async () => {
  const cards = await get('/api/v1/mall/products?kind=number_card');
  assert.equal(cards.items.length, 2);
  const mzone = cards.items.find((p: { names: { en: string } }) => p.names.en.startsWith('M-Zone'));
  assert.equal(mzone.skus[0].stock.saleable, 300);
  const numbers = await get(`/api/v1/mall/number-cards/${mzone.id}/numbers?limit=5`);
  assert.equal(numbers.total, 300);
  assert.equal(numbers.items[0].tier, 2);
  const nice = await get(`/api/v1/mall/number-cards/${cards.items.find((p: { names: { en: string } }) => p.names.en.startsWith('GoTone')).id}/numbers?tier=1`);
  assert.deepEqual(nice.items.map((n: { number: string }) => n.number).sort(), ['17800886666', '17800888888', '17800889999']);
  assert.ok(nice.items.every((n: { depositFen: number }) => n.depositFen === 200_000));
});

test('recharge cards with code pools, points gifts, and the catalogue pack sold through the mall', async () => {
  const cards = await get('/api/v1/mall/products?kind=recharge_card&channel=ussd');
  assert.deepEqual(cards.items.map((p: { skus: { listFen: number }[] }) => p.skus[0]!.listFen).sort((a: number, b: number) => a - b), [3_000, 5_000, 10_000]);
  assert.ok(cards.items.every((p: { skus: { stock: { saleable: number } }[] }) => p.skus[0]!.stock.saleable === 50));
  const gifts = await get('/api/v1/mall/products?kind=points_gift');
  assert.equal(gifts.items.length, 3);
  assert.ok(gifts.items.every((p: { skus: { points: number; stock: { inStock: boolean } }[] }) => p.skus[0]!.points > 0 && p.skus[0]!.stock.inStock));
  const pack = (await get('/api/v1/mall/products?kind=offering')).items[0];
  assert.equal(pack.offeringId, 'PK-DATA-3G');
  assert.deepEqual(pack.skus[0].stock, { saleable: null, inStock: true });
  const tree = await get('/api/v1/mall/categories');
  assert.equal(tree.items.find((c: { code: string }) => c.code === 'phones').children[0].code, 'phones-5g');
});
