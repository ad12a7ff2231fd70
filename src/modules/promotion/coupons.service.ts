// Coupons in a subscriber's wallet (我的优惠券): claimed from a template (mode `wallet`) within the
// subscriber's and the template's limits, each with its own code, used once at checkout.
// A claim takes the subscriber's count (insert … on conflict … where claimed < limit) and then
// the template's (update … where issued < global_limit): conditional writes PostgreSQL re-checks
// under concurrency, so neither limit is ever passed.
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import { localText } from '../delivery/index.ts';
import { termsText } from './rules.ts';
import type { PromotionRow } from './promotions.service.ts';
import type { CouponTable } from './tables.ts';

type CouponRow = Selectable<CouponTable>;
const DAY = 86_400_000;
/** Letters and digits that cannot be misread for each other (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export interface CouponView {
  id: number;
  code: string;
  promotionId: number;
  names: L10n;
  terms: L10n;
  benefit: PromotionRow['benefit'];
  offFen: number | null;
  percentOff: number | null;
  capFen: number | null;
  minSpendFen: number;
  productIds: number[];
  categoryIds: number[];
  /** `usable`, `used` (by an order not released), or `expired` (past `validUntil` unused). */
  state: 'usable' | 'used' | 'expired';
  validFrom: string;
  validUntil: string;
  validFromLocal: string;
  validUntilLocal: string;
  claimedAt: string;
  usedAt: string | null;
}

function couponView(c: CouponRow, p: PromotionRow, at: Date): CouponView {
  const from = new Date(c.validFrom);
  const until = new Date(c.validUntil);
  return {
    id: c.id, code: c.code, promotionId: p.id, names: l10n(p.nameZh, p.nameEn), terms: termsText(p), benefit: p.benefit,
    offFen: p.offFen, percentOff: p.percentOff, capFen: p.capFen, minSpendFen: p.minSpendFen, productIds: p.productIds, categoryIds: p.categoryIds,
    state: c.status === 'used' ? 'used' : until <= at ? 'expired' : 'usable',
    validFrom: from.toISOString(), validUntil: until.toISOString(), validFromLocal: localText(from), validUntilLocal: localText(until),
    claimedAt: new Date(c.claimedAt).toISOString(), usedAt: c.usedAt ? new Date(c.usedAt).toISOString() : null,
  };
}

export class CouponWallet {
  constructor(private readonly deps: { db: Db; clock: Clock; random: Random }) {}

  /**
   * Claims a coupon of the template into the subscriber's wallet. With an idempotency key the same
   * key answers the same coupon (`claimed: false`); the key for another template is
   * IDEMPOTENCY_KEY_REUSED. COUPON_NOT_FOUND (no such template on offer), COUPON_NOT_STARTED,
   * COUPON_EXPIRED, COUPON_PAUSED, COUPON_LIMIT_REACHED (the subscriber has claimed their share),
   * COUPON_SOLD_OUT (none left); nothing changes on any of them.
   */
  async claim(subscriberId: number, templateId: number, idempotencyKey: string | null = null): Promise<{ coupon: CouponView; claimed: boolean }> {
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      if (idempotencyKey) {
        await sql`select pg_advisory_xact_lock(hashtext(${`coupon.claim:${subscriberId}:${idempotencyKey}`}))`.execute(tx);
        const had = await tx.selectFrom('coupon').selectAll().where('subscriberId', '=', subscriberId).where('claimKey', '=', idempotencyKey).executeTakeFirst();
        if (had) {
          if (had.promotionId !== templateId) throw new AppError('IDEMPOTENCY_KEY_REUSED');
          const p = await tx.selectFrom('promotion').selectAll().where('id', '=', had.promotionId).executeTakeFirstOrThrow();
          return { coupon: couponView(had, p, at), claimed: false };
        }
      }
      const p = await tx.selectFrom('promotion').selectAll().where('id', '=', templateId).where('mode', '=', 'wallet').executeTakeFirst();
      if (!p || p.status === 'draft' || p.status === 'pending' || p.status === 'rejected') throw new AppError('COUPON_NOT_FOUND');
      if (p.status === 'paused') throw new AppError('COUPON_PAUSED');
      if (p.status === 'ended' || at >= new Date(p.endsAt)) throw new AppError('COUPON_EXPIRED');
      if (at < new Date(p.startsAt)) throw new AppError('COUPON_NOT_STARTED');
      await sql`savepoint coupon_claim`.execute(tx);
      try {
        if (p.perSubscriberLimit !== null) {
          const mine = await sql`
            insert into promotion_usage (promotion_id, subscriber_id, claimed, used) values (${p.id}, ${subscriberId}, 1, 0)
            on conflict (promotion_id, subscriber_id) do update set claimed = promotion_usage.claimed + 1 where promotion_usage.claimed < ${p.perSubscriberLimit}
            returning claimed`.execute(tx);
          if (!mine.rows.length) throw new AppError('COUPON_LIMIT_REACHED');
        }
        const took = await sql`
          update promotion set issued = issued + 1
          where id = ${p.id} and status = 'active' and (global_limit is null or issued < global_limit)
          returning id`.execute(tx);
        if (!took.rows.length) throw new AppError('COUPON_SOLD_OUT');
        const until = p.validDays === null ? new Date(p.endsAt) : new Date(Math.min(new Date(p.endsAt).getTime(), at.getTime() + p.validDays * DAY));
        const row = await tx.insertInto('coupon').values({
          promotionId: p.id, subscriberId, code: await this.newCode(tx), status: 'usable', validFrom: at, validUntil: until,
          claimKey: idempotencyKey, claimedAt: at, usedRef: null, usedAt: null,
        }).returningAll().executeTakeFirstOrThrow();
        await sql`release savepoint coupon_claim`.execute(tx);
        return { coupon: couponView(row, p, at), claimed: true };
      } catch (e) {
        await sql`rollback to savepoint coupon_claim`.execute(tx);
        throw e;
      }
    });
  }

  /** The subscriber's wallet: usable coupons (soonest to expire first), used ones, expired ones (newest first). */
  async wallet(subscriberId: number): Promise<{ usable: CouponView[]; used: CouponView[]; expired: CouponView[] }> {
    const at = this.deps.clock.now();
    const rows = await this.deps.db.selectFrom('coupon').selectAll().where('subscriberId', '=', subscriberId).orderBy('claimedAt', 'desc').orderBy('id', 'desc').limit(500).execute();
    const ids = [...new Set(rows.map((r) => r.promotionId))];
    const promotions = new Map((ids.length ? await this.deps.db.selectFrom('promotion').selectAll().where('id', 'in', ids).execute() : []).map((p) => [p.id, p]));
    const views = rows.map((r) => couponView(r, promotions.get(r.promotionId)!, at));
    return {
      usable: views.filter((v) => v.state === 'usable').sort((a, b) => a.validUntil.localeCompare(b.validUntil)),
      used: views.filter((v) => v.state === 'used'),
      expired: views.filter((v) => v.state === 'expired'),
    };
  }

  /** A code nobody has: `CP` and ten letters and digits (about 8 × 10^14 of them). */
  private async newCode(tx: Db): Promise<string> {
    for (;;) {
      const code = `CP${Array.from({ length: 10 }, () => CODE_ALPHABET[this.deps.random.int(0, CODE_ALPHABET.length)]).join('')}`;
      if (!(await tx.selectFrom('coupon').select('id').where('code', '=', code).executeTakeFirst())) return code;
    }
  }
}
