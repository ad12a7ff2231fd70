// A node of test/mall-orders-crash.test.ts: `setup` makes a shop with one cable in stock and a
// subscriber with it in the cart; `place <key> <method>` places the cart (HANG=commit stops it
// inside inventory.commit, HANG=after-payment right after the payment was made, for the parent's
// SIGKILL); `pay <orderId>` pays a sandbox order's trade and delivers its notification (HANG as
// above); `restart [reconcile]` is the next start: the workflow runner's ticks until nothing is
// due, then the reconciliation job if asked. AHEAD_MS moves this node's clock on (a lease, a
// payment's age).
import { loadConfig, type Config } from '../src/config.ts';
import { openDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { seedCatalogue } from '../src/demo/seed.ts';
import { buildServices } from '../src/container.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { addSubscriber } from './helpers.ts';

const [mode, arg, method] = process.argv.slice(2);
const ahead = Number(process.env.AHEAD_MS ?? 0);
const clock = { now: () => new Date(Date.now() + ahead) };
const dataDir = process.env.CRASH_DATA_DIR ?? 'memory://';
const config: Config = { ...loadConfig({}), databaseUrl: process.env.DATABASE_URL, dataDir, demo: false, dbPoolSize: 4, payment: { ...loadConfig({}).payment, sandboxSecret: 'crash-test-sandbox-secret' } };
const opened = await openDb({ databaseUrl: process.env.DATABASE_URL, dataDir, poolSize: 4 });
await migrate(opened.db);
const s = await buildServices(config, opened.db, { clock, defaultMetrics: false });
const never = () => new Promise<never>(() => {});
const say = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

if (process.env.HANG === 'commit') {
  s.inventory.commit = async () => { say('hanging'); return never(); };
}
if (process.env.HANG === 'after-payment') {
  const create = s.payments.create.bind(s.payments);
  s.payments.create = async (input) => { await create(input); say('hanging'); return never(); };
}

const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };
if (mode === 'setup') {
  await seedCatalogue(opened.db);
  const actor = (id: number, name: string, roles: ('product' | 'ops')[]) => ({ id, name, roles });
  const pm = actor(await createStaffUser(opened.db, { username: 'pm1', displayName: '甲', password: 'correct horse battery', roles: ['product'] }), '甲', ['product']);
  const pm2 = actor(await createStaffUser(opened.db, { username: 'pm2', displayName: '乙', password: 'correct horse battery', roles: ['product'] }), '乙', ['product']);
  const ops = actor(await createStaffUser(opened.db, { username: 'ops', displayName: '丙', password: 'correct horse battery', roles: ['ops'] }), '丙', ['ops']);
  await s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' });
  const p = await s.goods.products.create(pm, { kind: 'physical', nameZh: '数据线', nameEn: 'Cable', brand: '测试', skus: [{ code: 'CRASH-C', listFen: 4_900, saleFen: 4_900 }] });
  const c = await s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: new Date(Date.now() - 60_000).toISOString() });
  await s.goods.products.review(pm2, c.id, { approve: true });
  await s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 10, reason: '到货' });
  const subs = [];
  for (let i = 0; i < 3; i++) {
    const sub = await addSubscriber(opened.db, { msisdn: `1390000100${i}`, balanceFen: 100_000 });
    await s.cart.put({ subscriberId: sub.id }, { productId: p.id, skuId: p.skus[0]!.id, quantity: 1 });
    subs.push(sub.id);
  }
  say({ subscribers: subs, skuId: p.skus[0]!.id });
} else if (mode === 'place') {
  const r = await s.checkout.orders.place(Number(process.env.SUBSCRIBER_ID), { address: HOME, method: method as 'balance', expectedTotalFen: 5_900, confirm: true }, arg!);
  say({ orderId: r.order.id, state: r.order.state, next: r.next });
} else if (mode === 'pay') {
  const o = await s.checkout.orders.get(Number(arg));
  const p = await s.payments.get(o.paymentId!);
  const trade = (await opened.db.selectFrom('sandboxTrade').selectAll().where('outTradeNo', '=', p.id).executeTakeFirstOrThrow());
  await s.payments.sandbox!.decide(trade.tradeNo, true);
  const paid = (await opened.db.selectFrom('sandboxTrade').selectAll().where('tradeNo', '=', trade.tradeNo).executeTakeFirstOrThrow());
  say(await s.payments.notify('sandbox', s.payments.sandbox!.notification(paid, clock.now())));
} else if (mode === 'restart') {
  while ((await s.workflows.tick()) > 0);
  if (arg === 'reconcile') await s.payments.reconcile();
  await s.checkout.orders.refundUndone();
  say('restarted');
}
await s.close();
await opened.close();
