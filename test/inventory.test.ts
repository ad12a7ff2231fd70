// The mall's stock: saleable = on hand − reserved − safety stock over the warehouses; an open order's
// reservation is committed when paid, released when cancelled, and released by the expiry job when
// it is not paid in time (numbers picked from the pool too); staff adjustments need a reason and are
// audited. On the real PostgreSQL server, with concurrent connections: reservations never oversell,
// one number never goes to two buyers, each code is handed out once, and expiry jobs on several
// nodes at once release each reservation once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, staffToken, type TestEnv } from './helpers.ts';
import type { ProductInput, ProductView } from '../src/modules/goods/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let pm: Actor;
let reviewer: Actor;
const NOW = new Date('2026-11-20T02:00:00Z');
const MIN = 60_000;
const onPostgres = process.env.DATABASE_URL ? false : 'PGlite runs one statement at a time, so it cannot show a race: this runs on PostgreSQL (DATABASE_URL)';
let n = 0;

async function product(over: Partial<ProductInput> = {}, skus = 1): Promise<ProductView> {
  const k = ++n;
  const p = await env.s.goods.products.create(pm, {
    kind: 'physical', nameZh: `测试手机${k}`, nameEn: `Test phone ${k}`, brand: '测试',
    skus: Array.from({ length: skus }, (_, i) => ({ code: `INV-${k}-${i}`, listFen: 100_000, saleFen: 99_900 })), ...over,
  });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  return env.s.goods.products.get(p.id);
}

const receive = (skuId: number, warehouseId: string, quantity: number) => env.s.inventory.adjust(pm, { skuId, warehouseId, kind: 'receive', quantity, reason: '到货入库' });
const level = async (skuId: number) => (await env.s.inventory.levels([skuId])).get(skuId)!;
const inFifteen = () => new Date(env.clock.now().getTime() + 15 * MIN);

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'ops', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
  await env.s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' });
  await env.s.inventory.addWarehouse(ops, { id: 'SZ', nameZh: '深圳仓', nameEn: 'Shenzhen warehouse', city: '深圳' });
});
after(() => env.close());

