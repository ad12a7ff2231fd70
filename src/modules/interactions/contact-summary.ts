// What the interaction log says about each subscriber's contacts: which channels they used in a
// window, when they last came, and which offerings they asked the hotline about (IVR or an agent)
// lately (the marketing module's data mart reads it here).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

export interface ContactSummary {
  subscriberId: number;
  channels: string[];
  lastAt: Date;
  /** Offerings they called the hotline about (IVR, or an agent on their behalf) since `askedSince`. */
  askedAbout: string[];
}

/** The channels that are a call to the hotline: the voice menu and an agent serving the caller. */
export const HOTLINE_CHANNELS = ['ivr', 'agent'] as const;

/**
 * For each of these subscribers who came since `since`: the channels they used, their last call,
 * and the offerings they asked the hotline about since `askedSince` (a later time than `since`).
 */
export async function contactSummary(db: Db, ids: readonly number[], since: Date, askedSince: Date = since): Promise<ContactSummary[]> {
  if (ids.length === 0) return [];
  const hotline = sql.join(HOTLINE_CHANNELS.map((c) => sql`${c}`));
  const rows = await db.selectFrom('interaction')
    .select([
      'subscriberId', sql<string[]>`array_agg(distinct channel order by channel)`.as('channels'), sql<Date>`max(at)`.as('lastAt'),
      sql<string[] | null>`array_agg(distinct offering_id order by offering_id) filter (where offering_id is not null and channel in (${hotline}) and at >= ${askedSince})`.as('askedAbout'),
    ])
    .where('subscriberId', 'in', [...ids]).where('at', '>=', since)
    .groupBy('subscriberId').execute();
  return rows.map((r) => ({ subscriberId: r.subscriberId!, channels: r.channels, lastAt: new Date(r.lastAt), askedAbout: r.askedAbout ?? [] }));
}

/** Subscribers who came on any channel since `since`. */
export async function contactedSince(db: Db, since: Date): Promise<number[]> {
  const rows = await db.selectFrom('interaction').select('subscriberId').distinct()
    .where('at', '>', since).where('subscriberId', 'is not', null).execute();
  return rows.map((r) => r.subscriberId!);
}
