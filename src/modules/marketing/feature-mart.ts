// The customer features mart: computes each subscriber's features from the subscriber module's
// facts, the catalogue (plans' fees and allowances) and the interaction log, and keeps them in
// marketing_feature. A full pass walks everyone in batches; the incremental pass recomputes only
// those whose facts changed or who came on a channel since the last pass.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Clock } from '../../platform/ports.ts';
import { startOfDay } from '../../platform/cycle.ts';
import type { CatalogueReader } from '../catalogue/index.ts';
import { subscriberFacts, subscriberIdsAfter, subscribersChangedSince, type SubscriberFacts } from '../subscriber/index.ts';
import { contactedSince, contactSummary, type ContactSummary } from '../interactions/index.ts';
import type { Features } from './features.ts';
import type { MarketingFeatureTable } from './tables.ts';
import type { Insertable } from 'kysely';

const DAY_MS = 86_400_000;
/**
 * Changes are read again this far before the watermark: PostgreSQL stamps a row with its
 * transaction's start, so a transaction may commit after a pass read past its timestamp.
 */
const OVERLAP_MS = 60_000;
/**
 * Subscribers a pass reads and writes at once. Each row written carries 22 parameters and PGlite
 * refuses a statement of more than 32,767 (PostgreSQL's own limit is 65,535), so 1,000 a batch.
 */
const BATCH = 1_000;

const ratio = (used: number, allowance: number) => (allowance > 0 ? Math.round((used / allowance) * 1000) / 1000 : 0);

export class FeatureMart {
  constructor(private readonly deps: { db: Db; clock: Clock; catalogue: CatalogueReader; overlapMs?: number }) {}

  /** The database's time: rows are stamped with it, so the watermark is kept in it too. */
  private async dbNow(): Promise<Date> {
    const r = await sql<{ now: Date }>`select now() as now`.execute(this.deps.db);
    return new Date(r.rows[0]!.now);
  }

