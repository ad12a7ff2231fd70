// The checkout quote: the subscriber's cart re-read at today's prices and stock, the address
// checked against the delivery area when anything is shipped, and the delivery fee; what the
// order (next) must carry back and confirm, so a price changed in between is seen before paying.
import { AppError } from '../../platform/errors.ts';
import type { CartLineView, CartService } from '../cart/index.ts';
import { checkArea, deliveryFee, type Address } from './delivery-area.ts';

export interface Quote {
  lines: Pick<CartLineView, 'productId' | 'skuId' | 'quantity' | 'names' | 'attrs' | 'delivery' | 'saleFen' | 'lineFen'>[];
  goodsFen: number;
  deliveryFen: number;
  totalFen: number;
  /** Whether an address is needed (something is shipped). */
  shipped: boolean;
  address: Address | null;
}

export class QuoteService {
  constructor(private readonly deps: { cart: CartService }) {}

  /**
   * CART_EMPTY; OUT_OF_STOCK (409, with the SKU and how many are left) or PRODUCT_NOT_FOUND for a
   * line that cannot be bought now; ADDRESS_REQUIRED when something is shipped and no address is
   * given; ADDRESS_OUT_OF_AREA outside the delivery area.
   */
  async quote(subscriberId: number, address: Address | undefined): Promise<Quote> {
    const cart = await this.deps.cart.get({ subscriberId });
    if (!cart.lines.length) throw new AppError('CART_EMPTY');
    for (const l of cart.lines) {
      if (l.problem === 'OUT_OF_STOCK') throw new AppError('OUT_OF_STOCK', { extra: { skuId: l.skuId, saleable: l.stock.saleable } });
      if (l.problem) throw new AppError(l.problem, { extra: { skuId: l.skuId } });
    }
    const shippedLines = cart.lines.filter((l) => l.delivery === 'ship' || l.delivery === 'number');
    const shipped = shippedLines.length > 0;
    if (shipped && !address) throw new AppError('ADDRESS_REQUIRED');
    const checked = shipped ? checkArea(address!) : null;
    const goodsFen = cart.lines.reduce((n, l) => n + l.lineFen, 0);
    const deliveryFen = deliveryFee(shippedLines.reduce((n, l) => n + l.lineFen, 0), shipped);
    return {
      lines: cart.lines.map((l) => ({ productId: l.productId, skuId: l.skuId, quantity: l.quantity, names: l.names, attrs: l.attrs, delivery: l.delivery, saleFen: l.saleFen, lineFen: l.lineFen })),
      goodsFen, deliveryFen, totalFen: goodsFen + deliveryFen, shipped, address: checked,
    };
  }
}
