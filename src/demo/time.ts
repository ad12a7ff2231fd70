// Time in the demo: Beijing days and billing months, and moments drawn the way people are busy.
import { cycleMonthsAgo, nextCycleStart, startOfDay } from '../platform/cycle.ts';
import { Weighted, type Rng } from './random.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
const OFFSET = 8 * HOUR;

/** `YYYY-MM-DD` of an instant in Beijing. */
export function beijingDay(ms: number): string {
  return new Date(ms + OFFSET).toISOString().slice(0, 10);
}
export function dayStart(ms: number): number {
  return Math.floor((ms + OFFSET) / DAY) * DAY - OFFSET;
}
/** `2026-05` → `2026年5月`. */
export function cycleZh(cycle: string): string {
  return `${cycle.slice(0, 4)}年${Number(cycle.slice(5, 7))}月`;
}

/** Beijing hour of day, weighted by how busy the halls are. */
const HOURS = new Weighted<number>([2, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 12, 12, 11, 11, 11, 12, 14, 15, 14, 10, 5].map((w, h) => [h, w] as const));

/** A moment in [from, to), busier in the day and evening than at night. */
export function pickTime(r: Rng, from: number, to: number): number {
  const span = to - from;
  if (span <= 0) return from;
  if (span > 2 * DAY) {
    for (let i = 0; i < 4; i++) {
      const t = dayStart(from + r.next() * span) + HOURS.pick(r) * HOUR + Math.floor(r.next() * HOUR);
      if (t >= from && t < to) return t;
    }
  }
  return from + Math.floor(r.next() * span);
}

export interface Month {
  k: number;
  cycle: string;
  start: number;
  /** First instant of the next month. */
  end: number;
}

/** The current month (k = 0) and the six before it, each ending where the next begins. */
export function demoMonths(now: Date): Month[] {
  const months: Month[] = [];
  const starts: number[] = [startOfDay(nextCycleStart(now)).getTime()];
  for (let k = 0; k <= 6; k++) {
    const cycle = cycleMonthsAgo(now, k);
    const start = startOfDay(`${cycle}-01`).getTime();
    months.push({ k, cycle, start, end: starts[k]! });
    starts.push(start);
  }
  return months;
}
