// What the interaction log says about the last while: calls and how many went well, per
// business and channel (the console's businesses × channels table, ops' success rates).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

export interface CallCount {
  businessId: string;
  channel: string;
  calls: number;
  /** Answered without an error: done, or a quote waiting for the subscriber's confirmation. */
  ok: number;
}

/** Calls since `since`, per business and channel (the interaction_at index keeps it to the window). */
export async function callsSince(db: Db, since: Date): Promise<CallCount[]> {
  const rows = await db.selectFrom('interaction')
    .select(['businessId', 'channel', sql<number>`count(*)::int`.as('calls'), sql<number>`(count(*) filter (where outcome <> 'error'))::int`.as('ok')])
    .where('at', '>=', since)
    .groupBy(['businessId', 'channel'])
    .execute();
  return rows.map((r) => ({ businessId: r.businessId, channel: r.channel, calls: Number(r.calls), ok: Number(r.ok) }));
}
