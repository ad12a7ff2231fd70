// Flash sales (秒杀): created by staff and approved by a second person (its quantity then held from
// the stock), NOT_STARTED and ENDED at the window's edges, hundreds of buyers at once for a few
// units (exactly that many orders, none oversold, nobody past the limit, the losers SOLD_OUT with
// no order and nothing charged), an unpaid winner's unit back on sale after 15 minutes, the same
// Idempotency-Key answering the same order, and the settlement after the end: what sold leaves
// the stock, the rest is saleable again. On PostgreSQL (DATABASE_URL) the buyers really race.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import type { ProductView } from '../src/modules/goods/index.ts';
import { SUBSCRIBER_TOKEN_TTL_S } from '../src/modules/identity/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { seedDemoGoods } from '../src/modules/goods/index.ts';
import { seedDemoInventory } from '../src/modules/inventory/index.ts';
import { FlashSales, seedDemoFlashSales } from '../src/modules/flashsale/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let pm: Actor;
let marketer: Actor;
let pmToken: string;
let marketerToken: string;
let phone: ProductView;
const NOW = new Date('2026-12-02T02:00:00Z');
const MIN = 60_000;
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };
let k = 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'GET' | 'POST', url: string, token?: string, body?: unknown, key?: string): Promise<{ status: number; json: any }> {
  const r = await env.app.inject({
    method, url: `/api/v1${url}`,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(key ? { 'idempotency-key': key } : {}) }, ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: r.statusCode, json: r.json() };
}

async function listedPhone(stock: number): Promise<ProductView> {
  const n = ++k;
  const p = await env.s.goods.products.create(pm, { kind: 'physical', nameZh: `秒杀手机${n}`, nameEn: `Flash phone ${n}`, brand: '测试', skus: [{ code: `FS-${n}`, listFen: 199_900, saleFen: 189_900 }] });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  const other: Actor = { id: marketer.id + 1000, name: '产品经理乙', roles: ['product'] };
  await env.s.goods.products.review(other, c.id, { approve: true });
  await env.s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: stock, reason: '到货入库' });
  return env.s.goods.products.get(p.id);
}

