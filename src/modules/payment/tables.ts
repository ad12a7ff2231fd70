// The payment module's tables: payments (an order's intent to pay, with its points part and its
// provider part), the notifications providers sent, refunds, and the built-in sandbox gateway's
// own ledger (what the sandbox and online-banking test gateway think happened, for reconciliation).
import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

export const PAYMENT_METHODS = ['balance', 'points', 'cod', 'bank', 'alipay', 'sandbox'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * created: written, the provider not yet asked; pending: the subscriber is on the provider's page
 * (or the parcel is on its way, for cash on delivery); paid; failed (the provider refused);
 * closed (cancelled or expired unpaid); refunded / partially_refunded.
 */
export const PAYMENT_STATES = ['created', 'pending', 'paid', 'failed', 'closed', 'refunded', 'partially_refunded'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export interface PaymentTable {
  id: string;
  /** The caller's opaque reference: `order:123`, `recharge:<uuid>`; its prefix chooses the paid callback. */
  orderRef: string;
  subscriberId: number;
  /** Who collects the money part: a provider (or `points` when points pay it all). */
  method: PaymentMethod;
  /** The order's total in fen: the points part's value plus the money part. */
  totalFen: number;
  /** Points spent on the order (the points part), and what they are worth in fen. */
  points: number;
  pointsFen: number;
  /** The money part the provider collects, in fen. */
  amountFen: number;
  subject: string;
  state: PaymentState;
  providerTradeNo: string | null;
  /** Where the subscriber goes to pay (a provider's page), kept so a repeated request gets the same one. */
  nextUrl: string | null;
  /** Fen and points given back so far. */
  refundedFen: number;
  refundedPoints: number;
  /** Per subscriber: a repeated key returns the first payment. */
  idempotencyKey: string;
  requestHash: string;
  expiresAt: Timestamp;
  paidAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface PaymentNotificationTable {
  id: Generated<number>;
  provider: string;
  paymentId: string | null;
  /** The provider's trade number and the status it reports: the same pair twice is a duplicate. */
  tradeNo: string | null;
  status: string | null;
  raw: string;
  verified: boolean;
  /** credited, duplicate, refused:<why>, refunded_late, failed, ignored */
  outcome: string;
  receivedAt: Timestamp;
}

export const REFUND_STATES = ['awaiting_approval', 'pending', 'succeeded', 'failed', 'rejected'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export interface PaymentRefundTable {
  id: string;
  paymentId: string;
  /** Fen back through the provider, and points back in proportion to the fen. */
  amountFen: number;
  points: number;
  state: RefundState;
  /** order_gone (paid after the order expired), staff, order (the caller asked). */
  reason: string;
  requestedBy: number | null;
  reviewedBy: number | null;
  providerRefundNo: string | null;
  /** The staff console's Idempotency-Key, unique per payment (null for refunds the system makes), and the request's hash. */
  idempotencyKey: Generated<string | null>;
  requestHash: Generated<string | null>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** The sandbox gateway's side: its trades, as a real provider would keep them. */
export interface SandboxTradeTable {
  tradeNo: string;
  /** sandbox or bank: the two page-pay providers it plays. */
  provider: string;
  outTradeNo: string;
  amountFen: number;
  refundedFen: number;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  notifyAttempts: number;
  createdAt: Timestamp;
  paidAt: Timestamp | null;
}

export type Payment = Selectable<PaymentTable>;
export type PaymentRefund = Selectable<PaymentRefundTable>;
export type SandboxTrade = Selectable<SandboxTradeTable>;

declare module '../../platform/db/database.ts' {
  interface Database {
    payment: PaymentTable;
    paymentNotification: PaymentNotificationTable;
    paymentRefund: PaymentRefundTable;
    sandboxTrade: SandboxTradeTable;
  }
}
