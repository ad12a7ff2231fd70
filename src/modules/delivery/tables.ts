// The delivery module's tables: a shipment per order (warehouse, carrier, tracking number, the
// address as it was when the order was placed, its state, the cash to take on delivery), its
// timeline (our own steps and the carriers' events, each carrier event once), and return requests.
import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';

/**
 * to_ship (待发货) → shipped (已发货) → in_transit (运输中) → delivered (已签收) → returned (已退货);
 * returned also straight from shipped or in transit when the parcel comes back unsigned (拒收);
 * to_ship → cancelled (已取消) when its owner calls it off before it leaves (an order refunded in
 * full), and it goes nowhere after. Only ever forward: see states.ts.
 */
export const SHIPMENT_STATES = ['to_ship', 'shipped', 'in_transit', 'delivered', 'returned', 'cancelled'] as const;
export type ShipmentState = (typeof SHIPMENT_STATES)[number];

/**
 * requested → approved → received → refunding → refunded; requested → rejected (七天无理由退货).
 * received: the goods are back and no refund is under way (none asked yet, or the last failed);
 * refunding: the owner's refund is asked for but not paid out (awaiting a second person's approval,
 * or the provider); refunded once it is (or when there was nothing to give back).
 */
export const RETURN_STATES = ['requested', 'approved', 'received', 'refunding', 'refunded', 'rejected'] as const;
export type ReturnState = (typeof RETURN_STATES)[number];

/** The address a parcel goes to, copied from the order: a later change of the subscriber's address does not move it. */
export interface Address {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
}

/** What a return sends back, as the subscriber says it; the owner reads it (opaque to delivery). */
export interface ReturnLine {
  skuId: number;
  quantity: number;
}

export interface ShipmentTable {
  id: Generated<number>;
  /** The owner's opaque reference (`order:123`); one shipment per reference. Its prefix chooses the owner's callbacks. */
  orderRef: string;
  subscriberId: number;
  /** The warehouse it leaves from (the inventory module's code: GZ, SZ). */
  warehouse: string;
  /** The carrier's code (`demo`, `sf`); unique with the tracking number. */
  carrier: string;
  trackingNo: string | null;
  recipientName: string;
  recipientPhone: string;
  province: string;
  city: string;
  district: string;
  addressDetail: string;
  state: ShipmentState;
  /** Cash the courier takes on delivery (货到付款), fen; 0: paid already. */
  codFen: number;
  shippedAt: Timestamp | null;
  /** Signed for (签收): the return window counts from this. */
  deliveredAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ShipmentEventTable {
  id: Generated<number>;
  shipmentId: number;
  /** The state the event reports (it moves the shipment only forward). */
  state: ShipmentState;
  place: string | null;
  noteZh: string;
  noteEn: string;
  /** When it happened, as the carrier (or we) say. The timeline is in this order. */
  at: Timestamp;
  /** The carrier's event id: the same event again is recorded once. Null for our own steps. */
  carrierEventId: string | null;
  carrier: string | null;
  /** Whether it moved the shipment's state (false: older or repeated news). */
  moved: boolean;
  receivedAt: Timestamp;
}

export interface ReturnRequestTable {
  id: Generated<number>;
  shipmentId: number;
  subscriberId: number;
  reason: string;
  lines: Json<ReturnLine[]>;
  state: ReturnState;
  /** Decided by the owner when the goods are received; null until then. */
  refundFen: number | null;
  rejectReason: string | null;
  idempotencyKey: string;
  requestHash: string;
  requestedAt: Timestamp;
  updatedAt: Timestamp;
}

export type Shipment = Selectable<ShipmentTable>;
export type ShipmentEvent = Selectable<ShipmentEventTable>;
export type ReturnRequest = Selectable<ReturnRequestTable>;

declare module '../../platform/db/database.ts' {
  interface Database {
    shipment: ShipmentTable;
    shipmentEvent: ShipmentEventTable;
    returnRequest: ReturnRequestTable;
  }
}
