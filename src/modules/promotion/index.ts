// The promotion module's public face (docs/mall.md, "promotion"): automatic promotions (满减, 折扣),
// public codes and coupon templates claimed into a wallet (优惠券), with per-subscriber and global
// limits; checkout's evaluate / redeem / release; staff's reviewed promotions; the demo's.
export { Promotions } from './promotion.ts';
export { goodsDirectory } from './goods-directory.ts';
export { promotionFieldsSchema, promotionInputSchema, promotionView, type GoodsDirectory, type PromotionInput, type PromotionView } from './promotions.service.ts';
export { type EvaluateInput, type Evaluation } from './redemptions.service.ts';
export { type CouponView } from './coupons.service.ts';
export { type CartLine } from './rules.ts';
export { BENEFITS, PROMOTION_MODES, PROMOTION_STATUSES, type AppliedPromotion, type Benefit, type PromotionMode, type PromotionStatus } from './tables.ts';
export { promotionMigrations } from './migrations/index.ts';
export { DEMO_REVIEWER, seedDemoPromotions } from './demo.ts';
