// The promotion module put together: what checkout calls (evaluate, redeem, release), the
// subscriber's coupon wallet, staff's promotions with their review, and what the activity zone shows.
import type { Db } from '../../platform/db/index.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import type { AuditLog } from '../../platform/audit.ts';
import { CouponWallet } from './coupons.service.ts';
import { PromotionService, type GoodsDirectory, type PromotionView } from './promotions.service.ts';
import { RedemptionService, type EvaluateInput, type Evaluation } from './redemptions.service.ts';

export class Promotions {
  /** Staff: create, edit, submit, review, pause, resume, end, list (role product or marketing). */
  readonly staff: PromotionService;
  /** The subscriber's coupons: claim, wallet. */
  readonly coupons: CouponWallet;
  private readonly redemptions: RedemptionService;

  constructor(deps: { db: Db; clock: Clock; random: Random; audit: AuditLog; goods: GoodsDirectory }) {
    this.staff = new PromotionService(deps);
    this.coupons = new CouponWallet(deps);
    this.redemptions = new RedemptionService(deps);
  }

  /** What a cart would get now: the best automatic promotion plus the coupon, if any (no writes); COUPON_* for a coupon that cannot be used. */
  evaluate(q: Db, input: EvaluateInput): Promise<Evaluation> {
    return this.redemptions.evaluate(q, input);
  }

  /** The same, recorded against the limits for an order ref (`order:123`) in the caller's transaction; the same ref answers what it recorded. */
  redeem(q: Db, ref: string, input: EvaluateInput): Promise<Evaluation> {
    return this.redemptions.redeem(q, ref, input);
  }

  /** The compensation (order cancelled, expired or failed): the uses go back. Nothing redeemed: nothing done. */
  release(q: Db, ref: string): Promise<void> {
    return this.redemptions.release(q, ref);
  }

  /** What an order's ref redeemed (and whether it was released), or null. */
  redemption(ref: string, q?: Db) {
    return this.redemptions.redemption(ref, q);
  }

  /** The activity zone (活动专区): live automatic promotions, and coupon templates with coupons left to claim. */
  async live(q?: Db): Promise<{ promotions: PromotionView[]; coupons: PromotionView[] }> {
    const all = await this.staff.live(q);
    return {
      promotions: all.filter((p) => p.mode === 'auto'),
      coupons: all.filter((p) => p.mode === 'wallet' && (p.left === null || p.left > 0)),
    };
  }
}
