// Checkout benchmark (issue 10): orders per second and the p99 of placing a two-line cart (a phone
// case and a charger, shipped) paid from the phone balance, through the real checkout
// (Checkout.orders.place: the cart re-quoted, the order and its stock holds written, the workflow
// run, the payment made and settled, the stock committed, the shipment made) beside the same
// business written by hand as plain SQL in one transaction a database person would type (read the
// cart and its prices, take the stock conditionally, write the order and its lines, charge the
// balance with its ledger entry, write the payment and the shipment, empty the cart), on the same
// database in one run. Both sides run the same number of concurrent buyers, each with its own
// subscriber and cart; the ratio is omnihall / hand orders per second (target ≥ 0.5). Each side's
// outcome is checked (orders paid, stock and balances moved by exactly what was sold) before the
// ratio is printed. The sides run in four slices each, alternating which goes first.
//
//   npx tsx bench/checkout.ts                      400 orders a side, 8 buyers at once
//   npx tsx bench/checkout.ts --orders 1000 --concurrency 16
//
// The data lives in a scratch database of its own, omnihall_bench_checkout, on the server of
// --database-url (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test), made afresh each run
// by the modules' own migrations.
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import pg from 'pg';
import { openDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { seedCatalogue } from '../src/demo/seed.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { buildServices } from '../src/container.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

const { values: flags } = parseArgs({
  options: {
    orders: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '8' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const ORDERS = Number(flags.orders);
const C = Number(flags.concurrency);
const DB_NAME = 'omnihall_bench_checkout';
const TARGET = 0.5;
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };

const base = new URL(flags['database-url']);
const admin = new pg.Client({ connectionString: base.toString() });
await admin.connect();
await admin.query(`drop database if exists ${DB_NAME} with (force)`);
await admin.query(`create database ${DB_NAME}`);
await admin.end();
const url = new URL(base.toString());
url.pathname = `/${DB_NAME}`;

const opened = await openDb({ databaseUrl: url.toString(), dataDir: 'memory://', poolSize: C + 4 });
await migrate(opened.db);
await seedCatalogue(opened.db);
const config: Config = { ...loadConfig({}), databaseUrl: url.toString(), demo: false, dbPoolSize: C + 4 };
const s = await buildServices(config, opened.db, { defaultMetrics: false });
const db = opened.db;

// ---- the shop: two accessories, stock for both sides, 2·ORDERS buyers with money ----
const staff = async (username: string, roles: ('product' | 'ops')[]): Promise<Actor> => ({ id: await createStaffUser(db, { username, displayName: username, password: 'correct horse battery', roles }), name: username, roles });
const pm = await staff('pm1', ['product']);
const pm2 = await staff('pm2', ['product']);
await s.inventory.addWarehouse(await staff('ops1', ['ops']), { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' });
async function product(code: string, fen: number) {
  const p = await s.goods.products.create(pm, { kind: 'physical', nameZh: `商品${code}`, nameEn: `Item ${code}`, brand: '测试', skus: [{ code, listFen: fen, saleFen: fen }] });
  const c = await s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: new Date(Date.now() - 60_000).toISOString() });
  await s.goods.products.review(pm2, c.id, { approve: true });
  await s.inventory.adjust(pm, { skuId: p.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: ORDERS * 4, reason: 'bench' });
  return { productId: p.id, skuId: p.skus[0]!.id, fen };
}
const caseSku = await product('BENCH-CASE', 6_900);
const charger = await product('BENCH-CHARGER', 12_900);
const TOTAL = caseSku.fen + charger.fen; // ≥ ¥99: delivery free
const planId = (await db.selectFrom('offering').select('id').where('kind', '=', 'plan').where('lifecycleStatus', '=', 'Launched').orderBy('id').executeTakeFirstOrThrow()).id;
const pool = new pg.Pool({ connectionString: url.toString(), max: C + 2 });
await pool.query(`
  insert into subscriber (msisdn, name, real_name_verified, status, city, plan_id, joined_on, language)
  select (13500000000 + g)::text, '买家', true, 'active', '广州', $1, '2020-01-01', 'zh-CN' from generate_series(1, $2::int) g`, [planId, ORDERS * 2]);
await pool.query(`insert into account (subscriber_id, type, balance_fen, credit_limit_fen) select id, 'prepaid', 10000000, 0 from subscriber where msisdn like '135%'`);
await pool.query(`insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en) select id, 'opening', 10000000, 10000000, 'bench', null, '期初', 'opening' from account where subscriber_id in (select id from subscriber where msisdn like '135%')`);
const buyers = (await pool.query<{ id: number }>(`select id from subscriber where msisdn like '135%' order by id`)).rows.map((r) => Number(r.id));
const omniBuyers = buyers.slice(0, ORDERS);
const handBuyers = buyers.slice(ORDERS);
for (const id of buyers) {
  await s.cart.put({ subscriberId: id }, { productId: caseSku.productId, skuId: caseSku.skuId, quantity: 1 });
  await s.cart.put({ subscriberId: id }, { productId: charger.productId, skuId: charger.skuId, quantity: 1 });
}

// ---- the hand-written order: one transaction of plain SQL ----
let handSeq = 0;
async function handOrder(subscriberId: number): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const lines = (await c.query<{ sku_id: number; product_id: number; quantity: number; sale_fen: number; name_zh: string; name_en: string }>(
      `select l.sku_id, l.product_id, l.quantity, s.sale_fen, p.name_zh, p.name_en from cart_line l join cart c on c.id = l.cart_id
       join goods_sku s on s.id = l.sku_id join goods_product p on p.id = l.product_id where c.subscriber_id = $1 order by l.sku_id`, [subscriberId])).rows;
    const total = lines.reduce((n, l) => n + l.sale_fen * l.quantity, 0);
    const { rows: [o] } = await c.query<{ id: string }>(
      `insert into mall_order (id, order_no, subscriber_id, source, state, goods_fen, delivery_fen, discount_fen, points, points_fen, total_fen, pay_fen, method,
         address, idempotency_key, request_hash, pay_by, placed_at, updated_at)
       values (nextval(pg_get_serial_sequence('mall_order', 'id')), 'H' || lpad(currval(pg_get_serial_sequence('mall_order', 'id'))::text, 17, '0'), $1, 'cart', 'paid', $2, 0, 0, 0, 0, $2, $2, 'balance',
         $3, $4, '', now() + interval '15 minutes', now(), now()) returning id`, [subscriberId, total, JSON.stringify(HOME), `hand-${++handSeq}`]);
    const ref = `order:${o!.id}`;
    for (const l of lines) {
      await c.query(`insert into mall_order_line (order_id, product_id, sku_id, name_zh, name_en, kind, delivery, quantity, unit_fen, line_fen) values ($1, $2, $3, $4, $5, 'physical', 'ship', $6, $7, $8)`,
        [o!.id, l.product_id, l.sku_id, l.name_zh, l.name_en, l.quantity, l.sale_fen, l.sale_fen * l.quantity]);
      const took = await c.query(`update stock_level set on_hand = on_hand - $1, updated_at = now() where sku_id = $2 and warehouse_id = 'GZ' and on_hand - reserved - safety >= $1`, [l.quantity, l.sku_id]);
      if (took.rowCount !== 1) throw new Error('out of stock');
      await c.query(`insert into stock_reservation (ref, sku_id, warehouse_id, quantity, status, expires_at, created_at, settled_at) values ($1, $2, 'GZ', $3, 'committed', now() + interval '20 minutes', now(), now())`, [ref, l.sku_id, l.quantity]);
    }
    const paymentId = `hand${o!.id}`;
    await c.query(`insert into payment (id, order_ref, subscriber_id, method, total_fen, points, points_fen, amount_fen, subject, state, refunded_fen, refunded_points, idempotency_key, request_hash, expires_at, paid_at, created_at, updated_at)
       values ($1, $2, $3, 'balance', $4, 0, 0, $4, '商城订单', 'paid', 0, 0, $2, '', now() + interval '30 minutes', now(), now(), now())`, [paymentId, ref, subscriberId, total]);
    const moved = await c.query(`with moved as (update account set balance_fen = balance_fen - $2, updated_at = now() where subscriber_id = $1 and balance_fen + credit_limit_fen - $2 >= 0 returning id, balance_fen)
       insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en) select id, 'charge', -$2, balance_fen, 'payment', $3, '话费支付', 'Paid from balance' from moved`, [subscriberId, total, `payment:${paymentId}`]);
    if (moved.rowCount !== 1) throw new Error('insufficient balance');
    const { rows: [sh] } = await c.query<{ id: string }>(`insert into shipment (order_ref, subscriber_id, warehouse, carrier, recipient_name, recipient_phone, province, city, district, address_detail, state, cod_fen, created_at, updated_at)
       values ($1, $2, 'GZ', 'demo', $3, $4, $5, $6, $7, $8, 'to_ship', 0, now(), now()) returning id`, [ref, subscriberId, HOME.name, HOME.phone, HOME.province, HOME.city, HOME.district, HOME.detail]);
    await c.query(`update mall_order set payment_id = $2, shipment_id = $3, paid_at = now() where id = $1`, [o!.id, paymentId, sh!.id]);
    await c.query(`delete from cart_line where cart_id = (select id from cart where subscriber_id = $1)`, [subscriberId]);
    await c.query('commit');
  } catch (e) {
    await c.query('rollback');
    throw e;
  } finally {
    c.release();
  }
}

async function omnihallOrder(subscriberId: number): Promise<void> {
  const r = await s.checkout.orders.place(subscriberId, { address: HOME, method: 'balance', expectedTotalFen: TOTAL, confirm: true }, `bench-${subscriberId}`);
  if (r.order.state !== 'paid') throw new Error(`order ${r.order.id} is ${r.order.state}: ${r.order.workflow.error ?? ''}`);
}

/** C workers take the buyers in turn; each order's latency is kept in `lat`; the seconds it took. */
async function run(ids: number[], order: (id: number) => Promise<void>, lat: number[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const a = performance.now();
      await order(id);
      lat.push(performance.now() - a);
    }
  }));
  return (performance.now() - t0) / 1000;
}