describe('stock and reservations', () => {
  test('saleable is on hand − reserved − safety stock over the warehouses, and the public API shows it', async () => {
    const p = await product();
    const sku = p.skus[0]!.id;
    await receive(sku, 'GZ', 20);
    await receive(sku, 'SZ', 5);
    await env.s.inventory.adjust(pm, { skuId: sku, warehouseId: 'GZ', kind: 'safety', quantity: 2, reason: '展示机' });
    await env.s.inventory.reserve('order:saleable', [{ skuId: sku, quantity: 3 }], inFifteen());
    assert.deepEqual(await level(sku), { onHand: 25, reserved: 3, safety: 2, saleable: 20 });
    const gz = (await env.s.inventory.byWarehouse(sku)).find((w) => w.warehouseId === 'GZ')!;
    assert.deepEqual({ onHand: gz.onHand, reserved: gz.reserved, safety: gz.safety, saleable: gz.saleable }, { onHand: 20, reserved: 3, safety: 2, saleable: 15 });
    const pub = (await env.app.inject({ method: 'GET', url: `/api/v1/mall/products/${p.id}` })).json();
    assert.deepEqual(pub.skus[0].stock, { saleable: 20, inStock: true });
    const check = (await env.app.inject({ method: 'GET', url: `/api/v1/mall/products/${p.id}/skus/${sku}?quantity=21` })).json();
    assert.equal(check.available, false);
    // Safety stock is never sold: 20 more go, the 21st does not.
    await assert.rejects(env.s.inventory.reserve('order:too-many', [{ skuId: sku, quantity: 21 }], inFifteen()), { code: 'OUT_OF_STOCK' });
    const split = await env.s.inventory.reserve('order:split', [{ skuId: sku, quantity: 20 }], inFifteen());
    assert.deepEqual(split.map((r) => [r.warehouseId, r.quantity]), [['GZ', 15], ['SZ', 5]]);
    assert.equal((await level(sku)).saleable, 0);
    assert.deepEqual((await env.app.inject({ method: 'GET', url: `/api/v1/mall/products/${p.id}` })).json().skus[0].stock, { saleable: 0, inStock: false });
  });

  test('commit takes stock off hand once; release gives it back; the same ref again is the same reservation', async () => {
    const sku = (await product()).skus[0]!.id;
    await receive(sku, 'GZ', 10);
    const r1 = await env.s.inventory.reserve('order:c1', [{ skuId: sku, quantity: 4 }], inFifteen());
    const again = await env.s.inventory.reserve('order:c1', [{ skuId: sku, quantity: 4 }], inFifteen());
    assert.deepEqual(again, r1);
    assert.deepEqual(await level(sku), { onHand: 10, reserved: 4, safety: 0, saleable: 6 });
    await env.s.inventory.commit('order:c1');
    await env.s.inventory.commit('order:c1');
    assert.deepEqual(await level(sku), { onHand: 6, reserved: 0, safety: 0, saleable: 6 });
    assert.deepEqual(await env.s.inventory.release('order:c1'), []);
    await env.s.inventory.reserve('order:c2', [{ skuId: sku, quantity: 2 }], inFifteen());
    await env.s.inventory.release('order:c2');
    await env.s.inventory.release('order:c2');
    assert.deepEqual(await level(sku), { onHand: 6, reserved: 0, safety: 0, saleable: 6 });
    await assert.rejects(env.s.inventory.commit('order:c2'), { code: 'STOCK_RESERVATION_EXPIRED' });
    await assert.rejects(env.s.inventory.commit('order:never'), { code: 'RESERVATION_NOT_FOUND' });
  });

  test("a cart's lines are reserved together in the caller's transaction, or none when one is short", async () => {
    const [a, b] = (await product({}, 2)).skus;
    await receive(a!.id, 'GZ', 5);
    await receive(b!.id, 'SZ', 1);
    await assert.rejects(env.db.transaction().execute((tx) => env.s.inventory.reserve('order:cart1', [{ skuId: a!.id, quantity: 2 }, { skuId: b!.id, quantity: 2 }], inFifteen(), tx)), { code: 'OUT_OF_STOCK' });
    assert.equal((await level(a!.id)).reserved, 0);
    // Refused inside a transaction that goes on: what the call took is put back there too.
    await env.db.transaction().execute(async (tx) => {
      await assert.rejects(env.s.inventory.reserve('order:cart2', [{ skuId: a!.id, quantity: 2 }, { skuId: b!.id, quantity: 2 }], inFifteen(), tx), { code: 'OUT_OF_STOCK' });
      assert.equal((await env.s.inventory.levels([a!.id], tx)).get(a!.id)!.reserved, 0);
      await env.s.inventory.reserve('order:cart2', [{ skuId: a!.id, quantity: 2 }, { skuId: b!.id, quantity: 1 }], inFifteen(), tx);
    });
    assert.deepEqual([(await level(a!.id)).reserved, (await level(b!.id)).reserved], [2, 1]);
    for (const quantity of [0, -1, 1.5, 100]) {
      await assert.rejects(env.s.inventory.reserve(`order:q${quantity}`, [{ skuId: a!.id, quantity }], inFifteen()), { code: 'INVALID_QUANTITY' });
    }
    assert.equal((await level(a!.id)).reserved, 2);
  });

  test('a reservation not paid in time is released by the job, and cannot be committed after', async () => {
    const sku = (await product()).skus[0]!.id;
    await receive(sku, 'GZ', 3);
    await env.s.inventory.reserve('order:late', [{ skuId: sku, quantity: 3 }], inFifteen());
    assert.equal((await level(sku)).saleable, 0);
    env.clock.advance(14 * MIN);
    await env.s.inventory.releaseExpired();
    assert.equal((await level(sku)).saleable, 0, 'not yet due');
    env.clock.advance(2 * MIN);
    assert.ok((await env.s.inventory.releaseExpired()) >= 1);
    assert.deepEqual(await level(sku), { onHand: 3, reserved: 0, safety: 0, saleable: 3 });
    assert.deepEqual((await env.s.inventory.reservations('order:late')).map((r) => r.status), ['expired']);
    await assert.rejects(env.s.inventory.commit('order:late'), { code: 'STOCK_RESERVATION_EXPIRED' });
    await assert.rejects(env.s.inventory.reserve('order:late', [{ skuId: sku, quantity: 3 }], inFifteen()), { code: 'STOCK_RESERVATION_EXPIRED' });
    assert.equal(await env.s.inventory.releaseExpired(), 0);
    assert.equal((await level(sku)).reserved, 0);
  });

  test("a seller's lot (a flash sale) holds more than an order line, and settles what sold: committed from the warehouses in order, the rest released, once", async () => {
    const sku = (await product()).skus[0]!.id;
    await receive(sku, 'GZ', 100);
    await receive(sku, 'SZ', 60);
    const lot = await env.s.inventory.reserveLot('flash:lot1', sku, 150, inFifteen());
    assert.deepEqual(lot.map((r) => [r.warehouseId, r.quantity]), [['GZ', 100], ['SZ', 50]]);
    assert.deepEqual(await level(sku), { onHand: 160, reserved: 150, safety: 0, saleable: 10 });
    for (const quantity of [0, -1, 2.5, 1_000_001]) await assert.rejects(env.s.inventory.reserveLot(`flash:bad${quantity}`, sku, quantity, inFifteen()), { code: 'INVALID_QUANTITY' });
    await assert.rejects(env.s.inventory.settle('flash:lot1', 151), { code: 'INVALID_QUANTITY' });
    await assert.rejects(env.s.inventory.settle('flash:lot1', -1), { code: 'INVALID_QUANTITY' });
    const settled = await env.s.inventory.settle('flash:lot1', 120);
    assert.deepEqual(settled.map((r) => [r.warehouseId, r.status, r.quantity]), [['GZ', 'committed', 100], ['SZ', 'committed', 20]]);
    assert.deepEqual(await level(sku), { onHand: 40, reserved: 0, safety: 0, saleable: 40 });
    assert.deepEqual((await env.s.inventory.settle('flash:lot1', 120)).map((r) => r.quantity), [100, 20], 'settling again changes nothing');
    assert.deepEqual(await level(sku), { onHand: 40, reserved: 0, safety: 0, saleable: 40 });
    // Nothing sold from one warehouse: that reservation is released.
    await env.s.inventory.reserveLot('flash:lot2', sku, 35, inFifteen());
    assert.deepEqual((await env.s.inventory.settle('flash:lot2', 0)).map((r) => r.status), ['released']);
    assert.equal((await level(sku)).saleable, 40);
    await assert.rejects(env.s.inventory.settle('flash:never', 0), { code: 'RESERVATION_NOT_FOUND' });
  });

  test('a number picked for an order is held until it expires, then free for the next buyer', async () => {
    const card = await product({ kind: 'number_card', nameZh: '新号卡', nameEn: 'New number card' });
    await env.s.goods.numbers.import(pm, card.id, '13900001111\n13900001234\n');
    await env.s.goods.numbers.reserve({ productId: card.id, number: '13900001111', ref: 'order:n1', expiresAt: inFifteen() });
    await assert.rejects(env.s.goods.numbers.reserve({ productId: card.id, number: '13900001111', ref: 'order:n2', expiresAt: inFifteen() }), { code: 'NUMBER_TAKEN' });
    await assert.rejects(env.s.goods.numbers.reserve({ productId: card.id, number: '13900009999', ref: 'order:n2', expiresAt: inFifteen() }), { code: 'NUMBER_NOT_FOUND' });
    const free = await env.s.goods.numbers.available(card.id, {}, { offset: 0, limit: 10 });
    assert.deepEqual(free.items.map((x) => x.number), ['13900001234']);
    env.clock.advance(16 * MIN);
    assert.equal(await env.s.goods.releaseExpired(), 1);
    assert.equal((await env.s.goods.numbers.get('13900001111')).status, 'available');
    await env.s.goods.numbers.reserve({ productId: card.id, number: '13900001111', ref: 'order:n2', expiresAt: inFifteen() });
    await assert.rejects(env.s.goods.numbers.sell('13900001111', 'order:n1'), { code: 'RESERVATION_NOT_FOUND' });
    await env.s.goods.numbers.sell('13900001111', 'order:n2');
    const bound = await env.s.goods.numbers.bind('13900001111', 'order:n2', 4242);
    assert.equal(bound.status, 'bound');
    env.clock.advance(60 * MIN);
    await env.s.goods.releaseExpired();
    assert.equal((await env.s.goods.numbers.get('13900001111')).status, 'bound');
  });

  test('a code-delivered SKU hands an order its codes once; asking again gives the same codes', async () => {
    const card = await product({ kind: 'recharge_card', nameZh: '50元充值卡', nameEn: '¥50 recharge card' });
    const sku = card.skus[0]!.id;
    assert.deepEqual(await env.s.goods.codes.load(pm, sku, 'CARD-0001-AAAA\nCARD-0002-BBBB\nCARD-0002-BBBB\nCARD-0003-CCCC\n'), { added: 3, skipped: 1 });
    const first = await env.s.goods.codes.issue(sku, 'order:k1', 2);
    assert.deepEqual(await env.s.goods.codes.issue(sku, 'order:k1', 2), first);
    await assert.rejects(env.s.goods.codes.issue(sku, 'order:k2', 2), { code: 'CODES_EXHAUSTED' });
    assert.deepEqual((await env.app.inject({ method: 'GET', url: `/api/v1/mall/products/${card.id}` })).json().skus[0].stock, { saleable: 1, inStock: true });
    assert.equal((await env.s.goods.codes.issue(sku, 'order:k2', 1)).length, 1);
    assert.deepEqual((await env.app.inject({ method: 'GET', url: `/api/v1/mall/products/${card.id}` })).json().skus[0].stock, { saleable: 0, inStock: false });
  });
});

