// What a cart gets (`evaluate`), recorded against the limits for an order (`redeem`), and given
// back when the order ends without being paid (`release`): docs/mall.md, "promotion".
// Limits hold under any concurrency because every use is taken by one conditional write that
// PostgreSQL re-checks against the row as a concurrent transaction left it:
//   the subscriber's uses: insert … on conflict do update set used = used + 1 where used < limit;
//   the global uses:       update promotion set used = used + 1 where used < global_limit;
//   a wallet coupon:       update coupon set status = 'used' where status = 'usable'.
// Locks are always taken in that order (automatic promotion, then coupon), release too, so two
// orders never wait on each other in a circle.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { categoriesBelow, combine, coveredFen, discountOn, type CartLine } from './rules.ts';
import type { GoodsDirectory, PromotionRow } from './promotions.service.ts';
import type { AppliedPromotion, CouponTable } from './tables.ts';
import type { Selectable } from 'kysely';

type CouponRow = Selectable<CouponTable>;

export interface EvaluateInput {
  subscriberId: number;
  lines: readonly CartLine[];
  goodsFen: number;
  couponCode?: string;
  at: Date;
}

export interface Evaluation {
  discountFen: number;
  applied: AppliedPromotion[];
}

interface Candidate { promotion: PromotionRow; discountFen: number }
interface CouponCandidate extends Candidate { code: string; coupon: CouponRow | null }

function inTx<T>(q: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return q.isTransaction ? work(q) : q.transaction().execute(work);
}

const isInt = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;

/** A coupon code as typed: trimmed, upper case; null when it cannot be one. */
export function normaliseCode(code: string): string | null {
  const c = code.normalize('NFKC').trim().toUpperCase();
  return /^[A-Z0-9]{3,20}$/.test(c) ? c : null;
}

export class RedemptionService {
  constructor(private readonly deps: { db: Db; clock: Clock; goods: GoodsDirectory }) {}

  /** What the cart would get now: the best automatic promotion and the coupon, if any. No writes. */
  async evaluate(q: Db, input: EvaluateInput): Promise<Evaluation> {
    const c = await this.candidates(q, input);
    return this.result(combine(input.goodsFen, c.autos, c.coupon));
  }

