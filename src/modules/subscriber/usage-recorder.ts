// Usage as it is recorded (the network's usage feed; the demo's page): adds to the cycle's counter
// and, once that has committed, publishes `usage.threshold` when the use of the data or voice
// allowance (the plan's and the packs held) crosses 90% this cycle. The event's id names the
// subscriber, cycle, allowance and threshold, so a crossing is one event however often it is told.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { cycleOf } from '../../platform/cycle.ts';
import { EVENT_SUBJECTS, type EventBus, type UsageThresholdEvent } from '../../platform/events/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Allowance, UsageView } from './bss.ts';
import { builtinBss, type BssShared } from './builtin-bss.ts';

/** The share of an allowance whose crossing is told: 90%. */
export const USAGE_THRESHOLD = 0.9;

export class UsageRecorder {
  constructor(private readonly deps: { db: Db; events: EventBus; shared: BssShared }) {}

  /** Adds what was used (whole MB, minutes, texts; none negative) and tells any crossing. */
  async record(subscriberId: number, used: Partial<Allowance>, at: Date): Promise<{ usage: UsageView; crossed: UsageThresholdEvent[] }> {
    const add = { dataMb: used.dataMb ?? 0, voiceMin: used.voiceMin ?? 0, sms: used.sms ?? 0 };
    if (Object.values(add).some((v) => !Number.isSafeInteger(v) || v < 0)) throw new AppError('INVALID_INPUT');
    const cycle = cycleOf(at);
    const { usage, crossed } = await this.deps.db.transaction().execute(async (tx) => {
      await tx.insertInto('usageCounter').values({ subscriberId, cycle, dataMbUsed: add.dataMb, voiceMinUsed: add.voiceMin, smsUsed: add.sms, updatedAt: at })
        .onConflict((oc) => oc.columns(['subscriberId', 'cycle']).doUpdateSet({
          dataMbUsed: sql`usage_counter.data_mb_used + excluded.data_mb_used`,
          voiceMinUsed: sql`usage_counter.voice_min_used + excluded.voice_min_used`,
          smsUsed: sql`usage_counter.sms_used + excluded.sms_used`,
          updatedAt: at,
        })).execute();
      // read after the write, in its transaction: concurrent records of one subscriber each see their own before and after
      const usage = await builtinBss(tx, this.deps.shared).usage(subscriberId, cycle, at);
      const crossed: UsageThresholdEvent[] = [];
      for (const [allowance, key] of [['data', 'dataMb'], ['voice', 'voiceMin']] as const) {
        const of = usage.allowance[key];
        if (of <= 0 || add[key] === 0) continue;
        const after = usage.used[key] / of;
        const before = (usage.used[key] - add[key]) / of;
        if (before < USAGE_THRESHOLD && after >= USAGE_THRESHOLD) {
          crossed.push({ subscriberId, allowance, threshold: USAGE_THRESHOLD, usedRatio: Math.round(after * 1000) / 1000, cycle, at: at.toISOString() });
        }
      }
      return { usage, crossed };
    });
    // after the commit: a rolled-back record tells nothing
    for (const e of crossed) await this.deps.events.publish(EVENT_SUBJECTS.usageThreshold, e, { id: `usage:${subscriberId}:${cycle}:${e.allowance}:${e.threshold}` });
    return { usage, crossed };
  }
}
