// Recharge: an amount typed in yuan (or picked), turned into integer fen by parsing the text.
import { useId, useState, type FormEvent } from 'react';
import { NumPad } from '../components/numpad.tsx';
import { Page } from '../components/page.tsx';
import { RunPanel } from '../components/run-panel.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { fenToYuanText, formatFen, parseYuan } from '../../shared/format.ts';
import { useQuery, useRun } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useRegistry } from '../registry.tsx';
import type { BalanceData } from '../results.ts';

const PRESETS_FEN = [1000, 2000, 3000, 5000, 10000, 20000];

export function Recharge({ numPad }: { numPad?: boolean }) {
  const { t, pick } = useI18n();
  const registry = useRegistry();
  const balance = useQuery<BalanceData>('balance.query');
  const run = useRun('recharge', () => balance.reload());
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const business = registry.get('recharge');
  if (registry.state.status === 'loading') return <Page title={t('recharge.title')}><Loading /></Page>;
  if (registry.state.status === 'error') return <Page title={t('recharge.title')}><ErrorBox error={registry.state.error} onRetry={registry.reload} /></Page>;
  if (!business) return <Page title={t('recharge.title')}><p>{t('notFound.business', { id: 'recharge' })}</p></Page>;
  const amount = business.input.properties?.amount;
  const minFen = amount?.minimum ?? 1;
  const maxFen = amount?.maximum ?? Number.MAX_SAFE_INTEGER;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fen = parseYuan(text);
    if (fen === null) return setProblem(t('form.amountInvalid'));
    if (fen < minFen) return setProblem(t('form.min', { min: fenToYuanText(minFen) }));
    if (fen > maxFen) return setProblem(t('form.max', { max: fenToYuanText(maxFen) }));
    setProblem(null);
    run.start({ amount: fen });
  };

  return (
    <Page title={pick(business.names)} intro={t('recharge.intro')}>
      <p className="balance-line" aria-live="polite">
        {t('recharge.current')}{' '}
        {balance.data ? <strong data-testid="recharge-balance">{formatFen(balance.data.balanceFen)}</strong> : balance.status === 'loading' ? t('common.loading') : '—'}
      </p>
      {balance.status === 'error' && <ErrorBox error={balance.error} onRetry={balance.reload} />}
      {run.state.step === 'idle' ? (
        <form className="recharge-form" onSubmit={submit} noValidate>
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
