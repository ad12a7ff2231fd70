// The console's language: zh-CN by default, English from the header's switch, remembered in
// localStorage. Also the one place that names statuses, kinds, channels and roles.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { interpolate, pickName, storedLang, storeLang, type L10n, type Lang } from '../shared/i18n.ts';
import { formatPrice } from '../shared/format.ts';
import { isMessageKey, messages, type MessageKey } from './messages.ts';

const STORAGE_KEY = 'omnihall.console.lang';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  pick(text: L10n): string;
  name(o: { nameZh: string; nameEn?: string | null }): string;
  /** A lifecycle status, kind, channel or role in this language (the code itself when unknown). */
  status(s: string): string;
  kind(k: string | null | undefined): string;
  channel(c: string): string;
  role(r: string): string;
  /** A kind of change in an offering's history (`update`, `channel`, …). */
  historyKind(k: string): string;
  price(fen: number | null | undefined, priceType: string | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => storedLang(STORAGE_KEY));
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    storeLang(STORAGE_KEY, l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const dict = messages[lang];
    const t = (key: MessageKey, vars?: Record<string, string | number>) => interpolate(dict[key], vars);
    const named = (prefix: string, code: string) => {
      const key = `${prefix}.${code}`;
      return isMessageKey(key) ? dict[key] : code;
    };
    return {
      lang, setLang, t,
      pick: (text) => text[lang],
      name: (o) => pickName(lang, o),
      status: (s) => named('lifecycle', s),
      kind: (k) => (k ? named('kind', k) : '—'),
      channel: (c) => named('channel', c),
      role: (r) => named('role', r),
      historyKind: (k) => named('history', k),
      price: (fen, type) => (fen === null || fen === undefined ? dict['price.none'] : formatPrice(fen, type, dict['price.perMonth'])),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
