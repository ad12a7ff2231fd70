// The provider port: each way of paying (phone balance, cash on delivery, the sandbox and online
// banking gateways, Alipay) is a small adapter behind this interface. The payment service holds
// every rule (states, idempotency, points, refunds in proportion); an adapter only speaks to its
// provider. Points are not a provider: they are the payment's points part, spent and returned by
// the service itself through the ledger port.
import type { Db } from '../../platform/db/index.ts';
import type { L10n } from '../../platform/i18n.ts';
import type { Bss } from '../subscriber/index.ts';
import type { Payment, PaymentMethod } from './tables.ts';

/** What the subscriber does next once a payment is made. */
export type NextStep =
  /** Page pay: send the subscriber to the provider's page (a GET link). */
  | { kind: 'redirect'; url: string }
  /** Settled while it was made (the phone balance). */
  | { kind: 'paid' }
  /** Settled by a later call (cash on delivery: when the parcel is delivered). */
  | { kind: 'pending' };

/** The facts of a notification whose signature checked out. */
export interface VerifiedNotice {
  /** Our payment id (the provider's out_trade_no). */
  paymentId: string;
  tradeNo: string;
  /** The provider's own status word (TRADE_SUCCESS): with the trade number, what makes a notice the same notice. */
  status: string;
  outcome: 'paid' | 'closed' | 'other';
  amountFen: number;
  notifiedAt: Date;
}

export type NoticeCheck = { ok: true; notice: VerifiedNotice } | { ok: false; reason: string };

/** The provider's side of one trade, as its query (or its own ledger) tells it. */
export interface ProviderTrade {
  paymentId: string;
  tradeNo: string | null;
  state: 'paid' | 'waiting' | 'closed' | 'missing';
  amountFen: number;
  refundedFen: number;
}

export type RefundResult = { ok: true; refundNo: string | null } | { ok: false; reason: string };

export interface PaymentProvider {
  readonly method: PaymentMethod;
  readonly names: L10n;
  /**
   * Starts collecting the payment's money part, in the transaction that writes it (the phone
   * balance is charged there; a page-pay provider only signs a link).
   */
  create(p: Payment, ctx: { q: Db; at: Date }): Promise<NextStep>;
  /** Checks a notification's signature and reads its facts; page-pay providers only. */
  verifyNotification?(raw: Record<string, string>): NoticeCheck;
  /** What the provider says of the trade now: for a notification that never arrived. */
  query?(p: Payment, ctx: { q: Db }): Promise<ProviderTrade>;
  /**
   * Gives `amountFen` back; `refundId` is the provider's idempotency key (a retry refunds once).
   * `q` is the refund's transaction: the balance adapter credits the account in it.
   */
  refund(p: Payment, amountFen: number, refundId: string, ctx: { q: Db; at: Date }): Promise<RefundResult>;
  /** The provider's own trades made in [from, to), for the reconciliation report; else each of ours is queried. */
  trades?(from: Date, to: Date): Promise<ProviderTrade[]>;
  /** The body a provider expects in answer to a notification it sent. */
  readonly notifyAnswer?: { ok: string; fail: string };
}

/** The subscriber's account and points as the payment module moves them: the core's ledger, bound to a transaction. */
export type Ledger = (q: Db) => Pick<Bss, 'charge' | 'recharge' | 'pointsBalance' | 'addPoints'>;
