// 话费支付 (micro-payment): the money part taken from the subscriber's phone balance through the
// core's ledger, in the same transaction as the payment, so it is paid or not there and then.
import { l10n } from '../../../platform/i18n.ts';
import type { Ledger, PaymentProvider } from '../provider.ts';

export function balanceProvider(ledger: Ledger): PaymentProvider {
  return {
    method: 'balance',
    names: l10n('话费支付', 'Phone balance'),
    async create(p, { q, at }) {
      // INSUFFICIENT_BALANCE rolls the whole payment back: nothing written, nothing spent.
      await ledger(q).charge(p.subscriberId, p.amountFen, { channel: 'payment', reference: `payment:${p.id}`, noteZh: `话费支付：${p.subject}`, noteEn: `Paid from balance: ${p.subject}`, at });
      return { kind: 'paid' };
    },
    async refund(p, amountFen, refundId, { q, at }) {
      await ledger(q).recharge(p.subscriberId, amountFen, { channel: 'payment', reference: `refund:${refundId}`, noteZh: `退款：${p.subject}`, noteEn: `Refund: ${p.subject}`, at });
      return { ok: true, refundNo: refundId };
    },
  };
}
