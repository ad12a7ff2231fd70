// Paying online from the hall: the ways of paying the server offers, and a payment followed
// until the provider's verified notification settles it (支付处理中 until then).
import { useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError, type PaymentInfo, type PaymentMethodInfo } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';

/** How often a waiting payment is asked after; a notification usually lands within a second or two. */
const POLL_MS = 1_500;

/** A payment's states that no notification will change any more (docs/payments.md). */
const SETTLED = new Set(['paid', 'closed', 'failed', 'partially_refunded', 'refunded']);

export type MethodsState = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ok'; methods: PaymentMethodInfo[] };

/** The offered ways of paying among `wanted`, in the server's order. */
export function usePaymentMethods(wanted: readonly string[]): MethodsState & { reload(): void } {
  const { client } = useSession();
  const [state, setState] = useState<MethodsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const key = wanted.join(',');
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    client.paymentMethods().then(
      (all) => live && setState({ status: 'ok', methods: all.filter((m) => key.split(',').includes(m.method)) }),
      (e: unknown) => live && setState({ status: 'error', error: toApiError(e) }),
    );
    return () => {
      live = false;
    };
  }, [client, key, attempt]);
  return { ...state, reload: () => setAttempt((n) => n + 1) };
}

/** Pressed buttons, one per offered method, as the amounts are picked. */
export function MethodPicker({ methods, value, onChange }: { methods: PaymentMethodInfo[]; value: string | null; onChange(method: PaymentMethodInfo['method']): void }) {
  const { t, pick } = useI18n();
  return (
    <fieldset className="field">
      <legend>{t('recharge.method')}</legend>
      <div className="preset-grid method-grid">
        {methods.map((m) => (
          <button key={m.method} type="button" className={`preset ${value === m.method ? 'selected' : ''}`} aria-pressed={value === m.method} onClick={() => onChange(m.method)}>
            {pick(m.names)}
          </button>
        ))}
      </div>
    </fieldset>
  );
}

export type Followed = { status: 'waiting'; payment?: PaymentInfo } | { status: 'settled'; payment: PaymentInfo } | { status: 'error'; error: ApiError };

/**
 * Follows one of the subscriber's payments until it is settled. A lost answer is asked again
 * at the next tick; a refusal (404: not this subscriber's) ends the following.
 */
export function useFollowPayment(id: string, onSettled?: (p: PaymentInfo) => void): Followed {
  const { client } = useSession();
  const [state, setState] = useState<Followed>({ status: 'waiting' });
  const settledRef = useRef(onSettled);
  settledRef.current = onSettled;
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    const ask = () => {
      client.payment(id).then(
        (payment) => {
          if (!live) return;
          if (SETTLED.has(payment.state)) {
            setState({ status: 'settled', payment });
            settledRef.current?.(payment);
          } else {
            setState({ status: 'waiting', payment });
            timer = window.setTimeout(ask, POLL_MS);
          }
        },
        (e: unknown) => {
          if (!live) return;
          const error = toApiError(e);
          if (error.status === 0 || error.status >= 500) timer = window.setTimeout(ask, POLL_MS);
          else setState({ status: 'error', error });
        },
      );
    };
    ask();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [client, id]);
  return state;
}
