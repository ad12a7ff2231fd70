// Language helpers both apps use: the two languages, texts in both, `{name}` templates, and the
// language a person chose, kept in localStorage (under a key of each app's own).
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A text in both languages. */
export interface L10n {
  'zh-CN': string;
  en: string;
}

/** Replaces `{name}` in a template with its value. */
export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The browser's localStorage, when there is one (the server's tests load these files too). */
function storage(): { getItem(key: string): string | null; setItem(key: string, value: string): void } | undefined {
  return (globalThis as { localStorage?: ReturnType<typeof storage> }).localStorage;
}

/** The language stored under `key`; zh-CN unless English was chosen. */
export function storedLang(key: string): Lang {
  try {
    return storage()?.getItem(key) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function storeLang(key: string, lang: Lang): void {
  try {
    storage()?.setItem(key, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** `nameZh` / `nameEn` style fields in this language. */
export function pickName(lang: Lang, o: { nameZh: string; nameEn?: string | null }): string {
  return lang === 'en' && o.nameEn ? o.nameEn : o.nameZh;
}
