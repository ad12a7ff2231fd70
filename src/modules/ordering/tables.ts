// The ordering module's table: TMF622 product orders.
import type { Json, Timestamp } from '../../platform/db/database.ts';

export interface ProductOrderItemRow {
  id: string;
  /** TMF622 v4's OrderItemActionType; only add and delete are fulfilled, the others are rejected. */
  action: 'add' | 'delete' | 'modify' | 'noChange';
  /** Absent when the item named no offering (and so was rejected). */
  offeringId?: string;
  state: 'completed' | 'failed' | 'rejected';
  errorCode?: string;
  /** Why a rejected item was not run, in both languages (the order's note). */
  reason?: { 'zh-CN': string; en: string };
  /** The prices the item's itemPrice agreed to (`oneTime=1000;recurring=0`, fen), when it carried one. */
  agreedPrice?: string;
}

export interface ProductOrderTable {
  id: string;
  subscriberId: number;
  state: 'acknowledged' | 'rejected' | 'inProgress' | 'completed' | 'failed' | 'partial';
  channel: string;
  externalId: string | null;
  description: string | null;
  items: Json<ProductOrderItemRow[]>;
  orderDate: Timestamp;
  completionDate: Timestamp | null;
  lastUpdate: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    productOrder: ProductOrderTable;
  }
}
