// Holdouts (对照组): a campaign's control group, members who are never contacted so the uplift of
// contacting the others can be measured. Membership is a seeded hash of the campaign and the
// subscriber, so the same campaign always holds out the same people, on every node and on a rerun,
// with no table to keep; another campaign holds out a different, independent set.
import { createHash } from 'node:crypto';

/** Where a subscriber falls in [0, 1) for this campaign: uniform, fixed by the seed. */
export function holdoutDraw(seed: string, subscriberId: number): number {
  const h = createHash('sha256').update(`${seed}\n${subscriberId}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000;
}

/**
 * Whether a subscriber is in the campaign's control group at this share (percent, 0 to 50).
 *
 *   inHoldout('call-list:3', 1042, 10)  // the same answer every time
 */
export function inHoldout(seed: string, subscriberId: number, sharePct: number): boolean {
  if (!(sharePct >= 0 && sharePct <= 50)) throw new RangeError('a holdout share is 0 to 50 percent');
  return holdoutDraw(seed, subscriberId) < sharePct / 100;
}

/** A campaign's audience split into those to contact and the control group. */
export function splitHoldout(seed: string, subscriberIds: readonly number[], sharePct: number): { treated: number[]; holdout: number[] } {
  const treated: number[] = [];
  const holdout: number[] = [];
  for (const id of subscriberIds) (inHoldout(seed, id, sharePct) ? holdout : treated).push(id);
  return { treated, holdout };
}

/** Conversion in each group and the uplift of contacting: treated minus holdout, in points and relative. */
export interface Uplift {
  treated: { size: number; converted: number; rate: number };
  holdout: { size: number; converted: number; rate: number };
  /** treated.rate − holdout.rate. */
  uplift: number;
  /** uplift / holdout.rate; null when the holdout converted none. */
  relative: number | null;
}

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

export function uplift(treated: { size: number; converted: number }, holdout: { size: number; converted: number }): Uplift {
  const t = rate(treated.converted, treated.size);
  const h = rate(holdout.converted, holdout.size);
  return {
    treated: { ...treated, rate: t },
    holdout: { ...holdout, rate: h },
    uplift: Math.round((t - h) * 10_000) / 10_000,
    relative: h === 0 ? null : Math.round(((t - h) / h) * 10_000) / 10_000,
  };
}
