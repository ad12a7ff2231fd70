// The demo operator's marketing: live segments and offers, so the console's pages and the hall's
// 我的专属优惠 mean something on `npm start`; 13800000001 (李明, 广州, prepaid) has at least one
// exclusive offer. The offers' past impressions and acceptances are generated at the conversion
// rates the seeds report (USSD 我的优惠 26%, the website 10%) so propensities and results have a
// history (they are outcomes only: the demo's ledger holds no charges for those acceptances, and
// the three demo numbers have none). Written once, under a lock, by whichever node gets there
// first; seeded by the system actor (id 0), with audit entries saying so.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../../platform/audit.ts';
import type { FeatureMart } from './feature-mart.ts';
import { ruleToSql, type SegmentRule } from './segment-rule.ts';
import { seedDemoCampaigns } from './demo-campaigns.ts';
import { seedDemoTriggers } from './demo-triggers.ts';
import { seedDemoBroadcasts } from './demo-broadcasts.ts';

const DAY = 86_400_000;

interface DemoSegment { key: string; nameZh: string; nameEn: string; rule: SegmentRule }
const SEGMENTS: DemoSegment[] = [
  {
    key: 'heavy-gz', nameZh: '广州高流量预付费（58元以上）', nameEn: 'Guangzhou heavy-data prepaid (58+)',
    rule: { all: [
      { feature: 'accountType', op: 'eq', value: 'prepaid' }, { feature: 'planFeeFen', op: 'ge', value: 5800 },
      { feature: 'dataUsageRatio', op: 'gt', value: 0.9 }, { feature: 'dataUsageRatioLast', op: 'gt', value: 0.9 }, { feature: 'city', op: 'eq', value: '广州' },
    ] },
  },
  { key: 'gz-prepaid', nameZh: '广州预付费用户', nameEn: 'Guangzhou prepaid', rule: { all: [{ feature: 'city', op: 'eq', value: '广州' }, { feature: 'accountType', op: 'eq', value: 'prepaid' }, { feature: 'status', op: 'eq', value: 'active' }] } },
  { key: 'out-of-data', nameZh: '本月流量即将用尽', nameEn: 'Nearly out of data this month', rule: { feature: 'dataUsageRatio', op: 'ge', value: 0.8 } },
  { key: 'voice-heavy', nameZh: '语音重度用户', nameEn: 'Heavy callers', rule: { any: [{ feature: 'voiceUsageRatio', op: 'ge', value: 0.8 }, { feature: 'voiceUsageRatioLast', op: 'ge', value: 0.9 }] } },
  { key: 'dormant', nameZh: '30天未接触的高价值用户', nameEn: 'High-value, no contact in 30 days', rule: { all: [{ feature: 'arpuFen', op: 'ge', value: 8800 }, { not: { feature: 'lastContactAt', op: 'withinDays', value: 30 } }] } },
];

