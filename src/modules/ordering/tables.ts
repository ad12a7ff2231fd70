// The ordering module's table: TMF622 product orders.
import type { Json, Timestamp } from '../../platform/db/database.ts';

export interface ProductOrderItemRow {
  id: string;
  action: 'add' | 'delete';
  offeringId: string;
  state: 'completed' | 'failed';
  errorCode?: string;
  /** The prices the item's itemPrice agreed to (`oneTime=1000;recurring=0`, fen), when it carried one. */
  agreedPrice?: string;
}

export interface ProductOrderTable {
  id: string;
  subscriberId: number;
  state: 'acknowledged' | 'inProgress' | 'completed' | 'failed' | 'partial';
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