  /**
   * The same, recorded for the order `ref` in the caller's transaction (or one of its own): the
   * uses are taken against the limits. The same ref again answers what it recorded;
   * PROMOTION_REDEMPTION_RELEASED once it has been released. An automatic promotion whose last use
   * another order took a moment ago gives way to the next best; a coupon refuses with its code.
   * A refusal leaves nothing of this call behind, so the caller's transaction may go on.
   */
  async redeem(q: Db, ref: string, input: EvaluateInput): Promise<Evaluation> {
    return inTx(q, async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`promotion.ref:${ref}`}))`.execute(tx);
      const had = await tx.selectFrom('promotionRedemption').selectAll().where('ref', '=', ref).executeTakeFirst();
      if (had) {
        if (had.status === 'released') throw new AppError('PROMOTION_REDEMPTION_RELEASED');
        return { discountFen: had.discountFen, applied: had.applied };
      }
      await sql`savepoint promotion_redeem`.execute(tx);
      try {
        const c = await this.candidates(tx, input);
        let autos = c.autos;
        // Take the best automatic promotion that still has a use left for this order.
        while (autos.length && autos[0]!.discountFen > 0 && !(await this.takeUse(tx, autos[0]!.promotion, input.subscriberId))) autos = autos.slice(1);
        if (c.coupon) await this.takeCoupon(tx, ref, c.coupon, input.subscriberId, input.at);
        const r = combine(input.goodsFen, autos, c.coupon);
        const out = this.result(r);
        await tx.insertInto('promotionRedemption').values({
          ref, subscriberId: input.subscriberId, discountFen: out.discountFen, applied: JSON.stringify(out.applied),
          autoPromotionId: r.auto?.promotion.id ?? null, couponPromotionId: r.coupon?.promotion.id ?? null, couponId: r.coupon?.coupon?.id ?? null,
          couponCode: r.coupon?.code ?? null, status: 'redeemed', redeemedAt: this.deps.clock.now(), releasedAt: null,
        }).execute();
        await sql`release savepoint promotion_redeem`.execute(tx);
        return out;
      } catch (e) {
        await sql`rollback to savepoint promotion_redeem`.execute(tx);
        throw e;
      }
    });
  }

  /** The order was cancelled, expired or failed: its uses go back (a wallet coupon is usable again). Nothing redeemed: nothing done. */
  async release(q: Db, ref: string): Promise<void> {
    await inTx(q, async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`promotion.ref:${ref}`}))`.execute(tx);
      const r = await tx.selectFrom('promotionRedemption').selectAll().where('ref', '=', ref).forUpdate().executeTakeFirst();
      if (!r || r.status === 'released') return;
      if (r.autoPromotionId !== null) await this.giveUse(tx, r.autoPromotionId, r.subscriberId, true);
      if (r.couponPromotionId !== null) {
        if (r.couponId !== null) {
          await tx.updateTable('coupon').set({ status: 'usable', usedRef: null, usedAt: null }).where('id', '=', r.couponId).where('usedRef', '=', ref).execute();
        }
        await this.giveUse(tx, r.couponPromotionId, r.subscriberId, r.couponId === null);
      }
      await tx.updateTable('promotionRedemption').set({ status: 'released', releasedAt: this.deps.clock.now() }).where('ref', '=', ref).execute();
    });
  }

  /** What an order's ref redeemed, or null. */
  async redemption(ref: string, q: Db = this.deps.db): Promise<(Evaluation & { status: 'redeemed' | 'released' }) | null> {
    const r = await q.selectFrom('promotionRedemption').select(['discountFen', 'applied', 'status']).where('ref', '=', ref).executeTakeFirst();
    return r ? { discountFen: r.discountFen, applied: r.applied, status: r.status } : null;
  }

  private result(r: ReturnType<typeof combine<Candidate, CouponCandidate>>): Evaluation {
    const applied: AppliedPromotion[] = [];
    if (r.auto) applied.push({ promotionId: r.auto.promotion.id, names: l10n(r.auto.promotion.nameZh, r.auto.promotion.nameEn), discountFen: r.auto.discountFen });
    if (r.coupon) applied.push({ promotionId: r.coupon.promotion.id, couponCode: r.coupon.code, names: l10n(r.coupon.promotion.nameZh, r.coupon.promotion.nameEn), discountFen: r.coupon.discountFen });
    return { discountFen: r.discountFen, applied };
  }

  /** The live automatic promotions the cart reaches, best first, and the coupon checked. */
  private async candidates(q: Db, input: EvaluateInput): Promise<{ autos: Candidate[]; coupon?: CouponCandidate }> {
    const { lines, goodsFen, subscriberId, at } = input;
    if (!isInt(goodsFen, 0) || !isInt(subscriberId, 1) || !(at instanceof Date) || !lines.every((l) => isInt(l.quantity, 1) && isInt(l.unitFen, 0) && isInt(l.productId, 1))) {
      throw new AppError('INVALID_INPUT', { detail: l10n('购物车数据有误', 'The cart lines are invalid') });
    }
    const code = input.couponCode === undefined || input.couponCode === '' ? null : normaliseCode(input.couponCode);
    if (input.couponCode && !code) throw new AppError('COUPON_NOT_FOUND');
    const autoRows = await q.selectFrom('promotion').selectAll().where('mode', '=', 'auto').where('status', '=', 'active')
      .where('startsAt', '<=', at).where('endsAt', '>', at).orderBy('id').execute();
    const coupon = code ? await this.findCoupon(q, code, subscriberId) : null;
    const scoped = [...autoRows, ...(coupon ? [coupon.promotion] : [])].some((p) => p.categoryIds.length);
    const below = scoped ? categoriesBelow(await this.deps.goods.categories(q)) : new Map<number, Set<number>>();
    const limited = autoRows.filter((p) => p.perSubscriberLimit !== null).map((p) => p.id);
    if (coupon && coupon.promotion.mode === 'code' && coupon.promotion.perSubscriberLimit !== null) limited.push(coupon.promotion.id);
    const uses = new Map((limited.length
      ? await q.selectFrom('promotionUsage').select(['promotionId', 'used']).where('subscriberId', '=', subscriberId).where('promotionId', 'in', limited).execute()
      : []).map((u) => [u.promotionId, u.used]));
    const usesLeft = (p: PromotionRow) => (p.perSubscriberLimit === null || (uses.get(p.id) ?? 0) < p.perSubscriberLimit)
      && (p.globalLimit === null || p.used < p.globalLimit);

    const autos = autoRows.filter(usesLeft)
      .map((p) => ({ promotion: p, discountFen: discountOn(p, coveredFen(p, lines, below)) }))
      .filter((c) => c.discountFen > 0)
      .sort((a, b) => b.discountFen - a.discountFen || a.promotion.id - b.promotion.id);
    if (!coupon) return { autos };

    const p = coupon.promotion;
    if (p.status === 'paused') throw new AppError('COUPON_PAUSED');
    if (p.status !== 'active') throw new AppError('COUPON_EXPIRED');
    const from = coupon.coupon ? new Date(coupon.coupon.validFrom) : new Date(p.startsAt);
    const until = coupon.coupon ? new Date(coupon.coupon.validUntil) : new Date(p.endsAt);
    if (at < from) throw new AppError('COUPON_NOT_STARTED', { extra: { validFrom: from.toISOString() } });
    if (at >= until) throw new AppError('COUPON_EXPIRED', { extra: { validUntil: until.toISOString() } });
    if (coupon.coupon ? coupon.coupon.status === 'used' : !usesLeft(p)) throw new AppError('COUPON_LIMIT_REACHED');
    const covered = coveredFen(p, lines, below);
    if (covered === 0) throw new AppError('COUPON_NOT_APPLICABLE');
    if (covered < p.minSpendFen) throw new AppError('COUPON_MIN_SPEND', { extra: { minSpendFen: p.minSpendFen, coveredFen: covered } });
    return { autos, coupon: { ...coupon, code: code!, discountFen: discountOn(p, covered) } };
  }

  /** A wallet coupon of this subscriber's, or a public code; COUPON_NOT_FOUND otherwise (another's wallet coupon too). */
  private async findCoupon(q: Db, code: string, subscriberId: number): Promise<{ promotion: PromotionRow; coupon: CouponRow | null }> {
    const owned = await q.selectFrom('coupon').selectAll().where('code', '=', code).executeTakeFirst();
    if (owned) {
      if (owned.subscriberId !== subscriberId) throw new AppError('COUPON_NOT_FOUND');
      const promotion = await q.selectFrom('promotion').selectAll().where('id', '=', owned.promotionId).executeTakeFirstOrThrow();
      return { promotion, coupon: owned };
    }
    const promotion = await q.selectFrom('promotion').selectAll().where('code', '=', code).where('mode', '=', 'code')
      .where('status', 'in', ['active', 'paused', 'ended']).executeTakeFirst();
    if (!promotion) throw new AppError('COUPON_NOT_FOUND');
    return { promotion, coupon: null };
  }

  /**
   * Takes one use of an automatic promotion or a public code: the subscriber's (when limited), then
   * the global one, each a conditional write; false, with nothing taken, when either is used up
   * or the promotion was paused meanwhile.
   */
  private async takeUse(tx: Db, p: PromotionRow, subscriberId: number): Promise<boolean> {
    if (p.perSubscriberLimit !== null) {
      const mine = await sql<{ used: number }>`
        insert into promotion_usage (promotion_id, subscriber_id, claimed, used) values (${p.id}, ${subscriberId}, 0, 1)
        on conflict (promotion_id, subscriber_id) do update set used = promotion_usage.used + 1 where promotion_usage.used < ${p.perSubscriberLimit}
        returning used`.execute(tx);
      if (!mine.rows.length) return false;
    }
    const all = await sql<{ id: number }>`
      update promotion set used = used + 1
      where id = ${p.id} and status = 'active' and (global_limit is null or mode = 'wallet' or used < global_limit)
      returning id`.execute(tx);
    if (all.rows.length) return true;
    if (p.perSubscriberLimit !== null) await sql`update promotion_usage set used = used - 1 where promotion_id = ${p.id} and subscriber_id = ${subscriberId}`.execute(tx);
    return false;
  }

  /** Takes the coupon's use: a wallet coupon is used once; a public code counts against its limits. */
  private async takeCoupon(tx: Db, ref: string, c: CouponCandidate, subscriberId: number, at: Date): Promise<void> {
    if (c.coupon) {
      const took = await tx.updateTable('coupon').set({ status: 'used', usedRef: ref, usedAt: at }).where('id', '=', c.coupon.id).where('status', '=', 'usable').returning('id').executeTakeFirst();
      if (!took) throw new AppError('COUPON_LIMIT_REACHED');
      const counted = await sql<{ id: number }>`update promotion set used = used + 1 where id = ${c.promotion.id} and status = 'active' returning id`.execute(tx);
      if (!counted.rows.length) throw new AppError('COUPON_PAUSED');
      return;
    }
    if (!(await this.takeUse(tx, c.promotion, subscriberId))) {
      const now = await tx.selectFrom('promotion').select('status').where('id', '=', c.promotion.id).executeTakeFirstOrThrow();
      throw new AppError(now.status === 'paused' ? 'COUPON_PAUSED' : now.status === 'active' ? 'COUPON_LIMIT_REACHED' : 'COUPON_EXPIRED');
    }
  }

  /** Gives one use back (release): the subscriber's (for what counts uses per subscriber) and the global count. */
  private async giveUse(tx: Db, promotionId: number, subscriberId: number, perSubscriber: boolean): Promise<void> {
    if (perSubscriber) await sql`update promotion_usage set used = used - 1 where promotion_id = ${promotionId} and subscriber_id = ${subscriberId} and used > 0`.execute(tx);
    await sql`update promotion set used = used - 1 where id = ${promotionId} and used > 0`.execute(tx);
  }
}
