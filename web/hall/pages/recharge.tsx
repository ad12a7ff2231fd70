// Recharge: what is owed first, quick amounts (30/50/100/200 元) or whole yuan typed in, for this
// number paid online (a way of paying the server offers, its pay page, and the balance credited
// once the provider's verified notification arrives) or, through the `recharge` business, for
// another number of the operator.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { newIdempotencyKey, paymentQuoteOf, RECHARGE_METHODS, toApiError, type ApiError, type PaymentInfo, type PaymentQuote, type RechargeMethod } from '../api.ts';
import { NumPad } from '../components/numpad.tsx';
import { MethodPicker, useFollowPayment, usePaymentMethods } from '../components/online-payment.tsx';
import { Page } from '../components/page.tsx';
import { useReceiptSink } from '../components/receipt.tsx';
import { RunPanel } from '../components/run-panel.tsx';
import { ErrorBox, Loading, errorText } from '../components/status.tsx';
import { fenToYuanText, formatFen, maskMsisdn, normaliseMsisdn, parseYuan } from '../../shared/format.ts';
import { useQuery, useRun } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { messages, type MessageKey } from '../messages.ts';
import { useRegistry } from '../registry.tsx';
import { owedOf, type BalanceData } from '../results.ts';
import { interpolate, type L10n } from '../../shared/i18n.ts';
import { Link, useRouter } from '../../shared/router.tsx';
import { useSession } from '../session.tsx';
import { BalanceFigures, LineStatus } from './home.tsx';

const PRESETS_FEN = [3000, 5000, 10000, 20000];

/** An amount asked for in the address (`/recharge?amount=5000`, from the home page's 停机 notice). */
function askedFen(): number | null {
  const v = new URLSearchParams(window.location.search).get('amount');
  return v && /^\d{1,9}$/.test(v) ? Number(v) : null;
}

/**
 * The payment the browser comes back from: `?payment=` (the sandbox gateway's return link) or
 * `?out_trade_no=` (Alipay's return, which names our payment so).
 */
function returnedPayment(): string | null {
  const q = new URLSearchParams(window.location.search);
  const v = q.get('payment') ?? q.get('out_trade_no');
  return v && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : null;
}

/** Where a recharge paid online stands on this page. */
type Online =
  | { step: 'form' }
  | { step: 'sending'; amountFen: number; method: RechargeMethod; key: string; confirming: boolean }
  | { step: 'confirm'; amountFen: number; method: RechargeMethod; key: string; quote: PaymentQuote }
  | { step: 'failed'; amountFen: number; method: RechargeMethod; key: string; confirming: boolean; error: ApiError }
  // The pay page is open: in a frame on the kiosk (which must not leave its screen), else the browser went to it.
  | { step: 'follow'; paymentId: string; frameUrl?: string };

/** A message in both languages, for what is kept beyond this screen (the kiosk's receipt). */
function both(key: MessageKey, vars: Record<string, string | number>): L10n {
  return { 'zh-CN': interpolate(messages['zh-CN'][key], vars), en: interpolate(messages.en[key], vars) };
}

/** A focusable heading that takes focus when `dep` changes, so a screen reader hears the new step. */
function useStepHeading(dep: unknown) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [dep]);
  return ref;
}

/** A recharge paid online, from its confirmation to its pay page. */
function useOnlineRecharge(embed: boolean) {
  const { client } = useSession();
  const { base } = useRouter();
  const [state, setState] = useState<Online>(() => {
    const id = returnedPayment();
    return id ? { step: 'follow', paymentId: id } : { step: 'form' };
  });
  const send = (amountFen: number, method: RechargeMethod, key: string, confirm: boolean) => {
    setState({ step: 'sending', amountFen, method, key, confirming: confirm });
    client.rechargeOnline({ amountFen, method, ...(confirm ? { confirm: true } : {}) }, key).then(
      (r) => {
        const id = r.payment.id;
        const url = r.next.url;
        if (r.next.kind !== 'redirect' || !url) return setState({ step: 'follow', paymentId: id });
        if (embed && url.startsWith('/')) return setState({ step: 'follow', paymentId: id, frameUrl: url });
        // The gateway's page links back here (Alipay comes back to its configured return address).
        const back = `${base}/recharge?payment=${encodeURIComponent(id)}`;
        window.location.assign(url.startsWith('/') ? `${url}?return=${encodeURIComponent(back)}` : url);
      },
      (e: unknown) => {
        const error = toApiError(e);
        const quote = paymentQuoteOf(error);
        if (!confirm && error.code === 'CONFIRMATION_REQUIRED' && quote) setState({ step: 'confirm', amountFen, method, key, quote });
        else setState({ step: 'failed', amountFen, method, key, confirming: confirm, error });
      },
    );
  };
  return {
    state,
    start: (amountFen: number, method: RechargeMethod) => send(amountFen, method, newIdempotencyKey(), false),
    confirm: () => state.step === 'confirm' && send(state.amountFen, state.method, state.key, true),
    retry: () => state.step === 'failed' && send(state.amountFen, state.method, state.key, state.confirming),
    reset: () => setState({ step: 'form' }),
  };
}

