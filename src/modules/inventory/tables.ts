// The inventory module's tables: warehouses, stock levels, reservations and staff movements.
import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

export interface WarehouseTable { id: string; nameZh: string; nameEn: string; city: string }

export interface StockLevelTable {
  skuId: number;
  warehouseId: string;
  onHand: number;
  reserved: number;
  safety: number;
  updatedAt: Timestamp;
}

export type ReservationStatus = 'held' | 'committed' | 'released' | 'expired';

export interface StockReservationTable {
  id: Generated<number>;
  ref: string;
  skuId: number;
  warehouseId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Timestamp;
  createdAt: Timestamp;
  settledAt: Timestamp | null;
}

export type MovementKind = 'receive' | 'count' | 'safety';

export interface StockMovementTable {
  id: Generated<number>;
  skuId: number;
  warehouseId: string;
  kind: MovementKind;
  delta: number;
  onHandAfter: number;
  safetyAfter: number;
  reason: string;
  actorId: number;
  at: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    warehouse: WarehouseTable;
    stockLevel: StockLevelTable;
    stockReservation: StockReservationTable;
    stockMovement: StockMovementTable;
  }
}

export type StockLevelRow = Selectable<StockLevelTable>;
export type ReservationRow = Selectable<StockReservationTable>;