describe('adjustments', () => {
  test('receive, count and safety stock each need a reason, are audited with before and after, and are in the movements', async () => {
    const sku = (await product()).skus[0]!.id;
    const token = await staffToken(env, ['ops']);
    const post = (payload: Record<string, unknown>) => env.app.inject({ method: 'POST', url: '/api/v1/console/mall/stock/adjustments', headers: { authorization: `Bearer ${token}` }, payload });
    const r = await post({ skuId: sku, warehouseId: 'SZ', kind: 'receive', quantity: 12, reason: '华为到货 PO-2026-118' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().onHand, 12);
    await env.s.inventory.reserve('order:adj', [{ skuId: sku, quantity: 5 }], inFifteen());
    const below = await post({ skuId: sku, warehouseId: 'SZ', kind: 'count', quantity: 4, reason: '盘点' });
    assert.equal(below.statusCode, 409);
    assert.equal(below.json().code, 'STOCK_BELOW_RESERVED');
    const count = await post({ skuId: sku, warehouseId: 'SZ', kind: 'count', quantity: 10, reason: '月末盘点少2台' });
    assert.equal(count.json().onHand, 10);
    for (const [payload, status, code] of [
      [{ skuId: sku, warehouseId: 'SZ', kind: 'receive', quantity: -3, reason: '退货' }, 400, 'INVALID_QUANTITY'],
      [{ skuId: sku, warehouseId: 'SZ', kind: 'receive', quantity: 0, reason: '无' }, 400, 'INVALID_QUANTITY'],
      [{ skuId: sku, warehouseId: 'SZ', kind: 'receive', quantity: 3, reason: '' }, 400, 'INVALID_INPUT'],
      [{ skuId: sku, warehouseId: 'BJ', kind: 'receive', quantity: 3, reason: '到货' }, 404, 'WAREHOUSE_NOT_FOUND'],
      [{ skuId: 999999, warehouseId: 'SZ', kind: 'receive', quantity: 3, reason: '到货' }, 404, 'SKU_NOT_FOUND'],
    ] as const) {
      const bad = await post(payload);
      assert.equal(bad.statusCode, status, bad.body);
      assert.equal(bad.json().code, code);
    }
    const marketing = await staffToken(env, ['marketing']);
    const forbidden = await env.app.inject({ method: 'POST', url: '/api/v1/console/mall/stock/adjustments', headers: { authorization: `Bearer ${marketing}` }, payload: { skuId: sku, warehouseId: 'SZ', kind: 'receive', quantity: 1, reason: 'x' } });
    assert.equal(forbidden.statusCode, 403);
    assert.deepEqual(await level(sku), { onHand: 10, reserved: 5, safety: 0, saleable: 5 });
    const audit = await env.db.selectFrom('auditEntry').select(['action', 'before', 'after', 'reason']).where('entityType', '=', 'stock_level').where('entityId', '=', `${sku}/SZ`).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => [a.action, a.reason]), [['stock.receive', '华为到货 PO-2026-118'], ['stock.count', '月末盘点少2台']]);
    assert.deepEqual(audit[1]!.before, { onHand: 12, reserved: 5, safety: 0 });
    assert.deepEqual(audit[1]!.after, { onHand: 10, reserved: 5, safety: 0 });
    const stock = (await env.app.inject({ method: 'GET', url: `/api/v1/console/mall/skus/${sku}/stock`, headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(stock.movements.map((m: { kind: string; delta: number }) => [m.kind, m.delta]), [['count', -2], ['receive', 12]]);
    assert.equal(stock.warehouses[0].saleable, 5);
  });
});

describe('under concurrency, on PostgreSQL', () => {
  test('50 orders at once for 10 units (6 in one warehouse, 4 in the other): exactly 10 reserved, never below zero', { skip: onPostgres }, async () => {
    const sku = (await product()).skus[0]!.id;
    await receive(sku, 'GZ', 6);
    await receive(sku, 'SZ', 4);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => env.s.inventory.reserve(`order:race${i}`, [{ skuId: sku, quantity: 1 }], inFifteen())));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const codes = new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [])));
    assert.equal(ok, 10);
    assert.deepEqual([...codes], ['OUT_OF_STOCK']);
    assert.deepEqual(await level(sku), { onHand: 10, reserved: 10, safety: 0, saleable: 0 });
    const held = await env.db.selectFrom('stockReservation').select((eb) => eb.fn.sum<number>('quantity').as('q')).where('skuId', '=', sku).where('status', '=', 'held').executeTakeFirstOrThrow();
    assert.equal(Number(held.q), 10);
  });

  test('orders of 3 at once for 10 units: reservations add up to at most 10', { skip: onPostgres }, async () => {
    const sku = (await product()).skus[0]!.id;
    await receive(sku, 'GZ', 5);
    await receive(sku, 'SZ', 5);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => env.s.inventory.reserve(`order:race3-${i}`, [{ skuId: sku, quantity: 3 }], inFifteen())));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    assert.ok(ok >= 1 && ok <= 3, `${ok} orders of 3 from 10`);
    const l = await level(sku);
    assert.equal(l.reserved, ok * 3);
    assert.ok(l.saleable >= 0 && l.reserved <= l.onHand);
  });

  test('20 buyers pick the same number at once: exactly one gets it; 40 picks over 5 numbers: each number to one buyer', { skip: onPostgres }, async () => {
    const card = await product({ kind: 'number_card', nameZh: '靓号卡', nameEn: 'Nice number card' });
    await env.s.goods.numbers.import(pm, card.id, ['13700008888', '13700001234', '13700005678', '13700001122', '13700002323'].join('\n'));
    const one = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => env.s.goods.numbers.reserve({ productId: card.id, number: '13700008888', ref: `order:pick${i}`, expiresAt: inFifteen() })));
    assert.equal(one.filter((r) => r.status === 'fulfilled').length, 1);
    assert.deepEqual([...new Set(one.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [])))], ['NUMBER_TAKEN']);
    const numbers = ['13700001234', '13700005678', '13700001122', '13700002323'];
    const many = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => env.s.goods.numbers.reserve({ productId: card.id, number: numbers[i % 4]!, ref: `order:many${i}`, expiresAt: inFifteen() })));
    const winners = many.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    assert.equal(winners.length, 4);
    assert.deepEqual(winners.map((w) => w.number).sort(), [...numbers].sort());
    const rows = await env.db.selectFrom('goodsNumber').select(['number', 'ref']).where('productId', '=', card.id).execute();
    // Each number is held by the one buyer who was told they have it.
    const winnerRefs = many.flatMap((r, i) => (r.status === 'fulfilled' ? [`order:many${i}`] : []));
    assert.deepEqual(rows.filter((r) => r.number !== '13700008888').map((r) => r.ref).sort(), winnerRefs.sort());
  });

  test('40 orders at once for 30 codes: 30 get one each, no code twice, 10 are told none are left', { skip: onPostgres }, async () => {
    const sku = (await product({ kind: 'virtual', nameZh: '视频会员月卡', nameEn: 'Video membership, 1 month' })).skus[0]!.id;
    await env.s.goods.codes.load(pm, sku, Array.from({ length: 30 }, (_, i) => `VIP-${String(i).padStart(6, '0')}`).join('\n'));
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => env.s.goods.codes.issue(sku, `order:code${i}`, 1)));
    const codes = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    assert.equal(codes.length, 30);
    assert.equal(new Set(codes).size, 30);
    assert.deepEqual([...new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [])))], ['CODES_EXHAUSTED']);
    const issued = await env.db.selectFrom('goodsCode').select(['ref']).where('skuId', '=', sku).execute();
    assert.equal(new Set(issued.map((r) => r.ref)).size, 30);
  });

  test('expiry jobs on four nodes at once release each lapsed reservation once', { skip: onPostgres }, async () => {
    const sku = (await product()).skus[0]!.id;
    await receive(sku, 'GZ', 40);
    for (let i = 0; i < 40; i++) await env.s.inventory.reserve(`order:lapse${i}`, [{ skuId: sku, quantity: 1 }], inFifteen());
    env.clock.advance(16 * MIN);
    // Each node takes batches of 7 until none is left; a reservation released twice would take
    // `reserved` below zero (refused by the table) or below what the others still hold.
    const node = async () => { let k = 0; for (let got = 1; got > 0; k += got) got = await env.s.inventory.releaseExpired(7); return k; };
    const released = await Promise.all(Array.from({ length: 4 }, node));
    assert.ok(released.reduce((a, b) => a + b, 0) >= 40);
    const statuses = await env.db.selectFrom('stockReservation').select('status').where('skuId', '=', sku).execute();
    assert.deepEqual([...new Set(statuses.map((r) => r.status))], ['expired']);
    assert.equal(statuses.length, 40);
    assert.deepEqual(await level(sku), { onHand: 40, reserved: 0, safety: 0, saleable: 40 });
  });
});
