// Flash-sale benchmark (issue 10): 10,000 units of one phone SKU, 1,000 buyers at once each trying
// again and again (a new Idempotency-Key each try) until they reach the limit of 10 or are told
// SOLD_OUT, through the real service (FlashSales.buy: the tries that come at once coalesced into
// batches of up to 64, each batch one transaction: the buyers' slots, their units from 32 shard
// rows taken with SKIP LOCKED, their orders through checkout.orders.placeHeldMany), beside the
// usual answer on the same database in the same run, one transaction per order: one stock
// row, `UPDATE bench_stock SET n = n - 1 WHERE n > 0`, then the same placeHeld order, in one
// transaction (so every buyer queues on that row while the one ahead places its order). The ratio
// is sharded / one-row orders per second (target ≥ 3). Then each side is checked: units sold
// against orders placed (oversold: 0), buyers with more orders than units they won (charged
// losers: 0; a flash order charges nothing until it is paid, so an order is what a loser must not
// have), buyers past the limit (0); the run fails on any of them.
//
//   npx tsx bench/flash-sale.ts                          10,000 units, 1,000 buyers, 48 connections
//   npx tsx bench/flash-sale.ts --units 2000 --buyers 400 --pool 32
//
// The data lives in a scratch database of its own, omnihall_bench_flash, on the server of
// --database-url (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test), made afresh each run
// by the modules' own migrations. Both sides share one pool of --pool connections, large enough
// that the one-row side is held back by its row, not by the pool.
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import pg from 'pg';
import { sql } from 'kysely';
import { openDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { seedCatalogue } from '../src/demo/seed.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { buildServices } from '../src/container.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { AppError } from '../src/platform/errors.ts';
import type { Actor } from '../src/platform/audit.ts';

const { values: flags } = parseArgs({
  options: {
    units: { type: 'string', default: '10000' },
    buyers: { type: 'string', default: '1000' },
    limit: { type: 'string', default: '10' },
    pool: { type: 'string', default: '48' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const UNITS = Number(flags.units);
const BUYERS = Number(flags.buyers);
const LIMIT = Number(flags.limit);
const POOL = Number(flags.pool);
const DB_NAME = 'omnihall_bench_flash';
const TARGET = 3;
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };
const PRICE_FEN = 99_900;

const base = new URL(flags['database-url']);
const admin = new pg.Client({ connectionString: base.toString() });
await admin.connect();
await admin.query(`drop database if exists ${DB_NAME} with (force)`);
await admin.query(`create database ${DB_NAME}`);
await admin.end();
const url = new URL(base.toString());
url.pathname = `/${DB_NAME}`;

// 1,000 buyers queue for the pool's connections behind the one row: they wait as long as it takes.
const opened = await openDb({ databaseUrl: url.toString(), dataDir: 'memory://', poolSize: POOL, connectTimeoutMs: 600_000 });
const db = opened.db;
await migrate(db);
await seedCatalogue(db);
const config: Config = { ...loadConfig({}), databaseUrl: url.toString(), demo: false, dbPoolSize: POOL };
const s = await buildServices(config, db, { defaultMetrics: false });

// ---- the shop: one phone with stock for the sale, the sale approved by a second person, the buyers ----
const staff = async (username: string, roles: ('product' | 'marketing' | 'ops')[]): Promise<Actor> => ({ id: await createStaffUser(db, { username, displayName: username, password: 'correct horse battery', roles }), name: username, roles });
const pm = await staff('pm1', ['product']);
const pm2 = await staff('pm2', ['product']);
const marketer = await staff('mk1', ['marketing']);
await s.inventory.addWarehouse(await staff('ops1', ['ops']), { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' });
const p = await s.goods.products.create(pm, { kind: 'physical', nameZh: '秒杀手机', nameEn: 'Flash phone', brand: '测试', skus: [{ code: 'BENCH-PHONE', listFen: 199_900, saleFen: 189_900 }] });
const listing = await s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: new Date(Date.now() - 60_000).toISOString() });
await s.goods.products.review(pm2, listing.id, { approve: true });
const skuId = p.skus[0]!.id;
await s.inventory.adjust(pm, { skuId, warehouseId: 'GZ', kind: 'receive', quantity: UNITS, reason: 'bench' });
const created = await s.flashSales.create(pm, {
  skuId, quantity: UNITS, priceFen: PRICE_FEN, perSubscriberLimit: LIMIT,
  startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(),
});
const sale = await s.flashSales.review(marketer, created.id, { approve: true });

// The one-row side: its stock in one row, and its orders under a source of its own.
await sql`create table bench_stock (id int primary key, n int not null check (n >= 0))`.execute(db);
await sql`insert into bench_stock values (1, ${UNITS})`.execute(db);
s.checkout.sources.register('bench-row:', { async paid() {}, async released() {} });

const planId = (await db.selectFrom('offering').select('id').where('kind', '=', 'plan').where('lifecycleStatus', '=', 'Launched').orderBy('id').executeTakeFirstOrThrow()).id;
await sql`
  insert into subscriber (msisdn, name, real_name_verified, status, city, plan_id, joined_on, language)
  select (13600000000 + g)::text, '买家', true, 'active', '广州', ${planId}, '2020-01-01', 'zh-CN' from generate_series(1, ${BUYERS * 2}::int) g`.execute(db);
const ids = (await db.selectFrom('subscriber').select('id').where('msisdn', 'like', '136%').orderBy('id').execute()).map((r) => r.id);
const flashBuyers = ids.slice(0, BUYERS);
const rowBuyers = ids.slice(BUYERS);

// ---- the two sides: each buyer tries until it has its limit or the stock is gone ----
interface Side { name: string; orders: number; tries: number; soldOut: number; ms: number; wins: Map<number, number> }

async function run(name: string, buyers: number[], attempt: (subscriberId: number, key: string) => Promise<'won' | 'sold-out' | 'limit'>): Promise<Side> {
  const side: Side = { name, orders: 0, tries: 0, soldOut: 0, ms: 0, wins: new Map() };
  const t = performance.now();
  await Promise.all(buyers.map(async (id) => {
    for (let n = 0; ; n++) {
      side.tries++;
      const r = await attempt(id, `${name}-${id}-${n}`);
      if (r === 'won') {
        side.orders++;
        side.wins.set(id, (side.wins.get(id) ?? 0) + 1);
        continue;
      }
      if (r === 'sold-out') side.soldOut++;
      return;
    }
  }));
  side.ms = performance.now() - t;
  return side;
}

const refusal = (e: unknown): 'sold-out' | 'limit' => {
  if (e instanceof AppError && e.code === 'SOLD_OUT') return 'sold-out';
  if (e instanceof AppError && e.code === 'LIMIT_REACHED') return 'limit';
  throw e;
};

const sharded = () => run('sharded', flashBuyers, async (subscriberId, key) => {
  try {
    await s.flashSales.buy(subscriberId, sale.id, { idempotencyKey: key, address: HOME });
    return 'won';
  } catch (e) {
    return refusal(e);
  }
});

const oneRow = () => {
  const wins = new Map<number, number>();
  return run('one-row', rowBuyers, async (subscriberId, key) => {
    if ((wins.get(subscriberId) ?? 0) >= LIMIT) return 'limit';
    const won = await db.transaction().execute(async (tx) => {
      const took = await sql`update bench_stock set n = n - 1 where id = 1 and n > 0`.execute(tx);
      if (!took.numAffectedRows) return false;
      await s.checkout.orders.placeHeld(tx, { subscriberId, source: 'bench-row:1', idempotencyKey: key, address: HOME, lines: [{ productId: p.id, skuId, quantity: 1, unitFen: PRICE_FEN }] });
      return true;
    });
    if (!won) return 'sold-out';
    wins.set(subscriberId, (wins.get(subscriberId) ?? 0) + 1);
    return 'won';
  });
};

console.log(`flash sale: ${UNITS.toLocaleString('en')} units, ${BUYERS.toLocaleString('en')} buyers at once each side, limit ${LIMIT}, ${sale.quantity} held in ${(await db.selectFrom('flashSaleShard').select('shard').where('saleId', '=', sale.id).execute()).length} shards, pool ${POOL}; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
// The one-row side first: the sharded side then runs on a database already warm from the first.
const row = await oneRow();
const flash = await sharded();

// ---- the checks ----
async function check(side: Side, source: (id: number) => string, buyers: number[], unitsLeft: number) {
  const orders = await db.selectFrom('mallOrder').select(['subscriberId', (eb) => eb.fn.countAll<number>().as('n')])
    .where('subscriberId', 'in', buyers).groupBy('subscriberId').execute();
  const placed = new Map(orders.map((o) => [o.subscriberId, Number(o.n)]));
  const total = [...placed.values()].reduce((a, b) => a + b, 0);
  const sold = UNITS - unitsLeft;
  return {
    oversold: Math.max(0, total - UNITS) + Math.max(0, sold - UNITS) + Math.abs(total - sold),
    chargedLosers: buyers.filter((id) => (placed.get(id) ?? 0) > (side.wins.get(id) ?? 0)).length,
    overLimit: buyers.filter((id) => (placed.get(id) ?? 0) > LIMIT).length,
    orders: total, source: source(0),
  };
}
const flashLeft = (await s.flashSales.view(sale.id)).remaining;
const rowLeft = Number((await sql<{ n: number }>`select n from bench_stock where id = 1`.execute(db)).rows[0]!.n);
const checks = [await check(row, () => 'bench-row:1', rowBuyers, rowLeft), await check(flash, () => `flash:${sale.id}`, flashBuyers, flashLeft)];

const perSec = (x: Side) => x.orders / (x.ms / 1000);
for (const [i, x] of [row, flash].entries()) {
  const c = checks[i]!;
  console.log(`  ${x.name.padEnd(8)} ${String(x.orders).padStart(6)} orders in ${(x.ms / 1000).toFixed(1).padStart(5)} s = ${perSec(x).toFixed(0).padStart(5)} orders/s` +
    ` (${x.tries} tries, ${x.soldOut} told sold out); oversold ${c.oversold}, charged losers ${c.chargedLosers}, buyers over the limit ${c.overLimit}`);
}
const ratio = perSec(flash) / perSec(row);
const ok = checks.every((c) => c.oversold === 0 && c.chargedLosers === 0 && c.overLimit === 0) && flash.orders === UNITS && row.orders === UNITS;
console.log(`  ratio sharded / one-row: ${ratio.toFixed(2)}× (target ≥ ${TARGET}×)${ok ? '' : '  — CHECKS FAILED'}`);

await s.close();
await opened.close();
process.exit(ok ? 0 : 1);
