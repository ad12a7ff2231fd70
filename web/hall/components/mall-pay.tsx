// 去支付 for an order that awaits payment (a flash sale's, or one whose pay page was closed): a way
// of paying the server offers, confirmed with the amount on the button, then the pay page as the
// recharge opens it (the sandbox page links back here), or paid at once from the balance; and,
// back from the pay page, 支付处理中 until the provider's verified notification settles it.
import { useRef, useState } from 'react';
import { newIdempotencyKey, toApiError, type ApiError, type PaymentInfo } from '../api.ts';
import { MethodPicker, useFollowPayment, usePaymentMethods } from './online-payment.tsx';
import { ErrorBox, Loading, errorText } from './status.tsx';
import { formatFen } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import { useMall, type Order, type PayOrder } from '../mall-api.ts';
import { useRouter } from '../../shared/router.tsx';

/** The ways an order that awaits payment may be paid from here (cash on delivery is for placing only). */
const ORDER_PAY_METHODS = ['balance', 'sandbox', 'bank', 'alipay'] as const;

/** The payment the browser comes back from (`?payment=`, the sandbox page's return link; `?out_trade_no=`, Alipay's). */
export function returnedPayment(): string | null {
  const q = new URLSearchParams(window.location.search);
  const v = q.get('payment') ?? q.get('out_trade_no');
  return v && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : null;
}

type Step = { step: 'pick' } | { step: 'sending' } | { step: 'lost'; error: ApiError } | { step: 'refused'; error: ApiError };

export function PayOrderPanel({ order, onPaid, onClose }: { order: Order; onPaid(): void; onClose(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const { base } = useRouter();
  const methods = usePaymentMethods(ORDER_PAY_METHODS);
  const [picked, setPicked] = useState<PayOrder['method'] | null>(null);
  const [s, setStep] = useState<Step>({ step: 'pick' });
  // One key per attempt at paying: kept while the same payment is sent again after a lost answer.
  const key = useRef<string | null>(null);
  if (methods.status === 'loading') return <Loading />;
  if (methods.status === 'error') return <ErrorBox error={methods.error} onRetry={methods.reload} />;
  const offered = methods.methods;
  const method = (offered.find((m) => m.method === picked) ?? offered[0])?.method;

  const pay = () => {
    if (!method) return;
    const k = key.current ?? (key.current = newIdempotencyKey());
    setStep({ step: 'sending' });
    mall.payOrder(order.id, { method, confirm: true }, k).then(({ order: o, next }) => {
      key.current = null;
      if (next.kind !== 'redirect') return onPaid();
      const back = `${base}/mall/orders/${o.id}${o.paymentId ? `?payment=${encodeURIComponent(o.paymentId)}` : ''}`;
      window.location.assign(next.url.startsWith('/') ? `${next.url}?return=${encodeURIComponent(back)}` : next.url);
    }, (err: unknown) => {
      const e = toApiError(err);
      if (e.status === 0 || e.status >= 500) return setStep({ step: 'lost', error: e });
      key.current = null;
      setStep({ step: 'refused', error: e });
    });
  };

  return (
    <section className="run-panel confirm mall-pay" aria-labelledby="mall-pay-title">
      <h2 id="mall-pay-title">{t('mall.pay')}</h2>
      <dl className="quote-facts">
        <dt>{t('mall.payAmount')}</dt><dd className="quote-price" data-testid="pay-amount">{formatFen(order.payFen)}</dd>
      </dl>
      <MethodPicker methods={offered} value={method ?? null} onChange={(m) => { setPicked(m); key.current = null; if (s.step !== 'sending') setStep({ step: 'pick' }); }} />
      {s.step === 'refused' && <ErrorBox error={s.error} />}
      {s.step === 'lost' && <p className="error-box" role="alert">{errorText(s.error, i18n)} {t('mall.payLost')}</p>}
      <div className="actions">
        {s.step === 'sending' ? <Loading label={t('mall.payOpening')} /> : (
          <>
            <button type="button" className="btn btn-primary btn-wide" disabled={!method} onClick={pay}>
              {s.step === 'lost' ? t('common.retry') : t('mall.payConfirm', { amount: formatFen(order.payFen) })}
            </button>
            <button type="button" className="btn btn-secondary" onClick={onClose}>{t('common.cancel')}</button>
          </>
        )}
      </div>
    </section>
  );
}

/** Back from the pay page: 支付处理中 until the payment is settled; then the order is read again. */
export function ReturnedPayment({ paymentId, onSettled }: { paymentId: string; onSettled(p: PaymentInfo): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const followed = useFollowPayment(paymentId, onSettled);
  if (followed.status === 'error') return <ErrorBox error={followed.error} />;
  if (followed.status === 'waiting') {
    return (
      <div className="notice" data-testid="payment-waiting">
        <p><strong>{t('mall.payWaiting')}</strong></p>
        <p role="status">{t('mall.payWaitingText')}</p>
      </div>
    );
  }
  const paid = ['paid', 'partially_refunded', 'refunded'].includes(followed.payment.state);
  return paid ? null : <p className="notice warn" role="alert">{t('mall.payClosed')}</p>;
}
