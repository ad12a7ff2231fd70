// Cash on delivery (货到付款): nothing is collected now; the payment waits, pending, until the
// delivery says the courier took the cash (Payments.settleOnDelivery). A refund is paid back in
// cash by the shop or courier, so the adapter only records it.
import { l10n } from '../../../platform/i18n.ts';
import type { PaymentProvider } from '../provider.ts';

export function cashOnDeliveryProvider(): PaymentProvider {
  return {
    method: 'cod',
    names: l10n('货到付款', 'Cash on delivery'),
    async create() {
      return { kind: 'pending' };
    },
    async refund(_p, _amountFen, refundId) {
      return { ok: true, refundNo: `cash:${refundId}` };
    },
  };
}
