// The one USSD screen renderer: turns a menu screen into numbered pages that each fit the
// handset's limit for their encoding (182 GSM-7 characters, 80 UCS2 ones once any is not GSM-7).
import { gsm7Length } from '../../platform/sms/gsm-encoding.ts';
import type { Lang } from '../../platform/i18n.ts';
import { MENU_TEXT, type Screen } from '../menu.ts';

export const GSM7_LIMIT = 182;
export const UCS2_LIMIT = 80;

/** How much of a screen a text takes in the encoding it needs, and that encoding's limit. */
export function measure(text: string): { encoding: 'gsm7' | 'ucs2'; length: number; limit: number } {
  const septets = gsm7Length(text);
  // UCS2 counts UTF-16 code units: a character outside the BMP (an emoji) takes two.
  if (septets < 0) return { encoding: 'ucs2', length: text.length, limit: UCS2_LIMIT };
  return { encoding: 'gsm7', length: septets, limit: GSM7_LIMIT };
}

export function fitsScreen(text: string): boolean {
  const m = measure(text);
  return m.length <= m.limit;
}

export interface UssdPage {
  /** The screen text, without the `CON ` / `END ` the gateway protocol puts in front. */
  text: string;
  /** The page shown (clamped to the pages there are). */
  page: number;
  pages: number;
  /** True when the dialogue ends with this screen (a finished transaction's last page). */
  end: boolean;
}

const NAV: Record<Lang, { next: string; back: string; home: string; language: string }> = {
  'zh-CN': { next: '98下页', back: '0返回', home: '00首页', language: '99 English' },
  en: { next: '98 More', back: '0 Back', home: '00 Home', language: '99 Chinese' },
};

// Room for a notice is kept on every page whether or not one is shown, so the page breaks (and
// with them what "the same screen" means after an invalid option) never move.
const NOTICES = [MENU_TEXT.invalidOption, MENU_TEXT.invalidValue, MENU_TEXT.tooLong, MENU_TEXT.cancelled];
function noticeRoom(lang: Lang): string {
  return NOTICES.map((n) => n[lang]).reduce((a, b) => (a.length >= b.length ? a : b));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

interface Unit {
  text: string;
  /** Long text may run over several pages; a menu line is cut short instead. */
  splittable: boolean;
}

function footer(screen: Screen, lang: Lang, page: number, hasNext: boolean): string {
  const nav = NAV[lang];
  const parts: string[] = [];
  if (hasNext) parts.push(nav.next);
  if (screen.kind === 'home') {
    if (page > 0) parts.push(nav.back);
    else parts.push(nav.language);
  } else if (!screen.final) {
    parts.push(nav.back, nav.home);
  } else if (page > 0) {
    parts.push(nav.back);
  }
  return parts.join(' ');
}

function compose(lines: string[], foot: string): string {
  return [...lines, foot].filter((l) => l !== '').join('\n');
}

/** A line's size in both encodings, so a page is measured by adding up its lines. */
interface Size {
  gsm: boolean;
  septets: number;
  units: number;
}

function sizeOf(text: string): Size {
  const m = measure(text);
  return m.encoding === 'gsm7' ? { gsm: true, septets: m.length, units: text.length } : { gsm: false, septets: 0, units: text.length };
}

/** Whether lines (each with its newline) fit one screen: the same answer as `fitsScreen` of their join. */
function fitsSizes(sizes: Size[]): boolean {
  let gsm = true;
  let septets = 0;
  let units = 0;
  let n = 0;
  for (const s of sizes) {
    if (s.units === 0) continue;
    gsm &&= s.gsm;
    septets += s.septets;
    units += s.units;
    n++;
  }
  const newlines = Math.max(0, n - 1);
  return gsm ? septets + newlines <= GSM7_LIMIT : units + newlines <= UCS2_LIMIT;
}

/** The longest head of `text` (in whole characters) for which `ok` holds; prefers a word or clause end. */
function longestFit(text: string, ok: (head: string) => boolean): number {
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(chars.slice(0, mid).join(''))) lo = mid;
    else hi = mid - 1;
  }
  if (lo === chars.length || lo === 0) return lo;
  for (let i = lo; i > Math.floor(lo * 0.7); i--) {
    if (/[\s，。；、,.;:：）)]/.test(chars[i - 1] ?? '')) return i;
  }
  return lo;
}

function paginate(screen: Screen, lang: Lang): string[][] {
  const reserve = sizeOf(noticeRoom(lang));
  const units: Unit[] = [{ text: oneLine(screen.title[lang]), splittable: true }];
  screen.items.forEach((item, i) => units.push({ text: `${i + 1}.${lang === 'en' ? ' ' : ''}${oneLine(item.label[lang])}`, splittable: false }));
  const sizes = new Map<string, Size>();
  const size = (t: string): Size => {
    let v = sizes.get(t);
    if (!v) sizes.set(t, (v = sizeOf(t)));
    return v;
  };
  const pages: string[][] = [];
  while (units.length > 0 || pages.length === 0) {
    const n = pages.length;
    const lastFoot = size(footer(screen, lang, n, false));
    const nextFoot = size(footer(screen, lang, n, true));
    if (fitsSizes([reserve, ...units.map((u) => size(u.text)), lastFoot])) {
      pages.push(units.map((u) => u.text));
      break;
    }
    const lines: string[] = [];
    const used: Size[] = [reserve, nextFoot];
    while (units.length > 0) {
      const u = units[0]!;
      if (fitsSizes([...used, size(u.text)])) {
        lines.push(u.text);
        used.push(size(u.text));
        units.shift();
        continue;
      }
      if (lines.length > 0 && !u.splittable) break;
      // Nothing on this page yet (or running text): put as much of it here as fits.
      const take = longestFit(u.text, (head) => fitsSizes([...used, sizeOf(head + (u.splittable ? '' : '...'))]));
      if (take === 0) break;
      const chars = Array.from(u.text);
      if (u.splittable) {
        lines.push(chars.slice(0, take).join(''));
        u.text = chars.slice(take).join('').trimStart();
        if (u.text === '') units.shift();
      } else {
        lines.push(`${chars.slice(0, take).join('')}...`);
        units.shift();
      }
      break;
    }
    if (lines.length === 0) {
      // Cannot happen with the fixed footers, but a page must never loop forever.
      units.shift();
      continue;
    }
    pages.push(lines);
  }
  return pages;
}

/** Renders page `page` of a screen; every page fits, and page breaks depend only on screen and language. */
export function renderUssd(screen: Screen, lang: Lang, page: number): UssdPage {
  const pages = paginate(screen, lang);
  const p = Math.min(Math.max(0, page), pages.length - 1);
  const hasNext = p < pages.length - 1;
  const foot = footer(screen, lang, p, hasNext);
  let text = compose(pages[p]!, foot);
  // A notice longer than the room kept for one is dropped rather than let the screen overflow.
  const withNotice = screen.notice ? compose([oneLine(screen.notice[lang]), ...pages[p]!], foot) : text;
  if (fitsScreen(withNotice)) text = withNotice;
  return { text, page: p, pages: pages.length, end: screen.final && !hasNext };
}
