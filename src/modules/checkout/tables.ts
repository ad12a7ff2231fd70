// The checkout module's tables: an order (what was bought at what price, how it is paid, where it
// goes, and where it stands) and its lines, each a snapshot of the product as it was sold.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';
import type { Delivery, ProductKind } from '../goods/index.ts';
import type { Address } from './delivery-area.ts';

/**
 * awaiting_payment (待付款) → paid (已付款) → shipped (已发货) → delivered (已签收) → completed (已完成);
 * cash on delivery: awaiting_delivery (待发货，货到付款) → shipped → delivered; or cancelled (已取消),
 * expired (已超时), returned (已退货, the goods back after a return). Any paid one (paid, awaiting
 * delivery, delivered, completed, returned) goes refunded (已退款) once every fen and point of its
 * payment is given back, in the refund's transaction; refunded is the end: not shipped, delivered,
 * returned or refunded again.
 */
export const ORDER_STATES = ['awaiting_payment', 'awaiting_delivery', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'expired', 'returned', 'refunded'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface MallOrderTable {
  id: number;
  /** MO + the Beijing day placed + the id in 8 digits: MO2026120200001234. */
  orderNo: string;
  subscriberId: number;
  /** Where it was placed: `cart`, `flash:<saleId>` (held stock), `sms`, `ussd`. */
  source: string;
  state: OrderState;
  goodsFen: number;
  deliveryFen: number;
  discountFen: number;
  couponCode: string | null;
  /** The promotions applied, as the promotion module answered them. */
  promotions: Json<{ promotionId: number; couponCode?: string; names: { 'zh-CN': string; en: string }; discountFen: number }[]>;
  points: number;
  pointsFen: number;
  /** goods + delivery − discount: what the order costs. */
  totalFen: number;
  /** total − points: the money part. */
  payFen: number;
  /** How it is paid; null until a held order's payment is chosen. */
  method: string | null;
  paymentId: string | null;
  shipmentId: number | null;
  address: Json<Address> | null;
  /** Whether its stock is held by the seller who placed it (a flash sale), not reserved by checkout. */
  held: boolean;
  idempotencyKey: string;
  requestHash: string;
  payBy: Timestamp;
  placedAt: Timestamp;
  paidAt: Timestamp | null;
  deliveredAt: Timestamp | null;
  /** A paid payment the order's undoing must give back (run after the undoing commits); cleared once refunded. */
  refundDue: string | null;
  /** What of the order's payment has been given back (its money part, its points), as the payment recorded it. */
  refundedFen: Generated<number>;
  refundedPoints: Generated<number>;
  /** Paid before the order kept its refunded totals (migration 0004): the mall sweep has the payment tell it again, then clears this. */
  refundsUnchecked: Generated<boolean>;
  updatedAt: Timestamp;
}

export interface MallOrderLineTable {
  id: Generated<number>;
  orderId: number;
  productId: number;
  skuId: number;
  /** The product's category when it was sold (what promotions are decided on). */
  categoryId: number | null;
  nameZh: string;
  nameEn: string;
  attrs: Json<Record<string, string>>;
  kind: ProductKind;
  delivery: Delivery;
  quantity: number;
  unitFen: number;
  lineFen: number;
  /** A number card's chosen number. */
  number: string | null;
  /** The codes issued to it once paid (卡密). */
  codes: Json<string[]> | null;
  /** When those codes were revoked (void: the order was refunded in full). */
  codesVoidedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    mallOrder: MallOrderTable;
    mallOrderLine: MallOrderLineTable;
  }
}

export type MallOrder = Selectable<MallOrderTable>;
export type MallOrderLine = Selectable<MallOrderLineTable>;
