// Next best offer (下一最佳优惠): for one subscriber on one channel, every live offer through three
// gates in the order Pega teaches, then ranked by priority = propensity × context × value × lever.
//   targeting      is it aimed at them here: its channels, cities and segments
//   eligibility    may they have it: the catalogue's one rule (line status, plan, account type, channel)
//   applicability  does it fit: not held already, not taken already, not a plan downgrade
//   suitability    is it good for them: a data or voice pack only for someone who uses that much
// Propensity is learned online from each offer's impressions and acceptances per segment, from a
// prior with the channel's known conversion (the seeds: 26% for USSD 我的优惠, 10% on the web), so
// a new offer starts fair and its own outcomes take over as they come. Every decision explains
// itself: each offer's four factors, or the gate that removed it and why.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Clock } from '../../platform/ports.ts';
import { ineligibility, type CatalogueReader, type OfferingView, type SalesChannel } from '../catalogue/index.ts';
import type { Features } from './features.ts';
import type { FeatureMart } from './feature-mart.ts';
import type { FeaturePredicate } from './segment-rule.ts';
import { ruleToPredicate, type SegmentRule } from './segment-rule.ts';
import { offerView, type OfferService, type OfferView } from './offers.service.ts';
import type { TriggerChannel } from './triggers.tables.ts';

/** How much more an offer weighs where an event trigger placed it for this visit (triggers.engine.ts). */
export const PLACED_CONTEXT = 3;

/**
 * Where a trigger places its offer: the sales channels it is shown first on. The hall is the web
 * and mobile hall; the kiosk (X-Omnihall-Channel: kiosk) is a channel of its own, as is the IVR.
 */
export const PLACED_ON = { ussd: ['ussd'], hall: ['web', 'mobile'], ivr: ['ivr'], kiosk: ['kiosk'] } as const satisfies Record<Exclude<TriggerChannel, 'sms'>, readonly SalesChannel[]>;

/** An offer an event trigger placed for this subscriber's next visit on this channel. */
export interface Placement {
  triggerId: number;
  /** Its marketing_trigger_fire row, marked shown once it is. */
  fireId: number;
  /** Seen already: it no longer goes first, but stays suitable (and so can be taken) until its window ends. */
  shown: boolean;
}

/** Conversion a channel is known for, before an offer has outcomes of its own. */
export const PRIOR_CONVERSION: Readonly<Record<string, number>> = {
  ussd: 0.26, web: 0.1, mobile: 0.1, kiosk: 0.1, sms: 0.05, ivr: 0.05, api: 0.05, agent: 0.2, mall: 0.1,
};
/** How many impressions the prior is worth. */
export const PRIOR_STRENGTH = 20;
/** How long a node keeps its snapshot of live offers, segments and outcomes. */
const SNAPSHOT_TTL_MS = 5_000;

export type Gate = 'targeting' | 'eligibility' | 'applicability' | 'suitability';

export interface Factors {
  propensity: number;
  context: number;
  /** The offer's margin in yuan. */
  value: number;
  lever: number;
}

export interface RankedOffer {
  offer: OfferView;
  /** The segment it reached them through (0: aimed at everyone). */
  segmentId: number;
  factors: Factors;
  priority: number;
  /** Placed first here by an event trigger (its context weight is PLACED_CONTEXT). */
  placedBy?: Placement;
}

export interface Removed {
  offer: OfferView;
  gate: Gate;
  /** A stable code: NOT_ON_CHANNEL, NOT_IN_CITY, NOT_IN_SEGMENT, an eligibility code, ALREADY_HELD, ALREADY_ACCEPTED, DOWNGRADE, SAME_PLAN, USAGE_TOO_LOW. */
  reason: string;
}

export interface Decision {
  ranked: RankedOffer[];
  removed: Removed[];
}

interface LiveOffer {
  view: OfferView;
  offering: OfferingView | undefined;
  channels: ReadonlySet<string>;
  cities: ReadonlySet<string>;
  segmentIds: readonly number[];
}

/** What one decision reads, loaded once per node every few seconds. */
export interface Snapshot {
  offers: LiveOffer[];
  dynamic: ReadonlyMap<number, FeaturePredicate>;
  staticIds: ReadonlySet<number>;
  /** impressions and accepts per `offerId:segmentId:channel`. */
  outcomes: ReadonlyMap<string, { shown: number; accepted: number }>;
}