/** Both sides in ROUNDS slices, alternating which goes first, so a machine's load that changes meanwhile falls on both alike. */
const ROUNDS = 4;
async function compare(sides: { name: string; ids: number[]; order: (id: number) => Promise<void> }[]) {
  const acc = sides.map((x) => ({ name: x.name, seconds: 0, n: 0, lat: [] as number[] }));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [1, 0] : [0, 1];
    for (const i of order) {
      const side = sides[i]!;
      const slice = side.ids.slice(Math.floor((r * side.ids.length) / ROUNDS), Math.floor(((r + 1) * side.ids.length) / ROUNDS));
      acc[i]!.seconds += await run(slice, side.order, acc[i]!.lat);
      acc[i]!.n += slice.length;
    }
  }
  return acc.map((a) => {
    a.lat.sort((x, y) => x - y);
    const p = (q: number) => a.lat[Math.min(a.lat.length - 1, Math.floor(q * a.lat.length))]!;
    return { name: a.name, perSecond: a.n / a.seconds, p50: p(0.5), p99: p(0.99) };
  });
}

// A few of each first (connections, plans), not counted: their buyers are the last of each half.
const warm = Math.min(10, Math.floor(ORDERS / 10));
for (const id of omniBuyers.splice(-warm)) await omnihallOrder(id);
for (const id of handBuyers.splice(-warm)) await handOrder(id);
const [hand, omni] = await compare([
  { name: 'hand-written SQL', ids: handBuyers, order: handOrder },
  { name: 'omnihall checkout', ids: omniBuyers, order: omnihallOrder },
]) as [Awaited<ReturnType<typeof compare>>[number], Awaited<ReturnType<typeof compare>>[number]];

