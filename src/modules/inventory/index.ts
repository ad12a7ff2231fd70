// The inventory module's public face (docs/mall.md): stock per SKU and warehouse, reservations of
// open orders with their expiry (reserve / commit / release, each in the caller's transaction when
// given one), the expiry job, and staff adjustments.
export { InventoryService, checkQuantity, adjustmentSchema, MAX_LINE_QUANTITY, MAX_LOT_QUANTITY, type Adjustment, type ReservationView, type ReserveLine, type StockSummary, type WarehouseStock } from './inventory.service.ts';
export type { ReservationStatus, MovementKind } from './tables.ts';
export { inventoryMigrations } from './migrations/index.ts';
/** The demo shop's warehouses and opening stock. */
export { seedDemoInventory, DEMO_WAREHOUSES } from './demo.ts';
