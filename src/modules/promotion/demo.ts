// The demo shop's promotions: 满300减30 on phones and 9折 (at most ¥100 off) on accessories, both
// applied by checkout without a code, and a ¥10 coupon (on ¥99 or more) that subscribers claim into
// their wallet, one each, 1,000 in all. Each is created and submitted by the system and approved by
// a second demo id, as staff's promotions are, every step audited. Seeded once, on whichever node
// gets there first (an advisory lock; promotions already there are left alone).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit.ts';
import { zonedInstant, localTime } from '../../platform/dates.ts';
import type { Goods } from '../goods/index.ts';
import type { PromotionService } from './promotions.service.ts';

/** The demo's second person: no staff user has this id (theirs start at 1). */
export const DEMO_REVIEWER: Actor = { id: -1, name: '演示审核员 demo reviewer', roles: ['marketing'] };
const DAY = 86_400_000;

export async function seedDemoPromotions(db: Db, goods: Goods, promotions: { staff: Pick<PromotionService, 'seedApproved'> }, now: Date): Promise<{ created: number }> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('omnihall.demo.promotion'))`.execute(tx);
    if (await tx.selectFrom('promotion').select('id').limit(1).executeTakeFirst()) return { created: 0 };
    const byCode = new Map<string, number>();
    const walk = (cs: Awaited<ReturnType<Goods['products']['categories']>>) => { for (const c of cs) { byCode.set(c.code, c.id); walk(c.children); } };
    walk(await goods.products.categories(tx));
    // From the start of today (Beijing time) for 30 days.
    const t = localTime(now);
    const startsAt = zonedInstant(t.year, t.month, t.day);
    const window = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30 * DAY).toISOString() };
    const author = SYSTEM_ACTOR;
    let created = 0;
    const phones = byCode.get('phones');
    if (phones !== undefined) {
      await promotions.staff.seedApproved(tx, { mode: 'auto', nameZh: '手机满300减30', nameEn: 'Phones: ¥30 off ¥300', benefit: 'amount', offFen: 3_000, minSpendFen: 30_000, categoryIds: [phones], ...window }, author, DEMO_REVIEWER);
      created++;
    }
    const accessories = byCode.get('accessories');
    if (accessories !== undefined) {
      await promotions.staff.seedApproved(tx, { mode: 'auto', nameZh: '配件9折', nameEn: 'Accessories 10% off', benefit: 'percent', percentOff: 10, capFen: 10_000, categoryIds: [accessories], ...window }, author, DEMO_REVIEWER);
      created++;
    }
    await promotions.staff.seedApproved(tx, {
      mode: 'wallet', nameZh: '10元优惠券', nameEn: '¥10 coupon', benefit: 'amount', offFen: 1_000, minSpendFen: 9_900,
      perSubscriberLimit: 1, globalLimit: 1_000, validDays: 7, ...window,
    }, author, DEMO_REVIEWER);
    created++;
    return { created };
  });
}