/** The pay page (kiosk) and what became of the payment: 支付处理中, then credited or not paid. */
function PaymentProgress({ paymentId, frameUrl, onSettled, onAgain }: { paymentId: string; frameUrl?: string; onSettled(p: PaymentInfo): void; onAgain(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { session } = useSession();
  const receipt = useReceiptSink();
  const registry = useRegistry();
  const followed = useFollowPayment(paymentId, onSettled);
  const heading = useStepHeading(followed.status === 'settled' ? followed.payment.state : followed.status);
  if (followed.status === 'error') {
    return (
      <section className="run-panel failed" aria-labelledby="pay-failed-title" role="alert">
        <h2 id="pay-failed-title" ref={heading} tabIndex={-1}>{t('recharge.closed')}</h2>
        <p className="error-text">{errorText(followed.error, i18n)}</p>
        <div className="actions"><button type="button" className="btn btn-secondary" onClick={onAgain}>{t('recharge.again')}</button></div>
      </section>
    );
  }
  if (followed.status === 'waiting') {
    return (
      <section className="run-panel waiting" aria-labelledby="pay-wait-title" data-testid="payment-waiting">
        <h2 id="pay-wait-title" ref={heading} tabIndex={-1}>{t('recharge.processing')}</h2>
        {followed.payment && <p className="quote-price">{formatFen(followed.payment.totalFen)}</p>}
        <p className="muted" role="status">{frameUrl ? t('recharge.payHere') : t('recharge.processingText')}</p>
        {frameUrl && <iframe className="pay-frame" src={frameUrl} title={t('recharge.payFrame')} />}
      </section>
    );
  }
  const p = followed.payment;
  const paid = p.state === 'paid' || p.state === 'partially_refunded' || p.state === 'refunded';
  const text = paid ? t('recharge.paidText', { amount: formatFen(p.totalFen) }) : t('recharge.closedText');
  const business = registry.get('recharge');
  return (
    <section className={`run-panel ${paid ? 'done' : 'failed'}`} aria-labelledby="pay-done-title" data-testid="payment-settled">
      <h2 id="pay-done-title" ref={heading} tabIndex={-1}>
        {paid && <span className="ok-mark" aria-hidden="true">✓ </span>}
        {paid ? t('recharge.paid') : t('recharge.closed')}
      </h2>
      <p className="result-text">{text}</p>
      <div className="actions">
        {paid && receipt && session && business && (
          <button
            type="button" className="btn btn-primary"
            onClick={() => receipt.show({ businessName: business.names, text: both('recharge.paidText', { amount: formatFen(p.totalFen) }), priceFen: p.totalFen, msisdn: session.msisdn, at: Date.now(), reference: p.id })}
          >
            {t('receipt.print')}
          </button>
        )}
        <button type="button" className="btn btn-secondary" onClick={onAgain}>{t('recharge.again')}</button>
        <Link to="/" className="btn btn-secondary">{t('nav.home')}</Link>
      </div>
    </section>
  );
}

/** The steps of a recharge paid online after its form: the confirmation, a refusal, the pay page and its outcome. */
function OnlinePanel({ online, onSettled, onAgain }: { online: ReturnType<typeof useOnlineRecharge>; onSettled(): void; onAgain(): void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const methods = usePaymentMethods(RECHARGE_METHODS);
  const s = online.state;
  const heading = useStepHeading(s.step);
  if (s.step === 'form') return null;
  if (s.step === 'sending') return <div className="run-panel"><Loading label={s.confirming ? t('recharge.opening') : t('run.sending')} /></div>;
  if (s.step === 'follow') return <PaymentProgress key={s.paymentId} paymentId={s.paymentId} frameUrl={s.frameUrl} onSettled={onSettled} onAgain={onAgain} />;
  if (s.step === 'failed') {
    return (
      <section className="run-panel failed" aria-labelledby="recharge-failed-title" role="alert">
        <h2 id="recharge-failed-title" ref={heading} tabIndex={-1}>{t('run.failedTitle')}</h2>
        <p className="error-text">{errorText(s.error, i18n)}</p>
        <div className="actions">
          {(s.error.status === 0 || s.error.status >= 500) && <button type="button" className="btn btn-primary" onClick={online.retry}>{t('common.retry')}</button>}
          <button type="button" className="btn btn-secondary" onClick={online.reset}>{t('run.edit')}</button>
        </div>
      </section>
    );
  }
  const name = methods.status === 'ok' ? methods.methods.find((m) => m.method === s.method)?.names : undefined;
  return (
    <section className="run-panel confirm" aria-labelledby="recharge-confirm-title">
      <h2 id="recharge-confirm-title" ref={heading} tabIndex={-1}>{t('recharge.confirmTitle')}</h2>
      <p className="quote-summary">{pick(s.quote.summary)}</p>
      <dl className="quote-facts">
        <dt>{t('recharge.amountToPay')}</dt>
        <dd className="quote-price">{formatFen(s.quote.amountFen)}</dd>
        <dt>{t('recharge.payWith')}</dt>
        <dd>{name ? pick(name) : s.method}</dd>
      </dl>
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={online.confirm}>{t('recharge.goPay')}</button>
        <button type="button" className="btn btn-secondary" onClick={online.reset}>{t('common.cancel')}</button>
      </div>
    </section>
  );
}

/** `kiosk`: the pay page opens in a frame on this screen, since the kiosk forgets its subscriber when it leaves. */
export function Recharge({ numPad, kiosk }: { numPad?: boolean; kiosk?: boolean }) {
  const { t, pick } = useI18n();
  const registry = useRegistry();
  const { navigate } = useRouter();
  const balance = useQuery<BalanceData>('balance.query');
  const run = useRun('recharge', () => balance.reload());
  const online = useOnlineRecharge(kiosk === true);
  const methods = usePaymentMethods(RECHARGE_METHODS);
  const [picked, setPicked] = useState<RechargeMethod | null>(null);
  const [text, setText] = useState(() => {
    const f = askedFen();
    return f ? fenToYuanText(f) : '';
  });
  const [problem, setProblem] = useState<string | null>(null);
  const [other, setOther] = useState(false);
  const [number, setNumber] = useState('');
  const [numberProblem, setNumberProblem] = useState<string | null>(null);
  const id = useId();
  const business = registry.get('recharge');
  if (registry.state.status === 'loading') return <Page title={t('recharge.title')}><Loading /></Page>;
  if (registry.state.status === 'error') return <Page title={t('recharge.title')}><ErrorBox error={registry.state.error} onRetry={registry.reload} /></Page>;
  if (!business) return <Page title={t('recharge.title')}><p>{t('notFound.business', { id: 'recharge' })}</p></Page>;
  const amount = business.input.properties?.amount;
  const minFen = amount?.minimum ?? 1;
  const maxFen = amount?.maximum ?? Number.MAX_SAFE_INTEGER;
  // Another number of the operator, when the server takes one (`msisdn` in the input).
  const canOther = business.input.properties?.msisdn !== undefined;
  const offered = methods.status === 'ok' ? methods.methods : [];
  const method = (offered.find((m) => m.method === picked) ?? offered[0])?.method as RechargeMethod | undefined;
  const paysOnline = !(canOther && other);
  const again = () => {
    if (returnedPayment()) navigate('/recharge', { replace: true });
    online.reset();
    balance.reload();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fen = parseYuan(text);
    if (fen === null) return setProblem(t('recharge.wholeYuan'));
    if (fen < minFen) return setProblem(t('form.min', { min: fenToYuanText(minFen) }));
    if (fen > maxFen) return setProblem(t('form.max', { max: fenToYuanText(maxFen) }));
    if (fen % 100 !== 0) return setProblem(t('recharge.wholeYuan'));
    setProblem(null);
    if (canOther && other) {
      const target = normaliseMsisdn(number);
      if (!target) return setNumberProblem(/\p{L}/u.test(number) ? t('login.lettersInNumber') : t('login.badNumber'));
      setNumberProblem(null);
      run.start({ amount: fen, msisdn: target });
      return;
    }
    if (!method) return;
    online.start(fen, method);
  };

  return (
    <Page title={pick(business.names)} intro={t('recharge.intro')}>
      {balance.data && <LineStatus balance={balance.data} here />}
      <p className="balance-line" aria-live="polite">
        {balance.data && owedOf(balance.data) > 0 ? (
          <>{t('recharge.owed')}{' '}<strong className="owed" data-testid="recharge-owed">{formatFen(owedOf(balance.data))}</strong></>
        ) : (
          <>{t('recharge.current')}{' '}
            {balance.data ? <strong data-testid="recharge-balance">{formatFen(balance.data.balanceFen)}</strong> : balance.status === 'loading' ? t('common.loading') : '—'}</>
        )}
      </p>
      {balance.data?.accountType === 'postpaid' && <BalanceFigures b={balance.data} />}
      {balance.status === 'error' && <ErrorBox error={balance.error} onRetry={balance.reload} />}
      {run.state.step !== 'idle' ? (
        <RunPanel run={run} business={business} />
      ) : online.state.step !== 'form' ? (
        <OnlinePanel online={online} onSettled={() => balance.reload()} onAgain={again} />
      ) : (
        <form className="recharge-form" onSubmit={submit} noValidate>
          {canOther && (
            <fieldset className="field">
              <legend>{t('recharge.whom')}</legend>
              <div className="segmented">
                <button type="button" className={`btn ${!other ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={!other} onClick={() => { setOther(false); setNumberProblem(null); }}>
                  {t('recharge.self')}
                </button>
                <button type="button" className={`btn ${other ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={other} onClick={() => setOther(true)}>
                  {t('recharge.other')}
                </button>
              </div>
              {other && (
                <div className="field other-number">
                  <label htmlFor={`${id}-msisdn`}>{t('recharge.otherNumber')}</label>
                  <input
                    id={`${id}-msisdn`} type="tel" inputMode={numPad ? 'none' : 'tel'} readOnly={numPad} value={number} autoComplete="off" className="big-input"
                    maxLength={24} aria-invalid={numberProblem ? true : undefined} aria-describedby={numberProblem ? `${id}-msisdn-problem` : undefined}
                    onChange={(e) => { setNumber(e.target.value); setNumberProblem(null); }}
                  />
                  {numberProblem && <p id={`${id}-msisdn-problem`} className="field-problem">{numberProblem}</p>}
                  {number && normaliseMsisdn(number) && <p className="muted small">{t('recharge.target', { number: maskMsisdn(normaliseMsisdn(number)!) })}</p>}
                  {numPad && <NumPad value={number} onChange={(v) => { setNumber(v); setNumberProblem(null); }} maxLength={11} label={t('recharge.otherNumber')} />}
                </div>
              )}
            </fieldset>
          )}
          <fieldset className="field">
            <legend>{t('recharge.pick')}</legend>
            <div className="preset-grid">
              {PRESETS_FEN.filter((f) => f >= minFen && f <= maxFen).map((f) => (
                <button
                  key={f} type="button" className={`preset ${parseYuan(text) === f ? 'selected' : ''}`}
                  aria-pressed={parseYuan(text) === f} onClick={() => { setText(fenToYuanText(f)); setProblem(null); }}
                >
                  {formatFen(f).replace(/\.00$/, '')}
                </button>
              ))}
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor={id}>{t('recharge.amount')}</label>
            <p id={`${id}-hint`} className="field-hint">{t('recharge.range', { min: fenToYuanText(minFen), max: fenToYuanText(maxFen) })}</p>
            <input
              id={id} type="text" inputMode={numPad ? 'none' : 'numeric'} readOnly={numPad} value={text} autoComplete="off" className="big-input"
              aria-invalid={problem ? true : undefined} aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
              onChange={(e) => { setText(e.target.value); setProblem(null); }}
            />
            {problem && <p id={`${id}-problem`} className="field-problem">{problem}</p>}
            {numPad && <NumPad value={text} onChange={(v) => { setText(v); setProblem(null); }} maxLength={4} label={t('recharge.amount')} />}
          </div>
          {paysOnline && methods.status === 'loading' && <Loading />}
          {paysOnline && methods.status === 'error' && <ErrorBox error={methods.error} onRetry={methods.reload} />}
          {paysOnline && methods.status === 'ok' && (offered.length > 0
            ? <MethodPicker methods={offered} value={method ?? null} onChange={(m) => setPicked(m as RechargeMethod)} />
            : <p className="notice" role="status">{t('recharge.noMethods')}</p>)}
          <div className="actions">
            <button type="submit" className="btn btn-primary btn-wide" disabled={paysOnline && !method}>{t('recharge.submit')}</button>
          </div>
        </form>
      )}
    </Page>
  );
}