interface DemoOffer { segment: string; offeringId: string; nameZh: string; nameEn: string; pitchZh: string; pitchEn: string; priceFen: number; validityDays: number | null; budget: number; marginFen: number; lever?: number; cities?: string[] }
const OFFERS: DemoOffer[] = [
  { segment: 'gz-prepaid', offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail: first month ¥1', pitchZh: '大附件、免打扰，首月仅1元', pitchEn: 'Big attachments, no spam: ¥1 the first month', priceFen: 100, validityDays: null, budget: 20_000, marginFen: 300 },
  { segment: 'heavy-gz', offeringId: 'PK-DATA-3G', nameZh: '3GB流量包10元', nameEn: '3 GB for ¥10', pitchZh: '流量快用完？3GB仅需10元', pitchEn: 'Low on data? 3 GB for just ¥10', priceFen: 1000, validityDays: 30, budget: 5_000, marginFen: 700, lever: 1.5 },
  { segment: 'out-of-data', offeringId: 'PK-DATA-1G', nameZh: '1GB流量包半价', nameEn: '1 GB at half price', pitchZh: '1GB流量包5元，当月有效', pitchEn: '1 GB for ¥5 this month', priceFen: 500, validityDays: 30, budget: 50_000, marginFen: 350 },
  { segment: 'voice-heavy', offeringId: 'PK-VOICE-100', nameZh: '100分钟通话包8折', nameEn: '100 minutes, 20% off', pitchZh: '100分钟国内通话，8折', pitchEn: '100 domestic minutes, 20% off', priceFen: 800, validityDays: 30, budget: 10_000, marginFen: 500 },
  { segment: 'dormant', offeringId: 'PK-SMS-100', nameZh: '短信包首月免费', nameEn: 'SMS pack: first month free', pitchZh: '100条短信，首月免费', pitchEn: '100 texts, first month free', priceFen: 0, validityDays: null, budget: 3_000, marginFen: 200 },
];

/** Past conversion per channel the seeds report, for the generated history. */
const HISTORY: readonly [string, number, number][] = [['ussd', 0.26, 400], ['web', 0.1, 500], ['mobile', 0.12, 400], ['sms', 0.05, 300]];

export async function seedDemoMarketing(db: Db, mart: FeatureMart, audit: AuditLog, now: Date): Promise<{ created: boolean }> {
  // The mart first (outside the lock: it is idempotent), so segments have members to count.
  const have = await db.selectFrom('segment').select('id').limit(1).executeTakeFirst();
  if (have) return { created: false };
  await mart.refreshAll();
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('omnihall.demo.marketing'))`.execute(tx);
    if (await tx.selectFrom('segment').select('id').limit(1).executeTakeFirst()) return { created: false };
    const ids = new Map<string, number>();
    for (const s of SEGMENTS) {
      const rule = JSON.stringify(s.rule);
      const row = await tx.insertInto('segment').values({ nameZh: s.nameZh, nameEn: s.nameEn, kind: 'dynamic', rule, size: 0, countedAt: now, createdBy: SYSTEM_ACTOR.id, createdAt: now, updatedAt: now })
        .returning('id').executeTakeFirstOrThrow();
      ids.set(s.key, row.id);
      await audit.record(tx, SYSTEM_ACTOR, { action: 'segment.create', entityType: 'segment', entityId: String(row.id), reason: 'demo operator' }, now);
    }
    const subscribers = (await tx.selectFrom('marketingFeature').select('subscriberId').orderBy('subscriberId').limit(2000).execute()).map((r) => r.subscriberId);
    let n = 0;
    for (const o of OFFERS) {
      const { segment, lever, cities, ...terms } = o;
      const row = await tx.insertInto('offer').values({
        ...terms, lever: lever ?? 1, segmentIds: [ids.get(segment)!], cities: cities ?? [], channels: [],
        startsAt: new Date(now.getTime() - 30 * DAY), endsAt: new Date(now.getTime() + 60 * DAY), status: 'active',
        createdBy: SYSTEM_ACTOR.id, submittedBy: SYSTEM_ACTOR.id, reviewedBy: SYSTEM_ACTOR.id, reviewReason: null, createdAt: now, updatedAt: now,
      }).returning('id').executeTakeFirstOrThrow();
      await audit.record(tx, SYSTEM_ACTOR, { action: 'offer.create', entityType: 'offer', entityId: String(row.id), reason: 'demo operator' }, now);
      // A month of history: impressions on each channel, accepted at that channel's rate.
      const shown: { offerId: number; subscriberId: number; channel: string; segmentId: number; at: Date }[] = [];
      const took: { offerId: number; subscriberId: number; channel: string; segmentId: number; response: 'accepted' | 'declined'; at: Date }[] = [];
      const taken = new Set<number>();
      for (const [channel, rate, count] of HISTORY) {
        for (let i = 0; i < count && subscribers.length; i++) {
          const subscriberId = subscribers[(n++ * 7919) % subscribers.length]!;
          const at = new Date(now.getTime() - ((n * 104729) % (30 * DAY)));
          shown.push({ offerId: row.id, subscriberId, channel, segmentId: ids.get(segment)!, at });
          // Deterministic: every 1/rate-th impression is taken, once per subscriber.
          if (Math.floor((i + 1) * rate) > Math.floor(i * rate) && !taken.has(subscriberId) && subscriberId > 3) {
            taken.add(subscriberId);
            took.push({ offerId: row.id, subscriberId, channel, segmentId: ids.get(segment)!, response: 'accepted', at });
          }
        }
      }
      for (let i = 0; i < shown.length; i += 1000) await tx.insertInto('offerImpression').values(shown.slice(i, i + 1000)).execute();
      for (let i = 0; i < took.length; i += 1000) await tx.insertInto('offerResponse').values(took.slice(i, i + 1000)).execute();
      await tx.updateTable('offer').set({ accepted: took.length }).where('id', '=', row.id).execute();
    }
    // Each segment's size as it is now.
    for (const s of SEGMENTS) {
      const c = await tx.selectFrom('marketingFeature').select(sql<number>`count(*)::int`.as('n')).where(ruleToSql(s.rule, now)).executeTakeFirstOrThrow();
      await tx.updateTable('segment').set({ size: Number(c.n) }).where('id', '=', ids.get(s.key)!).execute();
    }
    await seedDemoCampaigns(tx, audit, now);
    await seedDemoTriggers(tx, audit, now);
    await seedDemoBroadcasts(tx, audit, now);
    return { created: true };
  });
}