/** Membership of the static segments a subscriber is in (dynamic ones are tested on their features). */
export type Memberships = ReadonlySet<number>;

const NONE_PLACED: ReadonlyMap<number, Placement> = new Map();
const isData = (o: OfferingView) => o.kind === 'data_pack';
const isVoice = (o: OfferingView) => o.kind === 'voice_pack';

/**
 * The ranking itself: pure, in memory, for one subscriber over every live offer. `explain` keeps
 * the removed offers with their gate (the console's look); showing offers needs only the ranked.
 */
export function rankOffers(
  s: Snapshot, f: Features, staticMember: Memberships, accepted: ReadonlySet<number>, channel: SalesChannel, at: Date, explain = true,
  placed: ReadonlyMap<number, Placement> = NONE_PLACED,
): Decision {
  const ranked: RankedOffer[] = [];
  const removed: Removed[] = [];
  const atMs = at.getTime();
  const held = new Set(f.packsHeld);
  // Many offers share a segment: each segment is tested once per decision.
  const inSegment = new Map<number, boolean>();
  const member = (id: number) => {
    let m = inSegment.get(id);
    if (m === undefined) {
      m = staticMember.has(id) || (s.dynamic.get(id)?.(f, atMs) ?? false);
      inSegment.set(id, m);
    }
    return m;
  };
  const prior = PRIOR_CONVERSION[channel] ?? 0.05;
  const dataMoment = f.dataUsageRatio >= 0.9;
  const voiceMoment = f.voiceUsageRatio >= 0.9;
  const usesData = Math.max(f.dataUsageRatio, f.dataUsageRatioLast) >= 0.7;
  const usesVoice = Math.max(f.voiceUsageRatio, f.voiceUsageRatioLast) >= 0.7;
  for (const o of s.offers) {
    let gate: Gate | undefined;
    let reason = '';
    let segmentId = 0;
    const offering = o.offering;
    if (o.channels.size && !o.channels.has(channel)) { gate = 'targeting'; reason = 'NOT_ON_CHANNEL'; }
    else if (o.cities.size && !o.cities.has(f.city)) { gate = 'targeting'; reason = 'NOT_IN_CITY'; }
    else if (o.segmentIds.length && (segmentId = o.segmentIds.find(member) ?? -1) < 0) { gate = 'targeting'; reason = 'NOT_IN_SEGMENT'; }
    else if (!offering) { gate = 'eligibility'; reason = 'OFFERING_NOT_FOUND'; }
    else {
      // eligibility: the catalogue's rule, the same every way of getting an offering passes
      const why = ineligibility(offering, f, { type: f.accountType }, channel, at);
      if (why) { gate = 'eligibility'; reason = why; }
      // applicability
      else if (accepted.has(o.view.id)) { gate = 'applicability'; reason = 'ALREADY_ACCEPTED'; }
      else if (held.has(offering.id) || f.planId === offering.id) { gate = 'applicability'; reason = offering.kind === 'plan' ? 'SAME_PLAN' : 'ALREADY_HELD'; }
      else if (offering.kind === 'plan' && offering.priceFen < f.planFeeFen) { gate = 'applicability'; reason = 'DOWNGRADE'; }
      // suitability: a pack only for someone who uses what it gives (a placed offer's trigger event says it suits them until its window ends)
      else if (!placed.has(o.view.id) && ((isData(offering) && !usesData) || (isVoice(offering) && !usesVoice))) { gate = 'suitability'; reason = 'USAGE_TOO_LOW'; }
    }
    if (gate) {
      if (explain) removed.push({ offer: o.view, gate, reason });
      continue;
    }
    const o2 = offering!;
    const seen = s.outcomes.get(`${o.view.id}:${segmentId}:${channel}`);
    const propensity = ((seen?.accepted ?? 0) + prior * PRIOR_STRENGTH) / ((seen?.shown ?? 0) + PRIOR_STRENGTH);
    // The moment: a pack of what they are running out of now weighs more.
    // A trigger's placement weighs most: the event it answers is this visit's reason.
    const placement = placed.get(o.view.id);
    const first = placement && !placement.shown ? placement : undefined;
    const context = first ? PLACED_CONTEXT : (isData(o2) && dataMoment) || (isVoice(o2) && voiceMoment) ? 1.5 : 1;
    const value = Math.max(o.view.marginFen, 1) / 100;
    const lever = o.view.lever;
    ranked.push({
      offer: o.view, segmentId, factors: { propensity: Math.round(propensity * 10_000) / 10_000, context, value, lever }, priority: propensity * context * value * lever,
      ...(first ? { placedBy: first } : {}),
    });
  }
  // Placed offers first (the trigger's promise for this visit), then by priority.
  ranked.sort((a, b) => Number(!!b.placedBy) - Number(!!a.placedBy) || b.priority - a.priority || a.offer.id - b.offer.id);
  return { ranked, removed };
}

