// Billing cycles are calendar months in the operator's time zone (China Standard Time, UTC+8).
const OFFSET_MS = 8 * 3600_000;

/** `2026-11` for any instant in November 2026, Beijing time. */
export function cycleOf(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 7);
}

/** The first day of the next cycle, `YYYY-MM-DD`. */
export function nextCycleStart(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS);
  const next = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1));
  return next.toISOString().slice(0, 10);
}

/** The instant a `YYYY-MM-DD` day starts in Beijing. */
export function startOfDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** `YYYY-MM` n months before the cycle of `at`. */
export function cycleMonthsAgo(at: Date, n: number): string {
  const local = new Date(at.getTime() + OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
}