/** A sale of `quantity` of the product, created by the product manager and approved by marketing; `startsIn` from now. */
async function liveSale(p: ProductView, quantity: number, o: { startsIn?: number; lasts?: number; limit?: number; priceFen?: number } = {}): Promise<number> {
  const startsAt = new Date(env.clock.now().getTime() + (o.startsIn ?? 0));
  const endsAt = new Date(startsAt.getTime() + (o.lasts ?? 60 * MIN));
  const created = await call('POST', '/mall/flash-sales', pmToken, {
    skuId: p.skus[0]!.id, quantity, priceFen: o.priceFen ?? 99_900, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), perSubscriberLimit: o.limit ?? 1,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const ok = await call('POST', `/console/mall/flash-sales/${created.json.id}/approve`, marketerToken, {});
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  return created.json.id as number;
}

async function buyer(balanceFen = 1_000_000): Promise<{ id: number; token: string }> {
  const s = await addSubscriber(env.db, { balanceFen });
  return { id: s.id, token: await env.s.authSessions.issue({ kind: 'subscriber', subscriberId: s.id }, SUBSCRIBER_TOKEN_TTL_S) };
}
const buy = (saleId: number, token: string, key: string, body: unknown = { address: HOME }) => call('POST', `/mall/flash-sales/${saleId}/orders`, token, body, key);
const level = async (p: ProductView) => (await env.s.inventory.levels([p.skus[0]!.id])).get(p.skus[0]!.id)!;
const sale = async (id: number) => (await call('GET', `/console/mall/flash-sales/${id}`, pmToken)).json;

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'fs-pm', displayName: '产品经理', password: 'correct horse battery', roles: ['product'] }), name: '产品经理', roles: ['product'] };
  marketer = { id: await createStaffUser(env.db, { username: 'fs-mk', displayName: '营销专员', password: 'correct horse battery', roles: ['marketing'] }), name: '营销专员', roles: ['marketing'] };
  for (const [who, username] of [['pm', 'fs-pm'], ['mk', 'fs-mk']] as const) {
    const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username, password: 'correct horse battery' } });
    if (who === 'pm') pmToken = r.json().token; else marketerToken = r.json().token;
  }
  const ops: Actor = { id: await createStaffUser(env.db, { username: 'fs-ops', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
  await env.s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' }).catch(() => undefined);
  phone = await listedPhone(100);
});
after(() => env.close());

describe('staff create a flash sale and a second person approves it', () => {
  test('created pending (nothing held), never approved by its creator, approved by marketing: its quantity held from the stock; audited', async () => {
    const p = await listedPhone(30);
    const startsAt = new Date(NOW.getTime() + 60 * MIN).toISOString();
    const endsAt = new Date(NOW.getTime() + 120 * MIN).toISOString();
    const r = await call('POST', '/mall/flash-sales', pmToken, { skuId: p.skus[0]!.id, quantity: 20, priceFen: 99_900, startsAt, endsAt });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.deepEqual([r.json.status, r.json.phase, r.json.perSubscriberLimit, r.json.remaining], ['pending', 'pending', 1, 20]);
    assert.equal((await level(p)).saleable, 30, 'nothing held while pending');
    // Not on the public list, and not to be bought, until approved.
    assert.ok(!(await call('GET', '/mall/flash-sales')).json.items.some((x: { id: number }) => x.id === r.json.id));
    assert.equal((await call('GET', `/mall/flash-sales/${r.json.id}`)).status, 404);
    const self = await call('POST', `/console/mall/flash-sales/${r.json.id}/approve`, pmToken, {});
    assert.deepEqual([self.status, self.json.code], [409, 'SELF_REVIEW']);
    const ok = await call('POST', `/console/mall/flash-sales/${r.json.id}/approve`, marketerToken, {});
    assert.deepEqual([ok.status, ok.json.status, ok.json.phase, ok.json.remaining], [200, 'approved', 'upcoming', 20]);
    assert.deepEqual(await level(p), { onHand: 30, reserved: 20, safety: 0, saleable: 10 });
    const again = await call('POST', `/console/mall/flash-sales/${r.json.id}/approve`, marketerToken, {});
    assert.deepEqual([again.status, again.json.code], [409, 'REVIEW_NOT_PENDING']);
    const pub = (await call('GET', '/mall/flash-sales')).json;
    const shown = pub.items.find((x: { id: number }) => x.id === r.json.id);
    assert.deepEqual([shown.phase, shown.remaining, shown.priceFen, shown.saleFen, shown.startsAtLocal], ['upcoming', 20, 99_900, 189_900, '2026-12-02 11:00']);
    assert.equal(pub.serverTime, NOW.toISOString());
    assert.equal(shown.createdBy, undefined, 'the public does not see who made it');
    const audit = await env.db.selectFrom('auditEntry').select(['action', 'actorId']).where('entityType', '=', 'flash_sale').where('entityId', '=', String(r.json.id)).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => [a.action, a.actorId]), [['flashsale.create', pm.id], ['flashsale.approve', marketer.id]]);
  });

  test('approval with too little stock is OUT_OF_STOCK and the sale stays pending; a rejection needs a reason', async () => {
    const p = await listedPhone(5);
    const at = (m: number) => new Date(NOW.getTime() + m * MIN).toISOString();
    const r = await call('POST', '/console/mall/flash-sales', pmToken, { skuId: p.skus[0]!.id, quantity: 6, priceFen: 99_900, startsAt: at(10), endsAt: at(20) });
    assert.equal(r.status, 201);
    const short = await call('POST', `/console/mall/flash-sales/${r.json.id}/approve`, marketerToken, {});
    assert.deepEqual([short.status, short.json.code], [409, 'OUT_OF_STOCK']);
    assert.equal((await sale(r.json.id)).status, 'pending');
    assert.equal((await level(p)).reserved, 0);
    assert.equal((await call('POST', `/console/mall/flash-sales/${r.json.id}/reject`, marketerToken, { reason: '  ' })).json.code, 'INVALID_INPUT');
    const no = await call('POST', `/console/mall/flash-sales/${r.json.id}/reject`, marketerToken, { reason: '库存不足' });
    assert.deepEqual([no.status, no.json.status, no.json.reviewReason], [200, 'rejected', '库存不足']);
  });

  test('bad input answers a stable code and creates nothing; subscribers and other roles may not create one', async () => {
    const sku = phone.skus[0]!.id;
    const at = (m: number) => new Date(NOW.getTime() + m * MIN).toISOString();
    const good = { skuId: sku, quantity: 10, priceFen: 99_900, startsAt: at(10), endsAt: at(20) };
    const before = (await call('GET', '/console/mall/flash-sales', pmToken)).json.total;
    const video = await env.s.goods.products.create(pm, { kind: 'virtual', delivery: 'credit', nameZh: '视频会员', nameEn: 'Video membership', brand: '测试', skus: [{ code: `FS-V-${++k}`, listFen: 2_500, saleFen: 1_900 }] });
    for (const [body, status, code] of [
      [{ ...good, endsAt: at(5) }, 400, 'INVALID_INPUT'],
      [{ ...good, startsAt: at(-30), endsAt: at(-10) }, 400, 'INVALID_INPUT'],
      [{ ...good, quantity: -1 }, 400, 'INVALID_INPUT'],
      [{ ...good, quantity: 1.5 }, 400, 'INVALID_INPUT'],
      [{ ...good, priceFen: 189_901 }, 400, 'INVALID_INPUT'],
      [{ ...good, perSubscriberLimit: 0 }, 400, 'INVALID_INPUT'],
      [{ ...good, startsAt: 'tomorrow' }, 400, 'INVALID_INPUT'],
      [{ ...good, skuId: 99_999_999 }, 404, 'SKU_NOT_FOUND'],
      [{ ...good, skuId: video.skus[0]!.id, priceFen: 900 }, 400, 'FLASH_SALE_NOT_STOCKED'],
    ] as const) {
      const r = await call('POST', '/mall/flash-sales', pmToken, body);
      assert.deepEqual([r.status, r.json.code], [status, code], JSON.stringify(body));
    }
    const me = await buyer();
    assert.equal((await call('POST', '/mall/flash-sales', me.token, good)).status, 403);
    assert.equal((await call('POST', '/mall/flash-sales', undefined, good)).status, 401);
    const agent = await staffToken(env, ['agent']);
    assert.equal((await call('POST', '/mall/flash-sales', agent, good)).status, 403);
    assert.equal((await call('GET', '/console/mall/flash-sales', pmToken)).json.total, before);
  });
});

