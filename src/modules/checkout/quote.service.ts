// The checkout quote: the subscriber's cart re-read at today's prices and stock, the address
// checked against the delivery area when anything is shipped, the delivery fee and the
// promotions that apply (automatic ones, and a coupon code's); what the order must carry back and
// confirm, so a price changed in between is seen before paying.
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import type { CartLineView, CartService } from '../cart/index.ts';
import { checkArea, deliveryFee, type Address } from './delivery-area.ts';

/** What the promotion module answers for a cart (docs/mall.md, "Promotions"). */
export interface PromotionOutcome {
  discountFen: number;
  applied: { promotionId: number; couponCode?: string; names: { 'zh-CN': string; en: string }; discountFen: number }[];
}

export interface PromotionInput {
  subscriberId: number;
  lines: { productId: number; skuId: number; categoryId: number | null; quantity: number; unitFen: number }[];
  goodsFen: number;
  couponCode?: string;
  at: Date;
}

/** The promotion module's service as checkout calls it: evaluate for a quote, redeem and release for an order. */
export interface PromotionPort {
  evaluate(q: Db, input: PromotionInput): Promise<PromotionOutcome>;
  redeem(q: Db, ref: string, input: PromotionInput): Promise<PromotionOutcome>;
  release(q: Db, ref: string): Promise<void>;
}

export interface Quote {
  lines: Pick<CartLineView, 'productId' | 'skuId' | 'quantity' | 'names' | 'attrs' | 'kind' | 'delivery' | 'saleFen' | 'lineFen' | 'categoryId'>[];
  goodsFen: number;
  deliveryFen: number;
  discountFen: number;
  /** The promotions applied, each with what it takes off. */
  promotions: PromotionOutcome['applied'];
  /** goods + delivery − discount. */
  totalFen: number;
  /** Whether an address is needed (something is shipped). */
  shipped: boolean;
  address: Address | null;
}

export class QuoteService {
  constructor(private readonly deps: {
    db: Db; clock: Clock; cart: CartService; promotions?: PromotionPort;
    /** Of these products (catalogue offerings sold in the mall), those whose offering the subscriber holds now. */
    offeringsHeld?(subscriberId: number, productIds: readonly number[]): Promise<ReadonlySet<number>>;
  }) {}

  /** The promotion module, once it is wired (src/container.ts). */
  get promotions(): PromotionPort | undefined {
    return this.deps.promotions;
  }

  /**
   * CART_EMPTY; OUT_OF_STOCK (409, with the SKU and how many are left) or PRODUCT_NOT_FOUND for a
   * line that cannot be bought now; ADDRESS_REQUIRED when something is shipped and no address is
   * given; ADDRESS_OUT_OF_AREA outside the delivery area; a coupon's COUPON_* refusal; for a
   * catalogue offering (a pack), INVALID_QUANTITY above one and ALREADY_SUBSCRIBED when it is held.
   */
  async quote(subscriberId: number, address: Address | undefined, opts: { couponCode?: string } = {}): Promise<Quote> {
    const cart = await this.deps.cart.get({ subscriberId });
    if (!cart.lines.length) throw new AppError('CART_EMPTY');
    for (const l of cart.lines) {
      if (l.problem === 'OUT_OF_STOCK') throw new AppError('OUT_OF_STOCK', { extra: { skuId: l.skuId, saleable: l.stock.saleable } });
      if (l.problem) throw new AppError(l.problem, { extra: { skuId: l.skuId } });
    }
    const offerings = cart.lines.filter((l) => l.delivery === 'subscribe');
    const many = offerings.find((l) => l.quantity > 1);
    if (many) throw new AppError('INVALID_QUANTITY', { detail: l10n('业务类商品每单限购1件', 'A pack or plan is bought one at a time'), extra: { skuId: many.skuId } });
    if (offerings.length && this.deps.offeringsHeld) {
      const held = await this.deps.offeringsHeld(subscriberId, offerings.map((l) => l.productId));
      const mine = offerings.find((l) => held.has(l.productId));
      if (mine) throw new AppError('ALREADY_SUBSCRIBED', { extra: { skuId: mine.skuId } });
    }
    const shippedLines = cart.lines.filter((l) => l.delivery === 'ship' || l.delivery === 'number');
    const shipped = shippedLines.length > 0;
    if (shipped && !address) throw new AppError('ADDRESS_REQUIRED');
    const checked = shipped ? checkArea(address!) : null;
    const goodsFen = cart.lines.reduce((n, l) => n + l.lineFen, 0);
    const deliveryFen = deliveryFee(shippedLines.reduce((n, l) => n + l.lineFen, 0), shipped);
    const lines = cart.lines.map((l) => ({
      productId: l.productId, skuId: l.skuId, quantity: l.quantity, names: l.names, attrs: l.attrs, kind: l.kind, delivery: l.delivery, saleFen: l.saleFen, lineFen: l.lineFen,
      categoryId: l.categoryId,
    }));
    let promo: PromotionOutcome = { discountFen: 0, applied: [] };
    if (this.deps.promotions) {
      promo = await this.deps.promotions.evaluate(this.deps.db, this.promotionInput(subscriberId, lines, goodsFen, opts.couponCode));
    } else if (opts.couponCode) {
      throw new AppError('INVALID_INPUT', { detail: l10n('暂不支持使用优惠券', 'Coupons cannot be used yet') });
    }
    return { lines, goodsFen, deliveryFen, discountFen: promo.discountFen, promotions: promo.applied, totalFen: goodsFen + deliveryFen - promo.discountFen, shipped, address: checked };
  }

  /** What the promotion module is asked about an order's lines (the same for evaluate and redeem). */
  promotionInput(subscriberId: number, lines: readonly { productId: number; skuId: number; categoryId: number | null; quantity: number; saleFen?: number; unitFen?: number }[], goodsFen: number, couponCode: string | undefined, at = this.deps.clock.now()): PromotionInput {
    return {
      subscriberId, goodsFen, at, ...(couponCode ? { couponCode } : {}),
      lines: lines.map((l) => ({ productId: l.productId, skuId: l.skuId, categoryId: l.categoryId, quantity: l.quantity, unitFen: l.unitFen ?? l.saleFen ?? 0 })),
    };
  }
}
