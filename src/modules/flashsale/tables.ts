// The flash-sale module's tables: sales, each sale's stock split into shard rows, and the
// purchases (one per unit won, holding a slot of the buyer's limit).
import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

/** pending (waiting for a second person) → approved (its stock held) → settled; or rejected. */
export type FlashSaleStatus = 'pending' | 'approved' | 'rejected' | 'settled';
export const FLASH_SALE_STATUSES = ['pending', 'approved', 'rejected', 'settled'] as const;

export interface FlashSaleTable {
  id: Generated<number>;
  productId: number;
  skuId: number;
  priceFen: number;
  quantity: number;
  perSubscriberLimit: number;
  startsAt: Timestamp;
  endsAt: Timestamp;
  status: FlashSaleStatus;
  /** How many rows the stock is split into (0 until approved). */
  shards: number;
  createdBy: number;
  createdAt: Timestamp;
  reviewedBy: number | null;
  reviewedAt: Timestamp | null;
  reviewReason: string | null;
  /** Until when the inventory holds the sale's quantity under `flash:<id>`. */
  holdUntil: Timestamp | null;
  /** At settlement: how many units sold (committed in the inventory; the rest released). */
  sold: number | null;
  settledAt: Timestamp | null;
}

export interface FlashSaleShardTable {
  saleId: number;
  shard: number;
  remaining: number;
}

/** held (the order awaits payment) → paid; released (expired or cancelled unpaid: the unit is back on sale) or refunded (after paying). */
export type PurchaseState = 'held' | 'paid' | 'released' | 'refunded';

export interface FlashSalePurchaseTable {
  id: Generated<number>;
  saleId: number;
  subscriberId: number;
  /** Which of the buyer's `perSubscriberLimit` units this is: unique per sale and buyer while not released. */
  slot: number;
  /** The shard its unit came from, and goes back to when released. */
  shard: number;
  orderId: number;
  idempotencyKey: string;
  requestHash: string;
  state: PurchaseState;
  createdAt: Timestamp;
  settledAt: Timestamp | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    flashSale: FlashSaleTable;
    flashSaleShard: FlashSaleShardTable;
    flashSalePurchase: FlashSalePurchaseTable;
  }
}

export type FlashSaleRow = Selectable<FlashSaleTable>;
export type PurchaseRow = Selectable<FlashSalePurchaseTable>;
