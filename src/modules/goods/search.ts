// What the mall's search box matches a product by: its Chinese and English names and brand,
// normalised (NFKC: full-width letters and digits as ASCII; lower case; no spaces), and the pinyin
// initials of the Chinese name and brand (hwmate → 华为 Mate). A plain LIKE over one column, so
// it runs the same on PGlite (which has no pg_trgm) and PostgreSQL.
import { pinyin } from 'pinyin-pro';

export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** `华为` → `hw`; letters and digits already there are kept. */
export function initials(zh: string): string {
  return pinyin(zh, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Full pinyin without tones or spaces: `华为` → `huawei`, so a brand typed in pinyin is found. */
function spelled(zh: string): string {
  return pinyin(zh, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('').toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function searchText(p: { nameZh: string; nameEn: string; brand: string }): string {
  return [normalise(p.nameZh), normalise(p.nameEn), normalise(p.brand), initials(p.nameZh), initials(p.brand), spelled(p.brand)].join('|');
}

/** The words of a query, each to be found: `华为 mate` → [`华为`, `mate`]; LIKE's wildcards escaped. */
export function queryTerms(q: string): string[] {
  return q.normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5).map((w) => w.replace(/[\\%_]/g, (c) => `\\${c}`));
}
