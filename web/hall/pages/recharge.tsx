// Recharge: what is owed first, quick amounts (30/50/100/200 元) or an amount typed in yuan
// (integer fen by parsing the text), for this number or another number of the operator.
import { useId, useState, type FormEvent } from 'react';
import { NumPad } from '../components/numpad.tsx';
import { Page } from '../components/page.tsx';
import { RunPanel } from '../components/run-panel.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { fenToYuanText, formatFen, maskMsisdn, normaliseMsisdn, parseYuan } from '../../shared/format.ts';
import { useQuery, useRun } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useRegistry } from '../registry.tsx';
import { owedOf, type BalanceData } from '../results.ts';
import { BalanceFigures, LineStatus } from './home.tsx';

const PRESETS_FEN = [3000, 5000, 10000, 20000];

/** An amount asked for in the address (`/recharge?amount=5000`, from the home page's 停机 notice). */
function askedFen(): number | null {
  const v = new URLSearchParams(window.location.search).get('amount');
  return v && /^\d{1,9}$/.test(v) ? Number(v) : null;
}

export function Recharge({ numPad }: { numPad?: boolean }) {
  const { t, pick } = useI18n();
  const registry = useRegistry();
  const balance = useQuery<BalanceData>('balance.query');
  const run = useRun('recharge', () => balance.reload());
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

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fen = parseYuan(text);
    if (fen === null) return setProblem(t('form.amountInvalid'));
    if (fen < minFen) return setProblem(t('form.min', { min: fenToYuanText(minFen) }));
    if (fen > maxFen) return setProblem(t('form.max', { max: fenToYuanText(maxFen) }));
    setProblem(null);
    if (canOther && other) {
      const target = normaliseMsisdn(number);
      if (!target) return setNumberProblem(/\p{L}/u.test(number) ? t('login.lettersInNumber') : t('login.badNumber'));
      setNumberProblem(null);
      run.start({ amount: fen, msisdn: target });
      return;
    }
    run.start({ amount: fen });
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
      {run.state.step === 'idle' ? (
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
              id={id} type="text" inputMode={numPad ? 'none' : 'decimal'} readOnly={numPad} value={text} autoComplete="off" className="big-input"
              aria-invalid={problem ? true : undefined} aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
              onChange={(e) => { setText(e.target.value); setProblem(null); }}
            />
            {problem && <p id={`${id}-problem`} className="field-problem">{problem}</p>}
            {numPad && <NumPad value={text} onChange={(v) => { setText(v); setProblem(null); }} maxLength={8} decimal label={t('recharge.amount')} />}
          </div>
          <div className="actions">
            <button type="submit" className="btn btn-primary btn-wide">{t('recharge.submit')}</button>
          </div>
        </form>
      ) : (
        <RunPanel run={run} business={business} />
      )}
    </Page>
  );
}
