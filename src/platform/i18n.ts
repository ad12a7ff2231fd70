// Localised text: zh-CN first, English second; both always present.
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A text in both languages. */
export interface L10n {
  'zh-CN': string;
  en: string;
}

export function l10n(zh: string, en: string): L10n {
  return { 'zh-CN': zh, en };
}

/** `12345` fen → `123.45`: integer arithmetic only, never a float. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.trunc(abs / 100);
  const cents = abs % 100;
  return `${sign}${whole}.${String(cents).padStart(2, '0')}`;
}

/** Money in both languages: `123.45元` / `¥123.45`. */
export function money(fen: number): L10n {
  return { 'zh-CN': `${yuan(fen)}元`, en: `¥${yuan(fen)}` };
}

/** Data in MB, or GB once it is at least 1 GB (1024 MB), with at most one decimal. */
export function dataAmount(mb: number): string {
  if (Math.abs(mb) < 1024) return `${mb}MB`;
  const tenths = Math.round((mb * 10) / 1024);
  return tenths % 10 === 0 ? `${tenths / 10}GB` : `${Math.trunc(tenths / 10)}.${Math.abs(tenths % 10)}GB`;
}

/** Joins pieces of localised text per language. */
export function join(parts: L10n[], sep: L10n = l10n('，', ', ')): L10n {
  return {
    'zh-CN': parts.map((p) => p['zh-CN']).join(sep['zh-CN']),
    en: parts.map((p) => p.en).join(sep.en),
  };
}
