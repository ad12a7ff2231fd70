// What the interaction log says about each subscriber's contacts: which channels they used in a
// window and when they last came (the marketing module's data mart reads it here).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

export interface ContactSummary {
  subscriberId: number;
  channels: string[];
  lastAt: Date;
}

/** For each of these subscribers who came since `since`: the channels they used and their last call. */
export async function contactSummary(db: Db, ids: readonly number[], since: Date): Promise<ContactSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('interaction')
    .select(['subscriberId', sql<string[]>`array_agg(distinct channel order by channel)`.as('channels'), sql<Date>`max(at)`.as('lastAt')])
    .where('subscriberId', 'in', [...ids]).where('at', '>=', since)
    .groupBy('subscriberId').execute();
  return rows.map((r) => ({ subscriberId: r.subscriberId!, channels: r.channels, lastAt: new Date(r.lastAt) }));
}

/** Subscribers who came on any channel since `since`. */
export async function contactedSince(db: Db, since: Date): Promise<number[]> {
  const rows = await db.selectFrom('interaction').select('subscriberId').distinct()
    .where('at', '>', since).where('subscriberId', 'is not', null).execute();
  return rows.map((r) => r.subscriberId!);
}
