// The demo shop's flash sales (秒杀), sized to the demo stock: one live now (a power bank, for an
// hour), and one upcoming tomorrow at 10:00 Beijing time (a phone, for two hours). Seeded once,
// on whichever node gets there first (an advisory lock; a sale already there is left alone).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { localTime, zonedInstant } from '../../platform/dates.ts';
import type { Goods } from '../goods/index.ts';
import type { FlashSales } from './flash-sales.service.ts';

const HOUR = 3_600_000;

export async function seedDemoFlashSales(db: Db, goods: Goods, flashSales: Pick<FlashSales, 'seedApproved'>, now: Date): Promise<{ created: number }> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('omnihall.demo.flashsale'))`.execute(tx);
    if (await tx.selectFrom('flashSale').select('id').limit(1).executeTakeFirst()) return { created: 0 };
    const physical = (await goods.products.list({ kind: 'physical' }, { offset: 0, limit: 100 }, tx)).items.flatMap((p) => p.skus);
    const sku = (code: string) => physical.find((s) => s.code === code);
    const powerBank = sku('ACC-MI-PB10K');
    const phone = sku('HW-NOVA12-1-256GB');
    let created = 0;
    if (powerBank) {
      const startsAt = new Date(Math.floor(now.getTime() / HOUR) * HOUR);
      await flashSales.seedApproved(tx, { skuId: powerBank.id, quantity: 50, priceFen: 4_900, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(), perSubscriberLimit: 2 });
      created++;
    }
    if (phone) {
      const t = localTime(now);
      const startsAt = zonedInstant(t.year, t.month, t.day + 1, 10);
      await flashSales.seedApproved(tx, { skuId: phone.id, quantity: 20, priceFen: 199_900, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(), perSubscriberLimit: 1 });
      created++;
    }
    return { created };
  });
}
