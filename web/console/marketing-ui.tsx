// Pieces the marketing pages share: a feature's value in words (money in yuan, ratios in percent,
// times in Beijing time, fixed values in this language), an offer's status tag, the number box
// that looks a subscriber up, and names for the codes the server answers with.
import { useState } from 'react';
import { App, Input, Tag } from 'antd';
import { formatBeijing, formatFen } from '../shared/format.ts';
import { useI18n, type I18n } from './i18n.tsx';
import { toApiError, type ApiError } from './api.ts';
import { errorText } from './ui.tsx';
import { isMessageKey } from './messages.ts';
import type { FeatureDef } from './marketing-api.ts';
import { ToneTag, type Tone } from './ui.tsx';

/** How a feature is typed and shown: money (fen) in yuan, a usage ratio in percent, else as it is. */
export type Unit = 'fen' | 'ratio' | 'days' | 'none';
export function unitOf(name: string): Unit {
  if (name.endsWith('Fen')) return 'fen';
  if (name.includes('Ratio')) return 'ratio';
  if (name === 'tenureDays') return 'days';
  return 'none';
}

/**
 * A feature's name as the console shows it: money features are typed and shown in yuan here, so
 * the server's "(fen)" in their labels (`套餐月费（分）`, `ARPU (…, fen)`) is left out.
 */
export function featureLabel(i18n: I18n, def: FeatureDef): string {
  const label = i18n.pick(def.label);
  return unitOf(def.name) === 'fen' ? label.replace(/（分）$/, '').replace(/，分）$/, '）').replace(/ \(fen\)$/, '').replace(/, fen\)$/, ')') : label;
}

/** A code the server names (a feature's fixed value, a gate, a reason, a contact rule), in this language; the code itself when unknown. */
export function codeName(i18n: I18n, prefix: string, code: string): string {
  if (prefix === 'channel') return i18n.channel(code);
  const key = `mkt.${prefix}.${code}`;
  return isMessageKey(key) ? i18n.t(key) : code;
}

export function FeatureValue({ def, value }: { def: FeatureDef; value: unknown }) {
  const i18n = useI18n();
  if (value === null || value === undefined) return <span>{i18n.t('mkt.features.missing')}</span>;
  if (def.type === 'strings' && Array.isArray(value)) {
    if (!value.length) return <span>{i18n.t('common.none')}</span>;
    const prefix = def.name === 'channels90d' ? 'channel' : 'pack';
    return <div className="tag-wrap">{value.map((v) => <Tag key={String(v)}>{codeName(i18n, prefix, String(v))}</Tag>)}</div>;
  }
  if (def.type === 'time') return <span>{formatBeijing(String(value))}</span>;
  if (def.type === 'number' && typeof value === 'number') {
    const unit = unitOf(def.name);
    if (unit === 'fen') return <span>{formatFen(value)}</span>;
    if (unit === 'ratio') return <span>{`${(Math.round(value * 1000) / 10).toFixed(1)}%`}</span>;
    if (unit === 'days') return <span>{i18n.t('mkt.unit.days', { n: value })}</span>;
    return <span>{value.toLocaleString()}</span>;
  }
  return <span>{def.values ? codeName(i18n, 'value', String(value)) : String(value)}</span>;
}

const OFFER_TONES: Record<string, Tone> = { draft: 'blue', pending: 'gold', active: 'green', paused: 'grey', ended: 'grey', rejected: 'red' };

export function OfferStatusTag({ status }: { status: string }) {
  const i18n = useI18n();
  return <ToneTag tone={OFFER_TONES[status] ?? 'grey'}>{codeName(i18n, 'offerStatus', status)}</ToneTag>;
}

/** A search box for one subscriber's number; `onSearch` gets it trimmed (the server normalises +86 and spaces). */
export function NumberSearch({ label, initial, onSearch, testId }: { label: string; initial?: string; onSearch(msisdn: string): void; testId?: string }) {
  const { t } = useI18n();
  const [v, setV] = useState(initial ?? '');
  return (
    <Input.Search
      value={v} onChange={(e) => setV(e.target.value)} aria-label={label} placeholder={label} inputMode="tel" autoComplete="off"
      style={{ width: 280 }} enterButton={t('common.search')} onSearch={(x) => x.trim() && onSearch(x.trim())} data-testid={testId}
    />
  );
}

/**
 * A staff step on a marketing page (approve, reject, pause…): busy while it runs, a toast when it is
 * done and the page's data read again; SELF_REVIEW (one's own work) as a dialog with `selfTitle`,
 * any other refusal as a toast in the staff member's language, unless `refused` shows it itself
 * (a form, at the field the server names) and says so. Answers whether it went through.
 */
export function useStaffStep(selfTitle: string, reload: () => void) {
  const { message, modal } = App.useApp();
  const i18n = useI18n();
  const [busy, setBusy] = useState(false);
  const act = async (f: () => Promise<unknown>, done: string, refused?: (err: ApiError) => boolean): Promise<boolean> => {
    setBusy(true);
    try {
      await f();
      message.success(done);
      reload();
      return true;
    } catch (e) {
      const err = toApiError(e);
      if (refused?.(err)) return false;
      if (err.code === 'SELF_REVIEW') modal.warning({ title: selfTitle, okText: i18n.t('common.ok') });
      else message.error(errorText(err, i18n));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, act };
}
