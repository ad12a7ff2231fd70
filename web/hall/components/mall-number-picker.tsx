// Choosing a number card's number from its pool: by a pattern of digits and * (8888, 1**8) and by
// tier (靓号 1 best … 4, 0 ordinary), best tier first, each with its deposit (预存). The choice is
// the buyer's; the order reserves it, so two buyers never get the same number.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { formatFen } from '../../shared/format.ts';
import { toApiError, type ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useMall, type PoolNumber } from '../mall-api.ts';
import { ErrorBox, Loading } from './status.tsx';

const PAGE = 12;
const TIERS = ['', '1', '2', '3', '4', '0'] as const;

/** `17800008888` → `178 0000 8888`, as numbers are read out. */
export function spacedNumber(n: string): string {
  return n.length === 11 ? `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}` : n;
}

export function NumberPicker({ productId, chosen, onChoose }: { productId: number; chosen: string | null; onChoose(n: string): void }) {
  const { t } = useI18n();
  const mall = useMall();
  const id = useId();
  const [pattern, setPattern] = useState('');
  const [tier, setTier] = useState<(typeof TIERS)[number]>('');
  const [asked, setAsked] = useState<{ pattern: string; tier: string; offset: number }>({ pattern: '', tier: '', offset: 0 });
  const [list, setList] = useState<{ items: PoolNumber[]; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setList(null);
    setError(null);
    mall.numbers(productId, { pattern: asked.pattern || undefined, tier: asked.tier === '' ? undefined : Number(asked.tier), offset: asked.offset, limit: PAGE })
      .then((r) => live && setList(r), (e: unknown) => live && setError(toApiError(e)));
    return () => { live = false; };
  }, [mall, productId, asked]);

  const find = (e: FormEvent) => {
    e.preventDefault();
    const p = pattern.replace(/\s+/g, '');
    if (p && !/^[0-9*]{1,11}$/.test(p)) return setProblem(t('mall.numberPatternBad'));
    setProblem(null);
    setAsked({ pattern: p, tier, offset: 0 });
  };
  const next = () => list && setAsked((a) => ({ ...a, offset: a.offset + PAGE < list.total ? a.offset + PAGE : 0 }));

  return (
    <fieldset className="field number-picker" data-testid="number-picker">
      <legend>{t('mall.chooseNumber')}</legend>
      <form className="number-find" onSubmit={find} noValidate>
        <div className="field">
          <label htmlFor={`${id}-pattern`}>{t('mall.numberPattern')}</label>
          <input
            id={`${id}-pattern`} type="text" inputMode="numeric" value={pattern} maxLength={11} placeholder="8888"
            aria-invalid={problem ? true : undefined} aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
            onChange={(e) => { setPattern(e.target.value); setProblem(null); }}
          />
          <p id={`${id}-hint`} className="field-hint">{t('mall.numberPatternHint')}</p>
          {problem && <p id={`${id}-problem`} className="field-problem">{problem}</p>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-tier`}>{t('mall.numberTier')}</label>
          <select id={`${id}-tier`} value={tier} onChange={(e) => setTier(e.target.value as (typeof TIERS)[number])}>
            {TIERS.map((x) => <option key={x} value={x}>{x === '' ? t('mall.tierAll') : t(`mall.tier${x}` as 'mall.tier1')}</option>)}
          </select>
        </div>
        <button type="submit" className="btn btn-secondary">{t('mall.numberFind')}</button>
      </form>
      {error && <ErrorBox error={error} />}
      {!list && !error && <Loading />}
      {list && list.items.length === 0 && <p className="muted">{t('mall.numberNone')}</p>}
      {list && list.items.length > 0 && (
        <>
          <div className="choice-grid number-grid" role="radiogroup" aria-label={t('mall.chooseNumber')}>
            {list.items.map((n) => (
              <label key={n.number} className={`choice ${chosen === n.number ? 'checked' : ''}`}>
                <input type="radio" name={`${id}-number`} value={n.number} checked={chosen === n.number} onChange={() => onChoose(n.number)} />
                <span className="choice-body">
                  <span className="choice-name mono">{spacedNumber(n.number)}</span>
                  <span className="choice-detail">
                    {n.tier > 0 ? t(`mall.tier${n.tier}` as 'mall.tier1') : t('mall.tier0')}
                    {n.pattern ? ` · ${n.pattern}` : ''}
                  </span>
                  <span className="choice-price">{n.depositFen > 0 ? t('mall.deposit', { amount: formatFen(n.depositFen) }) : t('mall.noDeposit')}</span>
                </span>
              </label>
            ))}
          </div>
          {list.total > PAGE && (
            <div className="actions">
              <button type="button" className="btn btn-link" onClick={next}>{t('mall.numberNext')}</button>
              <span className="muted small">{t('mall.numberCount', { n: list.total })}</span>
            </div>
          )}
        </>
      )}
      {chosen && <p className="notice" role="status">{t('mall.numberChosen', { number: spacedNumber(chosen) })}</p>}
    </fieldset>
  );
}
