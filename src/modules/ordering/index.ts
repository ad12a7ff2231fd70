// The ordering module's public face: TMF622 product orders.
export { OrderingService } from './ordering.service.ts';
export type { OrderFilter, OrderRow } from './ordering.repository.ts';
export type { ProductOrderItemRow, ProductOrderTable } from './tables.ts';
export { orderingMigrations } from './migrations/index.ts';
