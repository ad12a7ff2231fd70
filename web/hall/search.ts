// One search box for every business: by its Chinese or English name, its pinyin initials
// (cz → 充值) or a common phrasing (查话费, 办流量, top up), from the registry's `keywords` and
// `pinyinInitials`. Pure, so test/web/search.test.ts checks it without a browser.

export interface Searchable {
  id: string;
  names: { 'zh-CN': string; en: string };
  descriptions?: { 'zh-CN': string; en: string };
  keywords?: readonly string[];
  pinyinInitials?: string;
}

/** Lower case, full-width letters and digits to ASCII, no spaces or punctuation. */
export function normaliseQuery(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(/[\s\u3000.,，。!?！？'"“”‘’·、/\\-]+/g, '');
}

/** How well a business answers a query: 0 for not at all, higher for a better match. */
export function score(b: Searchable, query: string): number {
  const q = normaliseQuery(query);
  if (!q) return 0;
  const names = [b.names['zh-CN'], b.names.en].map(normaliseQuery);
  const keywords = (b.keywords ?? []).map(normaliseQuery).filter(Boolean);
  const initials = normaliseQuery(b.pinyinInitials ?? '');
  if (names.some((n) => n === q) || keywords.some((k) => k === q)) return 100;
  if (initials && initials === q) return 90;
  if (names.some((n) => n.startsWith(q))) return 80;
  if (initials && /^[a-z]+$/.test(q) && initials.startsWith(q)) return 70;
  if (keywords.some((k) => k.startsWith(q))) return 60;
  if (names.some((n) => n.includes(q))) return 50;
  if (keywords.some((k) => k.includes(q) || (q.length >= 2 && q.includes(k) && k.length >= 2))) return 40;
  if (initials && /^[a-z]{2,}$/.test(q) && initials.includes(q)) return 30;
  const descs = b.descriptions ? [b.descriptions['zh-CN'], b.descriptions.en].map(normaliseQuery) : [];
  if (q.length >= 2 && descs.some((d) => d.includes(q))) return 20;
  return 0;
}

/** The businesses that match, best first (ties keep the registry's order). */
export function searchBusinesses<T extends Searchable>(all: readonly T[], query: string): T[] {
  return all
    .map((b, i) => ({ b, i, s: score(b, query) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.b);
}
