// The flash-sale module's public face (docs/mall.md, "Flash sales"): sales created by staff and
// approved by a second person, their stock held in the inventory and split into shards, a buyer's
// unit and order won in one transaction, units of unpaid orders back on sale, settlement after the end.
export {
  FlashSales, flashSaleInputSchema, flashRef, HOLD_AFTER_END_MS, PAY_WITHIN_MS,
  type FlashSaleInput, type FlashSalePhase, type FlashSaleView, type HeldOrder, type HeldOrders,
} from './flash-sales.service.ts';
export { SHARDS, splitIntoShards } from './stock-shards.ts';
export { FLASH_SALE_STATUSES, type FlashSaleStatus, type PurchaseState } from './tables.ts';
export { flashSaleMigrations } from './migrations/index.ts';
/** The demo shop's flash sales: one live now, one tomorrow at 10:00 Beijing time. */
export { seedDemoFlashSales } from './demo.ts';