  /** Recomputes these subscribers' features as of now. */
  async refresh(ids: readonly number[]): Promise<number> {
    const { db, clock, catalogue } = this.deps;
    const at = clock.now();
    let done = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const [facts, contacts] = await Promise.all([
        subscriberFacts(db, batch, at),
        contactSummary(db, batch, new Date(at.getTime() - 90 * DAY_MS), new Date(at.getTime() - 3 * DAY_MS)),
      ]);
      if (facts.length === 0) continue;
      const offeringIds = new Set<string>();
      for (const f of facts) { offeringIds.add(f.planId); for (const h of f.held) offeringIds.add(h); }
      const offerings = await catalogue.offeringsByIds(db, [...offeringIds]);
      const contactBy = new Map(contacts.map((c) => [c.subscriberId, c]));
      const rows = facts.map((f) => this.row(f, contactBy.get(f.subscriberId), offerings, at));
      await db.insertInto('marketingFeature').values(rows)
        .onConflict((oc) => oc.column('subscriberId').doUpdateSet((eb) => {
          const set: Record<string, unknown> = {};
          for (const k of Object.keys(rows[0]!)) if (k !== 'subscriberId') set[k] = eb.ref(`excluded.${k}` as never);
          return set as never;
        }))
        .execute();
      done += rows.length;
    }
    return done;
  }

  private row(f: SubscriberFacts, c: ContactSummary | undefined, offerings: Map<string, { priceFen: number; dataMb: number; voiceMin: number }>, at: Date): Insertable<MarketingFeatureTable> {
    const plan = offerings.get(f.planId);
    let dataMb = plan?.dataMb ?? 0;
    let voiceMin = plan?.voiceMin ?? 0;
    for (const h of f.held) {
      const o = offerings.get(h);
      if (o) { dataMb += o.dataMb; voiceMin += o.voiceMin; }
    }
    return {
      subscriberId: f.subscriberId, msisdn: f.msisdn, planId: f.planId, planFeeFen: plan?.priceFen ?? 0,
      accountType: f.accountType, city: f.city, status: f.status, language: f.language,
      tenureDays: Math.max(0, Math.floor((at.getTime() - startOfDay(f.joinedOn).getTime()) / DAY_MS)),
      arpuFen: f.billsFen.length ? Math.round(f.billsFen.reduce((a, b) => a + b, 0) / f.billsFen.length) : 0,
      balanceFen: f.balanceFen,
      dataUsageRatio: ratio(f.usage.dataMb, dataMb),
      dataUsageRatioLast: ratio(f.usage.dataMbLast, plan?.dataMb ?? 0),
      voiceUsageRatio: ratio(f.usage.voiceMin, voiceMin),
      voiceUsageRatioLast: ratio(f.usage.voiceMinLast, plan?.voiceMin ?? 0),
      recharges90d: f.rechargesIn90Days,
      channels90d: c?.channels ?? [],
      lastContactAt: c?.lastAt ?? null,
      lastPurchaseAt: f.lastPurchaseAt,
      packsHeld: [...f.held].sort(),
      offeringsAsked3d: c?.askedAbout ?? [],
      points: f.points,
      refreshedAt: at,
    };
  }

  /** Recomputes everyone, in batches; sets the watermark to when it started. */
  async refreshAll(): Promise<number> {
    const started = await this.dbNow();
    let after = 0;
    let done = 0;
    for (;;) {
      const ids = await subscriberIdsAfter(this.deps.db, after, BATCH);
      if (ids.length === 0) break;
      done += await this.refresh(ids);
      after = ids[ids.length - 1]!;
    }
    await this.setWatermark(started);
    return done;
  }

  /** Recomputes those whose facts changed or who made contact since the last pass (a full pass first, when none ran). */
  async refreshChanged(): Promise<number> {
    const mark = await this.deps.db.selectFrom('marketingFeatureWatermark').select('upTo').where('id', '=', 1).executeTakeFirst();
    if (!mark) return this.refreshAll();
    const started = await this.dbNow();
    const since = new Date(new Date(mark.upTo).getTime() - (this.deps.overlapMs ?? OVERLAP_MS));
    const [changed, contacted, asked] = await Promise.all([subscribersChangedSince(this.deps.db, since), contactedSince(this.deps.db, since), this.askedLately()]);
    const ids = [...new Set([...changed, ...contacted, ...asked])].sort((a, b) => a - b);
    const done = await this.refresh(ids);
    await this.setWatermark(started);
    return done;
  }

  /**
   * Those whose 3-day hotline questions are still on their row: the window passes with no change
   * of theirs, so each pass recomputes them until it is empty (few rows: a partial index finds them).
   */
  private async askedLately(): Promise<number[]> {
    const rows = await this.deps.db.selectFrom('marketingFeature').select('subscriberId')
      .where(sql<boolean>`offerings_asked3d <> '{}'`).execute();
    return rows.map((r) => r.subscriberId);
  }

  private async setWatermark(upTo: Date): Promise<void> {
    await this.deps.db.insertInto('marketingFeatureWatermark').values({ id: 1, upTo })
      .onConflict((oc) => oc.column('id').doUpdateSet({ upTo: sql`greatest(marketing_feature_watermark.up_to, excluded.up_to)` as never }))
      .execute();
  }

  /** The features of the subscriber with this number, as the mart holds them. */
  async byMsisdn(msisdn: string): Promise<Features | undefined> {
    const r = await this.deps.db.selectFrom('marketingFeature').selectAll().where('msisdn', '=', msisdn).executeTakeFirst();
    return r ? toFeatures(r) : undefined;
  }

  /** One subscriber's features as the mart holds them. */
  async get(subscriberId: number, q: Db = this.deps.db): Promise<Features | undefined> {
    const r = await q.selectFrom('marketingFeature').selectAll().where('subscriberId', '=', subscriberId).executeTakeFirst();
    return r ? toFeatures(r) : undefined;
  }
}

export function toFeatures(r: { [K in keyof Features]: unknown }): Features {
  const t = (v: unknown) => (v === null ? null : new Date(v as string | Date));
  return { ...(r as Features), lastContactAt: t(r.lastContactAt), lastPurchaseAt: t(r.lastPurchaseAt), refreshedAt: new Date(r.refreshedAt as Date) };
}