describe('buying', () => {
  test('NOT_STARTED before its start, on sale from its start, ENDED from its end (the test clock at each edge)', async () => {
    const id = await liveSale(phone, 5, { startsIn: 10 * MIN, lasts: 30 * MIN });
    const me = await buyer();
    env.clock.advance(10 * MIN - 1);
    const early = await buy(id, me.token, 'flash-edge-0001');
    assert.deepEqual([early.status, early.json.code, early.json.startsAt], [409, 'NOT_STARTED', new Date(NOW.getTime() + 10 * MIN).toISOString()]);
    env.clock.advance(1);
    const won = await buy(id, me.token, 'flash-edge-0002');
    assert.deepEqual([won.status, won.json.order.state, won.json.order.source, won.json.order.totalFen], [201, 'awaiting_payment', `flash:${id}`, 99_900]);
    env.clock.advance(30 * MIN - 1);
    const late = await buyer();
    assert.equal((await buy(id, late.token, 'flash-edge-0003')).status, 201);
    env.clock.advance(1);
    const ended = await buy(id, (await buyer()).token, 'flash-edge-0004');
    assert.deepEqual([ended.status, ended.json.code], [409, 'ENDED']);
    // The public list shows only sales not yet ended.
    assert.ok(!(await call('GET', '/mall/flash-sales')).json.items.some((x: { id: number }) => x.id === id));
    env.clock.set(NOW);
  });

  test('the same Idempotency-Key answers the same order; another request under it 422; no key 400; bad address 400; nothing taken by any', async () => {
    const id = await liveSale(phone, 3, { limit: 1 });
    const me = await buyer();
    const noKey = await call('POST', `/mall/flash-sales/${id}/orders`, me.token, { address: HOME });
    assert.deepEqual([noKey.status, noKey.json.code], [400, 'IDEMPOTENCY_KEY_REQUIRED']);
    const noAddress = await buy(id, me.token, 'flash-idem-0000', {});
    assert.deepEqual([noAddress.status, noAddress.json.code], [400, 'ADDRESS_REQUIRED']);
    const far = await buy(id, me.token, 'flash-idem-0000', { address: { ...HOME, province: '西藏自治区' } });
    assert.deepEqual([far.status, far.json.code], [400, 'ADDRESS_OUT_OF_AREA']);
    assert.equal((await sale(id)).remaining, 3);
    const first = await buy(id, me.token, 'flash-idem-0001');
    assert.equal(first.status, 201);
    const same = await buy(id, me.token, 'flash-idem-0001');
    assert.deepEqual([same.status, same.json.order.id], [200, first.json.order.id]);
    const reused = await buy(id, me.token, 'flash-idem-0001', { address: { ...HOME, detail: '另一个地址' } });
    assert.deepEqual([reused.status, reused.json.code], [422, 'IDEMPOTENCY_KEY_REUSED']);
    const second = await buy(id, me.token, 'flash-idem-0002');
    assert.deepEqual([second.status, second.json.code, second.json.limit], [409, 'LIMIT_REACHED', 1]);
    const s = await sale(id);
    assert.deepEqual([s.remaining, s.awaitingPayment, s.sold], [2, 1, 0]);
    assert.equal((await env.s.checkout.orders.list(me.id, { offset: 0, limit: 10 })).total, 1);
    assert.equal((await buy(99_999_999, me.token, 'flash-idem-0003')).json.code, 'FLASH_SALE_NOT_FOUND');
    const staff = await call('POST', `/mall/flash-sales/${id}/orders`, pmToken, { address: HOME }, 'flash-idem-0004');
    assert.equal(staff.status, 403);
  });

  test('300 buyers at once for 20 units: exactly 20 orders, none oversold, each buyer within the limit, the losers SOLD_OUT with no order and nothing charged', async () => {
    const p = await listedPhone(40);
    const id = await liveSale(p, 20, { limit: 1 });
    const buyers = await Promise.all(Array.from({ length: 300 }, () => buyer()));
    const answers = await Promise.all(buyers.map((b, i) => buy(id, b.token, `flash-race-${i}`)));
    const won = answers.filter((a) => a.status === 201);
    assert.equal(won.length, 20);
    const codes = new Set(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.json.code}`));
    assert.deepEqual([...codes], ['409 SOLD_OUT']);
    const perBuyer = new Map<number, number>();
    for (const b of buyers) {
      const orders = await env.s.checkout.orders.list(b.id, { offset: 0, limit: 10 });
      perBuyer.set(b.id, orders.total);
      const money = await balanceAndLedger(env.db, b.id);
      assert.deepEqual(money, { balanceFen: 1_000_000, ledgerFen: 1_000_000 }, 'nobody is charged by winning or losing');
    }
    assert.ok([...perBuyer.values()].every((n) => n <= 1), 'nobody past the limit');
    assert.equal([...perBuyer.values()].reduce((a, b) => a + b, 0), 20, 'an order for each unit, none for a loser');
    const s = await sale(id);
    assert.deepEqual([s.remaining, s.awaitingPayment, s.sold], [0, 20, 0]);
    assert.deepEqual(await level(p), { onHand: 40, reserved: 20, safety: 0, saleable: 20 }, 'the sale sold only what it held');
  });

  test('a limit of 2: buyers tapping four times at once each get at most 2', async () => {
    const p = await listedPhone(60);
    const id = await liveSale(p, 50, { limit: 2 });
    const buyers = await Promise.all(Array.from({ length: 20 }, () => buyer()));
    const answers = await Promise.all(buyers.flatMap((b, i) => [0, 1, 2, 3].map((t) => buy(id, b.token, `flash-two-${i}-${t}`))));
    assert.equal(answers.filter((a) => a.status === 201).length, 40);
    assert.ok(answers.filter((a) => a.status !== 201).every((a) => a.json.code === 'LIMIT_REACHED'));
    for (const b of buyers) assert.equal((await env.s.checkout.orders.list(b.id, { offset: 0, limit: 10 })).total, 2);
    assert.equal((await sale(id)).remaining, 10);
  });
});

describe('buyers asking at once are served together (buy-batches.ts)', () => {
  test('one buyer tapping five times under one key gets one order: 201 once, then the same order replayed', async () => {
    const p = await listedPhone(30);
    const id = await liveSale(p, 20, { limit: 3 });
    const me = await buyer();
    const others = await Promise.all(Array.from({ length: 10 }, () => buyer()));
    const answers = await Promise.all([
      ...[0, 1, 2, 3, 4].map(() => buy(id, me.token, 'flash-tap-same')),
      ...others.map((b, i) => buy(id, b.token, `flash-tap-other-${i}`)),
    ]);
    const mine = answers.slice(0, 5);
    assert.deepEqual(mine.map((a) => a.status).sort(), [200, 200, 200, 200, 201]);
    assert.equal(new Set(mine.map((a) => a.json.order.id)).size, 1, 'every tap answers the same order');
    assert.equal((await env.s.checkout.orders.list(me.id, { offset: 0, limit: 10 })).total, 1);
    assert.ok(answers.slice(5).every((a) => a.status === 201));
    assert.equal((await sale(id)).remaining, 9);
  });

  test('a burst mixing winners, a reused key, a far address, buyers at their limit and losers: each gets its own answer', async () => {
    const p = await listedPhone(30);
    const id = await liveSale(p, 6, { limit: 1 });
    const early = await buyer();
    const reuser = await buyer();
    assert.equal((await buy(id, early.token, 'flash-mix-early')).status, 201);
    assert.equal((await buy(id, reuser.token, 'flash-mix-reuse')).status, 201);
    const crowd = await Promise.all(Array.from({ length: 12 }, () => buyer()));
    const far = await buyer();
    const answers = await Promise.all([
      buy(id, early.token, 'flash-mix-early-2'),
      buy(id, reuser.token, 'flash-mix-reuse', { address: { ...HOME, detail: '另一个地址' } }),
      buy(id, far.token, 'flash-mix-far', { address: { ...HOME, province: '西藏自治区' } }),
      ...crowd.map((b, i) => buy(id, b.token, `flash-mix-${i}`)),
    ]);
    assert.deepEqual([answers[0]!.status, answers[0]!.json.code], [409, 'LIMIT_REACHED']);
    assert.deepEqual([answers[1]!.status, answers[1]!.json.code], [422, 'IDEMPOTENCY_KEY_REUSED']);
    assert.deepEqual([answers[2]!.status, answers[2]!.json.code], [400, 'ADDRESS_OUT_OF_AREA']);
    const rest = answers.slice(3);
    assert.equal(rest.filter((a) => a.status === 201).length, 4, 'the 4 units left, to 4 of the crowd');
    assert.ok(rest.filter((a) => a.status !== 201).every((a) => a.json.code === 'SOLD_OUT'));
    assert.equal((await env.s.checkout.orders.list(far.id, { offset: 0, limit: 10 })).total, 0);
    const s = await sale(id);
    assert.deepEqual([s.remaining, s.awaitingPayment], [0, 6]);
  });

  test('a request that fails its batch is tried again alone: the others in the batch still win, it gets its own error, nothing of it is written', async () => {
    const p = await listedPhone(30);
    const id = await liveSale(p, 20, { limit: 1 });
    const poisoned = await buyer();
    const crowd = await Promise.all(Array.from({ length: 15 }, () => buyer()));
    // The real flash sales over the real orders, but the orders refuse one buyer with a fault (as a
    // broken row or a bug would): the batches holding that buyer fail as a whole.
    let sharedFaults = 0;
    const real = env.s.flashSales as unknown as { deps: ConstructorParameters<typeof FlashSales>[0] };
    const orders = real.deps.orders;
    const faulty = new FlashSales({
      ...real.deps,
      orders: {
        get: (oid, q) => orders.get(oid, q),
        placeHeldMany: async (q, inputs) => {
          if (inputs.some((x) => x.subscriberId === poisoned.id)) {
            if (inputs.length > 1) sharedFaults++;
            throw new Error('a fault in one order');
          }
          return orders.placeHeldMany(q, inputs);
        },
      },
    });
    // Last of the burst, so it waits with others for a batch while the first ones are served.
    const results = await Promise.allSettled([...crowd, poisoned].map((b, i) => faulty.buy(b.id, id, { idempotencyKey: `flash-fault-${i}`, address: HOME })));
    assert.ok(sharedFaults >= 1, 'the fault came in a batch with others');
    assert.equal(results.at(-1)!.status, 'rejected');
    assert.match(String((results.at(-1) as PromiseRejectedResult).reason), /a fault in one order/);
    assert.ok(results.slice(0, -1).every((r) => r.status === 'fulfilled'), 'the rest of its batch won');
    assert.equal((await env.s.checkout.orders.list(poisoned.id, { offset: 0, limit: 10 })).total, 0);
    const s = await sale(id);
    assert.deepEqual([s.remaining, s.awaitingPayment], [5, 15], 'the failed batches took no unit');
  });
});

describe('after winning', () => {
  test("an unpaid winner's unit is back on sale after 15 minutes and the buyer may try again; a paid one is sold; after the end what sold leaves the stock", async () => {
    const p = await listedPhone(10);
    const id = await liveSale(p, 2, { limit: 1, lasts: 60 * MIN });
    const payer = await buyer();
    const idler = await buyer();
    const paidOrder = (await buy(id, payer.token, 'flash-life-0001')).json.order;
    const idleOrder = (await buy(id, idler.token, 'flash-life-0002')).json.order;
    const late = await buyer();
    assert.equal((await buy(id, late.token, 'flash-life-0003')).json.code, 'SOLD_OUT');
    const paid = await call('POST', `/mall/orders/${paidOrder.id}/payment`, payer.token, { method: 'balance', confirm: true }, 'flash-pay-0001');
    assert.equal(paid.status, 201, JSON.stringify(paid.json));
    assert.deepEqual([(await sale(id)).sold, (await sale(id)).awaitingPayment], [1, 1]);
    env.clock.advance(15 * MIN + 1_000);
    // Every run due then (the other tests' unpaid orders too) is ticked.
    while (await env.s.workflows.tick(200) > 0);
    assert.equal((await call('GET', `/mall/orders/${idleOrder.id}`, idler.token)).json.state, 'expired');
    assert.deepEqual([(await sale(id)).remaining, (await sale(id)).awaitingPayment], [1, 0], 'the unit is on sale again');
    const second = await buy(id, late.token, 'flash-life-0004');
    assert.equal(second.status, 201, 'someone else buys it');
    // The idler's slot is free again too, but the unit has gone.
    assert.equal((await buy(id, idler.token, 'flash-life-0005')).json.code, 'SOLD_OUT');
    assert.equal((await call('POST', `/mall/orders/${second.json.order.id}/payment`, late.token, { method: 'balance', confirm: true }, 'flash-pay-0002')).status, 201);
    // Not settled while it runs, nor while an order awaits payment after the end.
    await env.s.flashSales.settleEnded();
    assert.equal((await sale(id)).status, 'approved');
    env.clock.advance(45 * MIN);
    // (Other tests' sales have ended by now as well.)
    assert.ok(await env.s.flashSales.settleEnded() >= 1);
    assert.equal(await env.s.flashSales.settleEnded(), 0, 'once');
    const s = await sale(id);
    assert.deepEqual([s.status, s.phase, s.sold, s.remaining], ['settled', 'settled', 2, 0]);
    // Both paid units left on hand when the orders committed or at settlement, never twice.
    const l = await level(p);
    assert.equal(l.reserved, 0);
    assert.equal(l.onHand, 8);
    assert.equal(l.saleable, 8);
    env.clock.set(NOW);
  });

  test('a sale that sold nothing gives all its units back at settlement', async () => {
    const p = await listedPhone(10);
    const id = await liveSale(p, 6, { lasts: 10 * MIN });
    assert.equal((await level(p)).saleable, 4);
    env.clock.advance(10 * MIN);
    assert.ok(await env.s.flashSales.settleEnded() >= 1);
    assert.deepEqual(await level(p), { onHand: 10, reserved: 0, safety: 0, saleable: 10 });
    assert.deepEqual([(await sale(id)).sold, (await sale(id)).status], [0, 'settled']);
    env.clock.set(NOW);
  });
});

test('the demo shop has a flash sale live now and one tomorrow at 10:00 Beijing time, seeded once', async () => {
  // A shop of its own: the demo goods are seeded only into a shop without any.
  const demo = await startTestEnv({ now: NOW });
  try {
    const shop = await seedDemoGoods(demo.db, demo.s.audit, NOW);
    await seedDemoInventory(demo.db, demo.s.audit, NOW, shop.stockPlan);
    assert.deepEqual(await seedDemoFlashSales(demo.db, demo.s.goods, demo.s.flashSales, NOW), { created: 2 });
    assert.deepEqual(await seedDemoFlashSales(demo.db, demo.s.goods, demo.s.flashSales, NOW), { created: 0 });
    const pub = (await demo.app.inject({ method: 'GET', url: '/api/v1/mall/flash-sales' })).json().items;
    assert.deepEqual(pub.map((x: { phase: string; startsAtLocal: string; remaining: number; perSubscriberLimit: number }) => [x.phase, x.startsAtLocal, x.remaining, x.perSubscriberLimit]),
      [['live', '2026-12-02 10:00', 50, 2], ['upcoming', '2026-12-03 10:00', 20, 1]]);
  } finally {
    await demo.close();
  }
});
