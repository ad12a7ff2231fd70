// Billing cycles are calendar months, and validity is counted in calendar days, in the operator's
// time zone (Beijing time unless OPERATOR_TIME_ZONE says otherwise; see dates.ts).
import { localTime, zonedInstant } from './dates.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM` of the month `m` (1-based, may run below 1 or past 12) of year `y`. */
function monthOf(y: number, m: number): string {
  const d = new Date(Date.UTC(y, m - 1, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}

/** `2026-11` for any instant in November 2026 in the operator's zone. */
export function cycleOf(at: Date): string {
  const l = localTime(at);
  return `${l.year}-${pad(l.month)}`;
}

/** The first day of the next cycle, `YYYY-MM-DD`. */
export function nextCycleStart(at: Date): string {
  const l = localTime(at);
  return `${monthOf(l.year, l.month + 1)}-01`;
}

/** The instant a `YYYY-MM-DD` day starts in the operator's zone. */
export function startOfDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d);
}

/** `YYYY-MM` n months before the cycle of `at`. */
export function cycleMonthsAgo(at: Date, n: number): string {
  const l = localTime(at);
  return monthOf(l.year, l.month - n);
}

/** The `n` cycles up to and including `cycle` (`YYYY-MM`), oldest first. */
export function cyclesUpTo(cycle: string, n: number): string[] {
  const [y, m] = cycle.split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => monthOf(y, m - (n - 1 - i)));
}

/**
 * When something valid for `days` calendar days from `at` ends: the end of the last of those days
 * in the operator's zone (a one-day pack ordered at 23:00 runs to midnight; a 30-day pack ordered
 * on 2 December at 04:20 Beijing time runs to the end of 31 December). The instant is the last
 * second of that day, so formatting it in the zone shows the day it is valid until.
 */
export function validityEnd(at: Date, days: number): Date {
  const l = localTime(at);
  return new Date(zonedInstant(l.year, l.month, l.day + days).getTime() - 1000);
}
