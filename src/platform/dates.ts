// Dates as subscribers see them: in the operator's time zone (OPERATOR_TIME_ZONE, Beijing time
// unless configured), one format per language (`2026年12月31日` / `31 Dec 2026`). Data stays ISO
// instants; only texts are formatted here. The zone is set once at start-up from the configuration
// (container.ts); billing cycles and validity days (cycle.ts) are counted in the same zone.
import type { L10n } from './i18n.ts';

export const DEFAULT_OPERATOR_TIME_ZONE = 'Asia/Shanghai';

let zone = DEFAULT_OPERATOR_TIME_ZONE;
let parts: Intl.DateTimeFormat = formatterFor(zone);

function formatterFor(z: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: z, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** Whether `z` is an IANA time zone this Node knows (`Asia/Shanghai`). */
export function isTimeZone(z: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}

/** Sets the operator's time zone (start-up, from the configuration; tests). */
export function setOperatorTimeZone(z: string): void {
  if (!isTimeZone(z)) throw new Error(`unknown time zone ${z}`);
  zone = z;
  parts = formatterFor(z);
}

export function operatorTimeZone(): string {
  return zone;
}

/** The wall clock in the operator's zone at `at`. */
export interface LocalTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localTime(at: Date): LocalTime {
  const p: Record<string, number> = {};
  for (const x of parts.formatToParts(at)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute!, second: p.second! };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-31`: the operator's calendar day at `at`. */
export function localDay(at: Date): string {
  const t = localTime(at);
  return `${t.year}-${pad(t.month)}-${pad(t.day)}`;
}

/** `2026-12-31 09:05`: the operator's wall clock at `at` (Beijing time), to the minute. */
export function localDateTime(at: Date): string {
  const t = localTime(at);
  return `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
}

/** The instant the wall clock in the operator's zone shows `y-m-d h:00` (m may run past 12). */
export function zonedInstant(y: number, m: number, d: number, h = 0): Date {
  const wall = Date.UTC(y, m - 1, d, h);
  // The zone's offset at the guess, then once more at the corrected instant (a change of offset
  // between the two, as daylight saving makes, is settled by the second step).
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const l = localTime(new Date(t));
    const shown = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
    t = t + (wall - shown);
  }
  return new Date(t);
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `YYYY-MM-DD` (a calendar day already in the operator's zone) in both languages. */
export function dayText(day: string): L10n {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { 'zh-CN': `${y}年${m}月${d}日`, en: `${d} ${MONTHS_EN[m - 1]} ${y}` };
}

/** The operator's calendar day of an instant, in both languages: `2026年12月31日` / `31 Dec 2026`. */
export function dateText(at: Date): L10n {
  return dayText(localDay(at));
}

/** `YYYY-MM` in both languages: `2026年12月` / `Dec 2026`. */
export function monthText(month: string): L10n {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { 'zh-CN': `${y}年${m}月`, en: `${MONTHS_EN[m - 1]} ${y}` };
}
