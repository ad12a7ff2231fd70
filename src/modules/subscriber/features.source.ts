// What the subscriber module knows about each subscriber, in bulk, for the marketing module's
// data mart (customer features). Only this module reads its tables; the mart asks here.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { cycleMonthsAgo, cycleOf } from '../../platform/cycle.ts';

export interface SubscriberFacts {
  subscriberId: number;
  msisdn: string;
  planId: string;
  city: string;
  status: 'active' | 'suspended' | 'closed';
  language: 'zh-CN' | 'en';
  joinedOn: string;
  accountType: 'prepaid' | 'postpaid';
  balanceFen: number;
  /** The bills of the three cycles before this one, in fen (missing months are absent). */
  billsFen: number[];
  /** Use this cycle and the last. */
  usage: { dataMb: number; voiceMin: number; dataMbLast: number; voiceMinLast: number };
  /** Offerings held now (packs and services; the plan is `planId`). */
  held: string[];
  rechargesIn90Days: number;
  lastPurchaseAt: Date | null;
  points: number;
}

const DAY_MS = 86_400_000;

/** The facts of these subscribers at `at` (unknown ids are left out). */
export async function subscriberFacts(db: Db, ids: readonly number[], at: Date): Promise<SubscriberFacts[]> {
  if (ids.length === 0) return [];
  const list = [...ids];
  const thisCycle = cycleOf(at);
  const lastCycle = cycleMonthsAgo(at, 1);
  const billMonths = [cycleMonthsAgo(at, 3), cycleMonthsAgo(at, 2), lastCycle];
  const since90 = new Date(at.getTime() - 90 * DAY_MS);
  const [base, bills, usage, held, money, points] = await Promise.all([
    db.selectFrom('subscriber as s').innerJoin('account as a', 'a.subscriberId', 's.id')
      .select(['s.id', 's.msisdn', 's.planId', 's.city', 's.status', 's.language', 's.joinedOn', 'a.type', 'a.balanceFen'])
      .where('s.id', 'in', list).execute(),
    db.selectFrom('bill').select(['subscriberId', 'totalFen']).where('subscriberId', 'in', list).where('month', 'in', billMonths).execute(),
    db.selectFrom('usageCounter').select(['subscriberId', 'cycle', 'dataMbUsed', 'voiceMinUsed'])
      .where('subscriberId', 'in', list).where('cycle', 'in', [thisCycle, lastCycle]).execute(),
    db.selectFrom('subscription').select(['subscriberId', 'offeringId'])
      .where('subscriberId', 'in', list).where('status', '=', 'active').where('startsAt', '<=', at)
      .where((eb) => eb.or([eb('endsAt', 'is', null), eb('endsAt', '>', at)])).execute(),
    db.selectFrom('ledgerEntry as l').innerJoin('account as a', 'a.id', 'l.accountId')
      .select([
        'a.subscriberId',
        sql<number>`(count(*) filter (where l.kind = 'recharge' and l.created_at >= ${since90}))::int`.as('recharges'),
        sql<Date | null>`max(l.created_at) filter (where l.kind = 'charge')`.as('lastCharge'),
      ])
      .where('a.subscriberId', 'in', list).groupBy('a.subscriberId').execute(),
    db.selectFrom('pointsEntry').select(['subscriberId', sql<number>`coalesce(sum(delta), 0)::int`.as('points')])
      .where('subscriberId', 'in', list).groupBy('subscriberId').execute(),
  ]);
  const by = <T extends { subscriberId: number }>(rows: T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) (m.get(r.subscriberId) ?? m.set(r.subscriberId, []).get(r.subscriberId)!).push(r);
    return m;
  };
  const billsBy = by(bills);
  const usageBy = by(usage);
  const heldBy = by(held);
  const moneyBy = new Map(money.map((r) => [r.subscriberId, r]));
  const pointsBy = new Map(points.map((r) => [r.subscriberId, Number(r.points)]));
  return base.map((s) => {
    const u = usageBy.get(s.id) ?? [];
    const cur = u.find((r) => r.cycle === thisCycle);
    const last = u.find((r) => r.cycle === lastCycle);
    const m = moneyBy.get(s.id);
    const lastCharge = m?.lastCharge ?? null;
    return {
      subscriberId: s.id, msisdn: s.msisdn, planId: s.planId, city: s.city, status: s.status, language: s.language,
      joinedOn: String(s.joinedOn), accountType: s.type, balanceFen: s.balanceFen,
      billsFen: (billsBy.get(s.id) ?? []).map((b) => b.totalFen),
      usage: { dataMb: cur?.dataMbUsed ?? 0, voiceMin: cur?.voiceMinUsed ?? 0, dataMbLast: last?.dataMbUsed ?? 0, voiceMinLast: last?.voiceMinUsed ?? 0 },
      held: (heldBy.get(s.id) ?? []).map((h) => h.offeringId),
      rechargesIn90Days: Number(m?.recharges ?? 0),
      lastPurchaseAt: lastCharge === null ? null : new Date(lastCharge),
      points: pointsBy.get(s.id) ?? 0,
    };
  });
}

/** Subscriber ids in id order after `afterId`, `limit` at a time: for a full pass over everyone. */
export async function subscriberIdsAfter(db: Db, afterId: number, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('subscriber').select('id').where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/**
 * Subscribers whose facts may have changed since `since`: their line or plan, their account
 * (every charge and recharge updates it), their usage, or what they hold.
 */
export async function subscribersChangedSince(db: Db, since: Date): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    select id from subscriber where updated_at > ${since}
    union select subscriber_id from account where updated_at > ${since}
    union select subscriber_id from usage_counter where updated_at > ${since}
    union select subscriber_id from subscription where created_at > ${since} or cancelled_at > ${since}
    union select subscriber_id from points_entry where created_at > ${since}`.execute(db);
  return rows.rows.map((r) => Number(r.id));
}
