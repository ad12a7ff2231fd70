// The promotion module's tables: promotions (automatic ones, public codes and coupon templates),
// the coupons subscribers claimed into their wallets, each subscriber's uses and claims of a
// promotion, and what each order's ref redeemed.
import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';

/**
 * How a promotion reaches a cart: `auto` applies without a code (满减, 折扣); `code` is a public
 * code typed at checkout; `wallet` is a coupon template a subscriber claims into their wallet
 * (优惠券), each claimed coupon its own code, used once.
 */
export const PROMOTION_MODES = ['auto', 'code', 'wallet'] as const;
export type PromotionMode = (typeof PROMOTION_MODES)[number];
/** `amount`: `offFen` off; `percent`: `percentOff` per cent off (10 is 9折), at most `capFen`. */
export const BENEFITS = ['amount', 'percent'] as const;
export type Benefit = (typeof BENEFITS)[number];
/** draft → pending (submitted) → active (approved by a second person) ⇄ paused → ended; rejected goes back to draft on edit. */
export const PROMOTION_STATUSES = ['draft', 'pending', 'active', 'paused', 'rejected', 'ended'] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];

export interface PromotionTable {
  id: Generated<number>;
  mode: PromotionMode;
  /** The public code (mode `code`), upper case; null otherwise. */
  code: string | null;
  nameZh: string;
  nameEn: string;
  benefit: Benefit;
  offFen: number | null;
  percentOff: number | null;
  capFen: number | null;
  /** Spend at least this on the goods it applies to (满 X); 0: no threshold. */
  minSpendFen: number;
  /** The products and categories (with those below them) it applies to; both empty: the whole shop. */
  productIds: number[];
  categoryIds: number[];
  startsAt: Timestamp;
  endsAt: Timestamp;
  /** Mode `wallet`: a claimed coupon lasts this many days (never past `endsAt`); null: until `endsAt`. */
  validDays: number | null;
  /** Uses per subscriber (`auto`, `code`), or coupons a subscriber may claim (`wallet`); null: no limit. */
  perSubscriberLimit: number | null;
  /** Uses in all (`auto`, `code`), or coupons issued in all (`wallet`); null: no limit. */
  globalLimit: number | null;
  /** Coupons claimed (mode `wallet`). */
  issued: Generated<number>;
  /** Uses held by orders not released. */
  used: Generated<number>;
  status: PromotionStatus;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type CouponStatus = 'usable' | 'used';

export interface CouponTable {
  id: Generated<number>;
  promotionId: number;
  subscriberId: number;
  /** What the subscriber gives at checkout: `CP` and ten letters and digits. */
  code: string;
  status: CouponStatus;
  validFrom: Timestamp;
  validUntil: Timestamp;
  /** The Idempotency-Key of the claim, when it had one: the same key is the same coupon. */
  claimKey: string | null;
  claimedAt: Timestamp;
  usedRef: string | null;
  usedAt: Timestamp | null;
}

export interface PromotionUsageTable {
  promotionId: number;
  subscriberId: number;
  claimed: number;
  used: Generated<number>;
}

export interface AppliedPromotion {
  promotionId: number;
  couponCode?: string;
  names: { 'zh-CN': string; en: string };
  discountFen: number;
}

export interface PromotionRedemptionTable {
  /** The order's ref, e.g. `order:123`. */
  ref: string;
  subscriberId: number;
  discountFen: number;
  applied: Json<AppliedPromotion[]>;
  autoPromotionId: number | null;
  couponPromotionId: number | null;
  /** The wallet coupon used, when the code was one. */
  couponId: number | null;
  couponCode: string | null;
  status: 'redeemed' | 'released';
  redeemedAt: Timestamp;
  releasedAt: Timestamp | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    promotion: PromotionTable;
    coupon: CouponTable;
    promotionUsage: PromotionUsageTable;
    promotionRedemption: PromotionRedemptionTable;
  }
}
