// The demo's past orders (src/modules/checkout/demo.ts, seeded by src/main.ts): 李明 has an order in
// every state over the last two weeks, placed through the real checkout and moved on by the real
// payment and delivery services; seeded once even when two nodes start at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { seedDemoGoods } from '../src/modules/goods/index.ts';
import { seedDemoInventory } from '../src/modules/inventory/index.ts';
import { seedDemoOrders } from '../src/modules/checkout/index.ts';
import { buildServices } from '../src/container.ts';
import { ManualClock } from '../src/platform/ports.ts';

let env: TestEnv;
let me: number;
const NOW = new Date('2026-12-02T02:00:00Z');

before(async () => {
  env = await startTestEnv({ now: NOW });
  me = (await addSubscriber(env.db, { msisdn: '13800000001', balanceFen: 2_000 })).id;
  const shop = await seedDemoGoods(env.db, env.s.audit, new Date(NOW.getTime() - 30 * 86_400_000));
  await seedDemoInventory(env.db, env.s.audit, NOW, shop.stockPlan);
  // Two nodes starting at once: each seeds with services of its own on a clock it moves; one writes.
  const runs = await Promise.all([0, 1].map(async () => {
    const clock = new ManualClock(NOW);
    const s = await buildServices(env.config, env.db, { clock, defaultMetrics: false });
    try {
      return (await seedDemoOrders({ ...s, clock }, NOW)).created;
    } finally {
      await s.close();
    }
  }));
  assert.deepEqual(runs.sort(), [false, true]);
});
after(() => env.close());

test('李明 has an order in every state, newest first, each moved on by payments and deliveries', async () => {
  const { items } = await env.s.checkout.orders.list(me, { offset: 0, limit: 50 });
  assert.deepEqual(items.map((o) => o.state), ['awaiting_payment', 'cancelled', 'paid', 'awaiting_delivery', 'shipped', 'expired', 'delivered', 'completed', 'refunded']);
  const by = (state: string) => items.find((o) => o.state === state)!;
  assert.equal((await env.s.payments.get(by('refunded').paymentId!)).state, 'refunded');
  assert.equal((await env.s.delivery.get(by('delivered').shipmentId!)).state, 'delivered');
  const sim = by('delivered').lines.find((l) => l.delivery === 'number');
  assert.ok(sim?.number);
  assert.equal((await env.s.goods.numbers.get(sim.number)).status, 'bound');
  assert.equal(by('awaiting_delivery').method, 'cod');
  assert.equal(by('expired').workflow.error, 'timeout');
  assert.ok(new Date(items.at(-1)!.placedAt) < new Date(NOW.getTime() - 10 * 86_400_000), 'placed in the past, at the time the demo says');
  // The console's search by state finds the parcel on its way.
  assert.deepEqual((await env.s.checkout.orders.search({ state: 'shipped' }, { offset: 0, limit: 10 })).items.map((o) => o.id), [by('shipped').id]);
});