// ---- the outcome, checked before any ratio ----
const sold = await pool.query<{ sku_id: number; on_hand: number; reserved: number }>(`select sku_id, on_hand, reserved from stock_level where sku_id = any($1) order by sku_id`, [[caseSku.skuId, charger.skuId]]);
for (const r of sold.rows) {
  if (r.on_hand !== ORDERS * 4 - ORDERS * 2 || r.reserved !== 0) throw new Error(`stock of ${r.sku_id}: on hand ${r.on_hand}, reserved ${r.reserved}; expected ${ORDERS * 2}, 0`);
}
const paid = await pool.query<{ n: string }>(`select count(*) as n from mall_order where state = 'paid' and total_fen = $1`, [TOTAL]);
if (Number(paid.rows[0]!.n) !== ORDERS * 2) throw new Error(`paid orders: ${paid.rows[0]!.n}, expected ${ORDERS * 2}`);
const charged = await pool.query<{ n: string }>(`select count(*) as n from account where balance_fen = $1`, [10_000_000 - TOTAL]);
if (Number(charged.rows[0]!.n) !== ORDERS * 2) throw new Error(`buyers charged once: ${charged.rows[0]!.n}, expected ${ORDERS * 2}`);

const f = (n: number) => n.toFixed(1);
process.stdout.write(
  `checkout of a two-line cart paid from the balance: ${ORDERS} orders a side in ${ROUNDS} alternating slices, ${C} buyers at once, on PostgreSQL (load ${loadavg()[0]!.toFixed(2)})\n` +
  `  outcome checked: ${ORDERS * 2} orders paid, stock down by exactly what was sold, nothing held, each buyer charged once\n` +
  `  ${hand.name.padEnd(20)} ${f(hand.perSecond).padStart(7)} orders/s   p50 ${f(hand.p50).padStart(6)} ms   p99 ${f(hand.p99).padStart(6)} ms\n` +
  `  ${omni.name.padEnd(20)} ${f(omni.perSecond).padStart(7)} orders/s   p50 ${f(omni.p50).padStart(6)} ms   p99 ${f(omni.p99).padStart(6)} ms\n` +
  `  ratio omnihall / hand: ${(omni.perSecond / hand.perSecond).toFixed(2)} (target ≥ ${TARGET}); p99 ${(omni.p99 / hand.p99).toFixed(1)}× the hand-written\n`,
);
await pool.end();
await s.close();
await opened.close();
