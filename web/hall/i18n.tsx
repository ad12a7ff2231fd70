// The language of the app: zh-CN by default, English on request, kept in localStorage in the hall.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { messages, type MessageKey } from './messages.ts';
import { interpolate, pickName, storedLang, storeLang, type L10n, type Lang } from '../shared/i18n.ts';

const STORAGE_KEY = 'omnihall.lang';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Picks this language from a server text. */
  pick(text: L10n): string;
  /** Picks `nameZh` / `nameEn` style fields. */
  name(o: { nameZh: string; nameEn: string }): string;
}

const I18nContext = createContext<I18n | null>(null);

/** `persist` is off in the kiosk: the next person at the terminal starts in the default language. */
export function I18nProvider({ children, persist }: { children: ReactNode; persist: boolean }) {
  const [lang, setLangState] = useState<Lang>(() => (persist ? storedLang(STORAGE_KEY) : 'zh-CN'));
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    if (persist) storeLang(STORAGE_KEY, l);
  }, [persist]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => ({
    lang,
    setLang,
    t: (key, vars) => interpolate(messages[lang][key], vars),
    pick: (text) => text[lang],
    name: (o) => pickName(lang, o),
  }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
