// What happens after a form is sent: the quote to confirm, the answer, or what went wrong.
import { useEffect, useRef, type ReactNode } from 'react';
import { formatDate, formatFen } from '../../shared/format.ts';
import type { Run } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../../shared/router.tsx';
import { useSession } from '../session.tsx';
import type { BusinessInfo } from '../../shared/types.ts';
import { useReceiptSink } from './receipt.tsx';
import { Loading, errorText } from './status.tsx';

function useFocusOnChange(dep: unknown) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [dep]);
  return ref;
}

export function RunPanel({ run, business, onEdit, doneActions, hideAgain }: { run: Run; business: BusinessInfo; onEdit?: () => void; doneActions?: ReactNode; hideAgain?: boolean }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { session } = useSession();
  const receipt = useReceiptSink();
  const s = run.state;
  const heading = useFocusOnChange(s.step);
  const back = () => {
    run.reset();
    onEdit?.();
  };

  if (s.step === 'idle') return null;
  if (s.step === 'sending') {
    return <div className="run-panel"><Loading label={s.confirming ? t('run.processing') : t('run.sending')} /></div>;
  }
  if (s.step === 'confirm') {
    const q = s.quote;
    return (
      <section className="run-panel confirm" aria-labelledby="run-confirm-title">
        <h2 id="run-confirm-title" ref={heading} tabIndex={-1}>{t('run.confirmTitle')}</h2>
        {s.priceChanged && <p className="notice" role="alert">{t('run.priceChanged')}</p>}
        <p className="quote-summary">{pick(q.summary)}</p>
        <dl className="quote-facts">
          <dt>{t('run.price')}</dt>
          <dd className="quote-price">{q.priceFen > 0 ? formatFen(q.priceFen) : t('run.noCharge')}</dd>
          {q.recurringFen !== undefined && (<><dt>{t('run.monthly')}</dt><dd>{formatFen(q.recurringFen)}</dd></>)}
          {q.costPoints !== undefined && (<><dt>{t('run.points')}</dt><dd>{q.costPoints}</dd></>)}
          {q.effectiveFrom && (<><dt>{t('run.effectiveFrom')}</dt><dd>{formatDate(q.effectiveFrom, i18n.lang)}</dd></>)}
        </dl>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={run.confirm}>{t('run.confirm')}</button>
          <button type="button" className="btn btn-secondary" onClick={back}>{t('common.cancel')}</button>
        </div>
      </section>
    );
  }
  if (s.step === 'done') {
    const r = s.result;
    const isQuery = business.kind === 'query';
    return (
      <section className="run-panel done" aria-labelledby="run-done-title">
        <h2 id="run-done-title" ref={heading} tabIndex={-1}>
          <span className="ok-mark" aria-hidden="true">✓ </span>
          {isQuery ? t('run.resultTitle') : t('run.doneTitle')}
        </h2>
        <p className="result-text">{pick(r.text.long)}</p>
        {r.replayed && <p className="muted small">{t('run.replayed')}</p>}
        <div className="actions">
          {receipt && !isQuery && session && (
            <button
              type="button" className="btn btn-primary"
              onClick={() => receipt.show({ businessName: business.names, text: r.text.long, priceFen: s.quote?.priceFen, msisdn: session.msisdn, at: Date.now(), reference: s.key })}
            >
              {t('receipt.print')}
            </button>
          )}
          {doneActions}
          {!isQuery && !hideAgain && <button type="button" className="btn btn-secondary" onClick={back}>{t('run.again')}</button>}
          <Link to="/" className="btn btn-secondary">{t('nav.home')}</Link>
        </div>
      </section>
    );
  }
  return (
    <section className="run-panel failed" aria-labelledby="run-failed-title" role="alert">
      <h2 id="run-failed-title" ref={heading} tabIndex={-1}>{t('run.failedTitle')}</h2>
      <p className="error-text">{errorText(s.error, i18n)}</p>
      <div className="actions">
        {(s.error.status === 0 || s.error.status >= 500) && (
          <button type="button" className="btn btn-primary" onClick={run.retry}>{t('common.retry')}</button>
        )}
        <button type="button" className="btn btn-secondary" onClick={back}>{t('run.edit')}</button>
      </div>
    </section>
  );
}
