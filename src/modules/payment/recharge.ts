// Recharge paid through a provider (web, mobile hall, kiosk): the subscriber chooses a method,
// pays on the provider's page, and the balance is credited through the core's ledger when the
// verified notification (or the reconciliation query) marks the payment paid: in that very
// transaction, so exactly once. A recharge never expires: paid late, it is still credited.
// (The `recharge` business, which credits at once, stays for SMS and USSD, the operator's own
// channels where the money is already the operator's.)
import type { Ledger } from './provider.ts';
import type { CreatePayment, Payments } from './payments.service.ts';
import type { Payment, PaymentMethod } from './tables.ts';

export const RECHARGE_REF = 'recharge:';
/** The providers a recharge may be paid with: not the balance it tops up, not points or cash. */
export const RECHARGE_METHODS = ['sandbox', 'bank', 'alipay'] as const satisfies readonly PaymentMethod[];

export class PaidRecharges {
  constructor(private readonly payments: Payments, ledger: Ledger) {
    payments.register(RECHARGE_REF, {
      async paid(q, p) {
        await ledger(q).recharge(p.subscriberId, p.totalFen, {
          channel: 'payment', reference: `payment:${p.id}`, noteZh: '充值（在线支付）', noteEn: 'Recharge (paid online)', at: p.paidAt ?? p.updatedAt,
        });
        return 'ok';
      },
      // A refund takes the credit back off the balance first: never money back for a top-up that
      // stays on the line. Spent already (the balance is short): INSUFFICIENT_BALANCE, and the
      // refund fails with nothing moved.
      async refunding(q, p, r) {
        await ledger(q).charge(p.subscriberId, r.amountFen, {
          channel: 'payment', reference: `refund:${r.id}`, noteZh: '充值退款（退回在线支付）', noteEn: 'Recharge refunded (paid back online)', at: r.at,
        });
      },
    });
  }

  /** A recharge of this subscriber's own number, paid with `method`; the key makes a retry the same recharge. */
  start(req: { subscriberId: number; amountFen: number; method: (typeof RECHARGE_METHODS)[number]; idempotencyKey: string }) {
    const input: CreatePayment = {
      subscriberId: req.subscriberId, orderRef: `${RECHARGE_REF}${req.idempotencyKey}`, method: req.method, totalFen: req.amountFen,
      subject: '话费充值', idempotencyKey: `recharge:${req.idempotencyKey}`,
    };
    return this.payments.create(input);
  }

  quote(amountFen: number, method: PaymentMethod) {
    return this.payments.quote({ method, totalFen: amountFen });
  }

  static isRecharge(p: Payment): boolean {
    return p.orderRef.startsWith(RECHARGE_REF);
  }
}
