// A form generated from a business's input JSON Schema. Choices marked `x-options` are fetched
// live by running the business they name; money in fen is typed in yuan.
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { formatData, formatFen } from '../../shared/format.ts';
import { useQuery } from '../hooks.ts';
import { useI18n, type I18n } from '../i18n.tsx';
import { isMessageKey } from '../messages.ts';
import { choicesFrom, fieldsOf, toInput, type Choice, type Field, type FieldProblem, type FormValues } from '../../shared/schema.ts';
import type { BusinessInfo } from '../../shared/types.ts';
import { NumPad } from './numpad.tsx';
import { ErrorBox, Loading } from './status.tsx';

export function fieldLabel(name: string, i18n: I18n, title?: string): string {
  const key = `field.${name}`;
  if (isMessageKey(key)) return i18n.t(key);
  if (title) return title;
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function choiceDetail(c: Choice, i18n: I18n): string {
  const parts: string[] = [];
  const { t } = i18n;
  if (c.dataMb) parts.push(t('offer.data', { amount: formatData(c.dataMb) }));
  if (c.voiceMin) parts.push(t('offer.voice', { n: c.voiceMin }));
  if (c.sms) parts.push(t('offer.sms', { n: c.sms }));
  if (c.validityDays) parts.push(c.validityDays === 1 ? t('offer.validityOne') : t('offer.validity', { n: c.validityDays }));
  return parts.join(t('common.listSep'));
}

function ChoiceList({ field, value, onChange, problemId, label }: { field: Field; value: string; onChange(v: string): void; problemId?: string; label: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const source = field.options!;
  const q = useQuery<unknown>(source.business);
  const name = useId();
  if (q.status === 'loading') return <fieldset className="field"><legend>{label}</legend><Loading label={t('form.loadingChoices')} /></fieldset>;
  if (q.status === 'error') return <fieldset className="field"><legend>{label}</legend><ErrorBox error={q.error} onRetry={q.reload} /></fieldset>;
  const choices = choicesFrom(q.data, source);
  return (
    <fieldset className="field choices" aria-describedby={problemId} aria-invalid={problemId ? true : undefined}>
      <legend>{label}{field.required && <span className="req" aria-hidden="true"> *</span>}</legend>
      {choices.length === 0 && <p className="muted">{t('form.noChoices')}</p>}
      <div className="choice-grid">
        {choices.map((c) => {
          const detail = choiceDetail(c, i18n);
          const desc = lang === 'en' ? c.detailEn : c.detailZh;
          return (
            <label key={c.value} className={`choice ${value === c.value ? 'checked' : ''} ${c.disabled ? 'disabled' : ''}`}>
              <input
                type="radio" name={name} value={c.value} checked={value === c.value}
                disabled={c.disabled !== undefined} required={field.required}
                onChange={() => onChange(c.value)}
              />
              <span className="choice-body">
                <span className="choice-name">{lang === 'en' ? c.nameEn : c.nameZh}</span>
                {c.priceFen !== undefined && <span className="choice-price">{formatFen(c.priceFen)}{c.monthly ? t('offer.perMonth') : ''}</span>}
                {c.costPoints !== undefined && <span className="choice-price">{t('points.cost', { n: c.costPoints })}</span>}
                {detail && <span className="choice-detail">{detail}</span>}
                {desc && <span className="choice-desc">{desc}</span>}
                {c.disabled && <span className="choice-note">{c.disabled === 'current' ? t('form.current') : t('form.unaffordable')}</span>}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

interface Props {
  business: BusinessInfo;
  onSubmit(input: Record<string, unknown>): void;
  busy?: boolean;
  /** On-screen number pads for numeric fields (the kiosk has no keyboard). */
  numPad?: boolean;
  initial?: FormValues;
  children?: ReactNode;
}

export function SchemaForm({ business, onSubmit, busy, numPad, initial, children }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const fields = fieldsOf(business.input);
  const [values, setValues] = useState<FormValues>(() => ({ ...initial }));
  const [problems, setProblems] = useState<Record<string, FieldProblem>>({});
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const set = (name: string, v: string | boolean) => {
    setValues((old) => ({ ...old, [name]: v }));
    setProblems((old) => {
      const { [name]: _, ...rest } = old;
      return rest;
    });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toInput(fields, values);
    setProblems(r.problems);
    const first = fields.find((f) => r.problems[f.name]);
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`[data-field="${first.name}"] input, [data-field="${first.name}"] select`)?.focus();
      return;
    }
    onSubmit(r.input);
  };

  const hasRequired = fields.some((f) => f.required);
  return (
    <form ref={formRef} className="schema-form" onSubmit={submit} noValidate aria-busy={busy || undefined}>
      {fields.map((f) => {
        const id = `${formId}-${f.name}`;
        const problem = problems[f.name];
        const problemId = problem ? `${id}-problem` : undefined;
        const label = fieldLabel(f.name, i18n, f.schema.title);
        const v = values[f.name];
        const text = typeof v === 'string' ? v : '';
        const problemLine = problem && <p id={problemId} className="field-problem">{t(problem.key, problem.vars)}</p>;
        if (f.kind === 'options') {
          return (
            <div key={f.name} data-field={f.name}>
              <ChoiceList field={f} value={text} onChange={(x) => set(f.name, x)} problemId={problemId} label={label} />
              {problemLine}
            </div>
          );
        }
        if (f.kind === 'enum') {
          return (
            <div key={f.name} data-field={f.name}>
              <fieldset className="field choices" aria-describedby={problemId}>
                <legend>{label}</legend>
                <div className="choice-grid">
                  {(f.schema.enum ?? []).map((opt) => (
                    <label key={String(opt)} className={`choice ${text === String(opt) ? 'checked' : ''}`}>
                      <input type="radio" name={id} value={String(opt)} checked={text === String(opt)} onChange={() => set(f.name, String(opt))} />
                      <span className="choice-body"><span className="choice-name">{String(opt)}</span></span>
                    </label>
                  ))}
                </div>
              </fieldset>
              {problemLine}
            </div>
          );
        }
        if (f.kind === 'boolean') {
          return (
            <div key={f.name} className="field check" data-field={f.name}>
              <input id={id} type="checkbox" checked={v === true} onChange={(e) => set(f.name, e.target.checked)} />
              <label htmlFor={id}>{label}</label>
            </div>
          );
        }
        const numeric = f.kind === 'money' || f.kind === 'integer' || f.kind === 'number';
        const hint = f.kind === 'money'
          ? t('form.amountHint')
          : f.kind === 'month' ? t('form.monthHint') : undefined;
        const hintId = hint ? `${id}-hint` : undefined;
        return (
          <div key={f.name} className="field" data-field={f.name}>
            <label htmlFor={id}>
              {f.kind === 'money' ? t('form.moneyLabel', { label }) : label}
              {f.required && <span className="req" aria-hidden="true"> *</span>}
            </label>
            {hint && <p id={hintId} className="field-hint">{hint}</p>}
            <input
              id={id}
              type={f.kind === 'month' ? 'month' : 'text'}
              inputMode={numeric ? (f.kind === 'integer' ? 'numeric' : 'decimal') : undefined}
              value={text}
              readOnly={numPad && numeric}
              required={f.required}
              aria-invalid={problem ? true : undefined}
              aria-describedby={[hintId, problemId].filter(Boolean).join(' ') || undefined}
              autoComplete="off"
              onChange={(e) => set(f.name, e.target.value)}
            />
            {problemLine}
            {numPad && numeric && (
              <NumPad
                value={text} onChange={(x) => set(f.name, x)} maxLength={10}
                decimal={f.kind !== 'integer'} label={label}
              />
            )}
          </div>
        );
      })}
      {children}
      {hasRequired && <p className="muted small">{t('form.requiredNote')}</p>}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {business.kind === 'query' ? t('form.submitQuery') : t('form.submitTransaction')}
        </button>
      </div>
    </form>
  );
}