export class OfferDecisions {
  private snap: { at: number; value: Promise<Snapshot> } | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; catalogue: CatalogueReader; offers: OfferService; mart: FeatureMart }) {}

  /** Live offers, their segments' tests and their outcomes so far (a few seconds old at most). */
  snapshot(): Promise<Snapshot> {
    const now = this.deps.clock.now().getTime();
    if (!this.snap || now - this.snap.at > SNAPSHOT_TTL_MS) {
      const value = this.load();
      this.snap = { at: now, value };
      value.catch(() => { if (this.snap?.value === value) this.snap = undefined; });
    }
    return this.snap.value;
  }

  /** Forgets the snapshot (after an offer changes on this node). */
  invalidate(): void {
    this.snap = undefined;
  }

  private async load(db: Db = this.deps.db, only?: number): Promise<Snapshot> {
    const { catalogue, offers } = this.deps;
    const rows = only === undefined ? await offers.live(db) : await db.selectFrom('offer').selectAll().where('id', '=', only).execute();
    const offerings = await catalogue.offeringsByIds(db, [...new Set(rows.map((r) => r.offeringId))]);
    const segIds = [...new Set(rows.flatMap((r) => r.segmentIds))];
    const segs = segIds.length ? await db.selectFrom('segment').select(['id', 'kind', 'rule']).where('id', 'in', segIds).execute() : [];
    const dynamic = new Map<number, FeaturePredicate>();
    const staticIds = new Set<number>();
    for (const s of segs) {
      if (s.kind === 'dynamic') dynamic.set(s.id, ruleToPredicate(s.rule as SegmentRule));
      else staticIds.add(s.id);
    }
    const outcomes = new Map<string, { shown: number; accepted: number }>();
    if (rows.length) {
      const ids = rows.map((r) => r.id);
      const [shown, took] = await Promise.all([
        db.selectFrom('offerImpression').select(['offerId', 'segmentId', 'channel', sql<number>`count(*)::int`.as('n')]).where('offerId', 'in', ids).groupBy(['offerId', 'segmentId', 'channel']).execute(),
        db.selectFrom('offerResponse').select(['offerId', 'segmentId', 'channel', sql<number>`count(*)::int`.as('n')]).where('offerId', 'in', ids).where('response', '=', 'accepted').groupBy(['offerId', 'segmentId', 'channel']).execute(),
      ]);
      for (const r of shown) outcomes.set(`${r.offerId}:${r.segmentId}:${r.channel}`, { shown: Number(r.n), accepted: 0 });
      for (const r of took) {
        const k = `${r.offerId}:${r.segmentId}:${r.channel}`;
        const o = outcomes.get(k) ?? { shown: 0, accepted: 0 };
        o.accepted = Number(r.n);
        // An acceptance was an impression too, wherever it was counted.
        o.shown = Math.max(o.shown, o.accepted);
        outcomes.set(k, o);
      }
    }
    return {
      offers: rows.map((r) => ({ view: offerView(r), offering: offerings.get(r.offeringId), channels: new Set(r.channels), cities: new Set(r.cities), segmentIds: r.segmentIds })),
      dynamic, staticIds, outcomes,
    };
  }

  /** What one subscriber's decision reads besides the snapshot: features, static memberships, offers taken. */
  private async subject(subscriberId: number, s: Snapshot, q: Db, channel?: SalesChannel) {
    const on = channel ? (Object.keys(PLACED_ON) as (keyof typeof PLACED_ON)[]).filter((c) => (PLACED_ON[c] as readonly SalesChannel[]).includes(channel)) : [];
    const [features, members, taken, placements] = await Promise.all([
      this.deps.mart.get(subscriberId, q),
      s.staticIds.size
        ? q.selectFrom('segmentMember').select('segmentId').where('subscriberId', '=', subscriberId).where('segmentId', 'in', [...s.staticIds]).execute()
        : Promise.resolve([]),
      q.selectFrom('offerResponse').select('offerId').where('subscriberId', '=', subscriberId).where('response', '=', 'accepted').execute(),
      on.length
        ? q.selectFrom('marketingTriggerFire as f').innerJoin('marketingTrigger as t', 't.id', 'f.triggerId')
          .select(['f.id', 'f.triggerId', 'f.outcome', 't.offerId']).where('f.subscriberId', '=', subscriberId).where('f.outcome', 'in', ['placed', 'shown'])
          .where('f.placedUntil', '>', this.deps.clock.now()).where('t.channel', 'in', on).orderBy('f.id').execute()
        : Promise.resolve([]),
    ]);
    const placed = new Map<number, Placement>();
    // One per offer: one not yet seen before one seen (rows in id order).
    for (const p of placements) {
      const had = placed.get(p.offerId);
      if (!had || (had.shown && p.outcome === 'placed')) placed.set(p.offerId, { triggerId: p.triggerId, fireId: Number(p.id), shown: p.outcome === 'shown' });
    }
    return { features, members: new Set(members.map((m) => m.segmentId)), taken: new Set(taken.map((t) => t.offerId)), placed };
  }

  /** Every live offer for this subscriber on this channel: the ranked ones and the removed ones with their gate. */
  async decide(subscriberId: number, channel: SalesChannel, q: Db = this.deps.db, explain = true): Promise<Decision> {
    const s = await this.snapshot();
    const { features, members, taken, placed } = await this.subject(subscriberId, s, q, channel);
    if (!features) return { ranked: [], removed: [] };
    return rankOffers(s, features, members, taken, channel, this.deps.clock.now(), explain, placed);
  }

  /** The offers to show (best first), with an impression recorded for each one shown. */
  async show(subscriberId: number, channel: SalesChannel, limit: number): Promise<RankedOffer[]> {
    const top = (await this.decide(subscriberId, channel, this.deps.db, false)).ranked.slice(0, limit);
    if (top.length) {
      const at = this.deps.clock.now();
      await this.deps.db.insertInto('offerImpression').values(top.map((r) => ({ offerId: r.offer.id, subscriberId, channel, segmentId: r.segmentId, at }))).execute();
      // A trigger's placement is kept once it has been seen: from now on the offer ranks as any other.
      const shown = top.flatMap((r) => (r.placedBy ? [r.placedBy.fireId] : []));
      if (shown.length) await this.deps.db.updateTable('marketingTriggerFire').set({ outcome: 'shown', sentAt: at }).where('id', 'in', shown).where('outcome', '=', 'placed').execute();
    }
    return top;
  }

  /**
   * Whether one offer passes every gate for this subscriber now (the acceptance's check), and
   * through which segment; undefined when there is no such offer. Its status, window and budget
   * are the claim's to judge.
   */
  async check(q: Db, subscriberId: number, offerId: number, channel: SalesChannel): Promise<{ ok: true; segmentId: number } | { ok: false; gate: Gate; reason: string } | undefined> {
    // This one offer, whatever its budget and status (the claim says which code applies), read in
    // the caller's transaction: on one connection, as PGlite is, a read beside it would wait forever.
    const one = await this.load(q, offerId);
    if (one.offers.length === 0) return undefined;
    const { features, members, taken, placed } = await this.subject(subscriberId, one, q, channel);
    if (!features) return { ok: false, gate: 'targeting', reason: 'NOT_IN_SEGMENT' };
    const d = rankOffers(one, features, members, taken, channel, this.deps.clock.now(), true, placed);
    if (d.ranked[0]) return { ok: true, segmentId: d.ranked[0].segmentId };
    return { ok: false, gate: d.removed[0]!.gate, reason: d.removed[0]!.reason };
  }
}
