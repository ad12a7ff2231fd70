// Money, data, number and time formatting for both apps, and parsing a typed yuan amount into
// integer fen. No floats touch money here: amounts are parsed and printed as strings of digits.
// Times are shown in Beijing time wherever the browser is. Kept free of DOM types so the Node
// tests can import it.

/** `12345` → `¥123.45`; `-5` → `-¥0.05`; thousands grouped. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const whole = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${whole}.${cents}`;
}

/** Fen as plain yuan digits without the sign or grouping: `150000` → `1500`, `1250` → `12.50`. */
export function fenToYuanText(fen: number): string {
  const whole = Math.trunc(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0')}`;
}

/**
 * A yuan amount as a person types it (`12`, `12.5`, `¥12.50`, `１２．５`, `12元`) → integer fen, or
 * null when it is not an amount: the server's one money parser (src/platform/money.ts), so the
 * apps accept exactly what every channel accepts. Digit by digit; never through a float.
 */
export { parseYuanToFen as parseYuan } from '../../src/platform/money.ts';

/** Data in MB, or GB once it is at least 1 GB (1024 MB), with at most one decimal. */
export function formatData(mb: number): string {
  if (Math.abs(mb) < 1024) return `${mb}MB`;
  const tenths = Math.round((mb * 10) / 1024);
  return tenths % 10 === 0 ? `${tenths / 10}GB` : `${Math.trunc(tenths / 10)}.${Math.abs(tenths % 10)}GB`;
}

// The server's one MSISDN normaliser and mask (src/platform/msisdn.ts): `+86 138 0000 0001`,
// full-width digits, spaces and dashes → `13800000001`; null for anything with letters.
export { maskMsisdn, normaliseMsisdn } from '../../src/platform/msisdn.ts';

export { interpolate } from './i18n.ts';

/** Is this price charged every month? (The catalogue says `recurring`.) */
export function isMonthly(priceType: string | null | undefined): boolean {
  return priceType === 'recurring' || priceType === 'monthly';
}

/** A catalogue price as staff read it: `¥8.00`, `¥38.00/月` (`perMonth` is the language's suffix). */
export function formatPrice(fen: number, priceType: string | null | undefined, perMonth: string): string {
  return `${formatFen(fen)}${isMonthly(priceType) ? perMonth : ''}`;
}

export const BEIJING = 'Asia/Shanghai';

const beijingParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: BEIJING, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/**
 * An instant in Beijing time, `2026-11-15 10:00` (with `seconds`, `10:00:00`), the same in every
 * language and wherever the browser's clock is set; `date` gives the day alone.
 */
export function formatBeijing(instant: string | number | Date, opts: { seconds?: boolean; date?: boolean } = {}): string {
  const d = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(d.getTime())) return String(instant);
  const p = Object.fromEntries(beijingParts.formatToParts(d).map((x) => [x.type, x.value]));
  const day = `${p.year}-${p.month}-${p.day}`;
  if (opts.date) return day;
  return `${day} ${p.hour}:${p.minute}${opts.seconds ? `:${p.second}` : ''}`;
}

const BEIJING_MINUTE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;
/**
 * `2026-12-03 10:00` as staff type it, in Beijing time (UTC+8 all year, no daylight saving), to an
 * ISO instant; null unless it is that shape and a real day and minute (2026-02-30 is not). The
 * inverse of formatBeijing.
 */
export function fromBeijing(v: string): string | null {
  const m = BEIJING_MINUTE.exec(v.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00+08:00`);
  return Number.isNaN(d.getTime()) || formatBeijing(d) !== `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}` ? null : d.toISOString();
}

/** The operator's time zone: every date a subscriber sees is a date there (config OPERATOR_TIME_ZONE on the server). */
export const OPERATOR_TIME_ZONE = BEIJING;

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `{year, month, day}` of an instant in a zone, or of a plain `YYYY-MM-DD` date as it is written. */
function dayParts(when: string | number | Date, zone: string): { y: number; m: number; d: number } | null {
  if (typeof when === 'string') {
    const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(when);
    // A calendar date (a bill's due date, a plan's start) is a date already: no zone moves it.
    if (plain) return { y: Number(plain[1]), m: Number(plain[2]), d: Number(plain[3]) };
  }
  const date = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(date.getTime())) return null;
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day) };
}

/**
 * A date as subscribers read it, one format per language: `2026年12月31日` / `31 Dec 2026`. An
 * instant is taken in the operator's zone (Asia/Shanghai) whatever zone the browser is in; a
 * plain `YYYY-MM-DD` is shown as written.
 */
export function formatDate(when: string | number | Date, lang: 'zh-CN' | 'en', zone: string = OPERATOR_TIME_ZONE): string {
  const p = dayParts(when, zone);
  if (!p) return String(when);
  return lang === 'en' ? `${p.d} ${MONTHS_EN[p.m - 1]} ${p.y}` : `${p.y}年${p.m}月${p.d}日`;
}

/** A billing cycle `2026-11` as `2026年11月` / `Nov 2026`. */
export function formatCycle(cycle: string, lang: 'zh-CN' | 'en'): string {
  const m = /^(\d{4})-(\d{2})$/.exec(cycle);
  if (!m) return cycle;
  const n = Number(m[2]);
  return lang === 'en' ? `${MONTHS_EN[n - 1]} ${m[1]}` : `${m[1]}年${n}月`;
}

/** A cycle's month alone, for chart labels: `11月` / `Nov`. */
export function formatMonthShort(cycle: string, lang: 'zh-CN' | 'en'): string {
  const n = Number(cycle.slice(5, 7));
  if (!(n >= 1 && n <= 12)) return cycle;
  return lang === 'en' ? MONTHS_EN[n - 1]! : `${n}月`;
}

/** Today's date in Beijing, `YYYY-MM-DD`. */
export function beijingToday(now: Date = new Date()): string {
  return formatBeijing(now, { date: true });
}

/** A 0..1 rate as a percentage with one decimal, `0.9876` → `98.8%`; null (no calls) → `—`. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
