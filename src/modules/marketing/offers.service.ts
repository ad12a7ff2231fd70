// Offers (我的专属优惠): a catalogue offering on its own terms (price in fen, validity, a budget of
// acceptances), targeted at segments, cities and channels, ranked by value and a staff lever.
// Lifecycle: draft → pending (submitted) → active (approved by a second person) ⇄ paused → ended;
// a rejected offer goes back to draft. Every step is in the audit log. Acceptance claims one of
// the budget in the caller's transaction (the business charges and subscribes in the same one),
// so concurrent accepts never pass the budget.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { SALES_CHANNELS, type CatalogueReader } from '../catalogue/index.ts';
import type { OfferRow, OfferStatus } from './tables.ts';

const ROLES = ['marketing'] as const;

export const offerInputSchema = z.object({
  offeringId: z.string().min(1).max(60),
  nameZh: z.string().trim().min(1).max(20),
  nameEn: z.string().trim().min(1).max(40),
  /** Fits one USSD screen with the price. */
  pitchZh: z.string().trim().min(1).max(40),
  pitchEn: z.string().trim().min(1).max(80),
  priceFen: z.number().int().min(0).max(10_000_000),
  validityDays: z.number().int().min(1).max(366).nullable().default(null),
  budget: z.number().int().min(1).max(100_000_000),
  segmentIds: z.array(z.number().int().positive()).max(20).default([]),
  cities: z.array(z.string().trim().min(1).max(20)).max(50).default([]),
  channels: z.array(z.enum(SALES_CHANNELS)).max(SALES_CHANNELS.length).default([]),
  marginFen: z.number().int().min(0).max(10_000_000),
  lever: z.number().min(0.1).max(10).default(1),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
}).strict().refine((o) => o.endsAt > o.startsAt, { message: 'endsAt must be after startsAt', path: ['endsAt'] });

export type OfferInput = z.input<typeof offerInputSchema>;

export interface OfferView {
  id: number;
  offeringId: string;
  names: L10n;
  pitch: L10n;
  priceFen: number;
  validityDays: number | null;
  budget: number;
  accepted: number;
  left: number;
  segmentIds: number[];
  cities: string[];
  channels: string[];
  marginFen: number;
  lever: number;
  startsAt: string;
  endsAt: string;
  status: OfferStatus;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
}

export function offerView(r: OfferRow): OfferView {
  return {
    id: r.id, offeringId: r.offeringId, names: l10n(r.nameZh, r.nameEn), pitch: l10n(r.pitchZh, r.pitchEn),
    priceFen: r.priceFen, validityDays: r.validityDays, budget: r.budget, accepted: r.accepted, left: r.budget - r.accepted,
    segmentIds: r.segmentIds, cities: r.cities, channels: r.channels, marginFen: r.marginFen, lever: Number(r.lever),
    startsAt: new Date(r.startsAt).toISOString(), endsAt: new Date(r.endsAt).toISOString(), status: r.status,
    createdBy: r.createdBy, submittedBy: r.submittedBy, reviewedBy: r.reviewedBy, reviewReason: r.reviewReason,
  };
}

/** What an acceptance claimed: the terms the business charges and subscribes on. */
export interface ClaimedOffer {
  offer: OfferView;
  segmentId: number;
}

export class OfferService {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog; catalogue: CatalogueReader }) {}

  private async parse(input: unknown) {
    const p = offerInputSchema.safeParse(input);
    if (!p.success) {
      const i = p.error.issues[0]!;
      throw new AppError('INVALID_INPUT', { detail: l10n(`优惠信息有误：${i.path.join('.')}（${i.message}）`, `Invalid offer at ${i.path.join('.')}: ${i.message}`), extra: { path: i.path.join('.') } });
    }
    const o = p.data;
    const offering = await this.deps.catalogue.offering(this.deps.db, o.offeringId);
    if (!offering) throw new AppError('OFFERING_NOT_FOUND');
    // A plan is changed from the next cycle by plan.change; an offer sells what is ordered now.
    if (offering.kind === 'plan') throw new AppError('INVALID_INPUT', { detail: l10n('套餐变更暂不能作为优惠', 'A plan cannot be an offer yet'), extra: { path: 'offeringId' } });
    if (o.segmentIds.length) {
      const found = await this.deps.db.selectFrom('segment').select('id').where('id', 'in', o.segmentIds).execute();
      if (found.length !== new Set(o.segmentIds).size) throw new AppError('SEGMENT_NOT_FOUND');
    }
    return o;
  }

  private async get(q: Db, id: number, lock = false): Promise<OfferRow> {
    let s = q.selectFrom('offer').selectAll().where('id', '=', id);
    if (lock) s = s.forUpdate();
    const r = await s.executeTakeFirst();
    if (!r) throw new AppError('OFFER_NOT_FOUND');
    return r;
  }

  async create(actor: Actor, input: unknown): Promise<OfferView> {
    requireRole(actor, ROLES);
    const o = await this.parse(input);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto('offer').values({ ...o, status: 'draft', createdBy: actor.id, submittedBy: null, reviewedBy: null, reviewReason: null, createdAt: at, updatedAt: at })
        .returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'offer.create', entityType: 'offer', entityId: String(row.id), after: offerView(row) }, at);
      return offerView(row);
    });
  }

  /** Edits a draft (or a rejected offer, which becomes a draft again). */
  async update(actor: Actor, id: number, input: unknown): Promise<OfferView> {
    requireRole(actor, ROLES);
    const o = await this.parse(input);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.get(tx, id, true);
      if (before.status !== 'draft' && before.status !== 'rejected') throw new AppError('NOT_EDITABLE');
      const row = await tx.updateTable('offer').set({ ...o, status: 'draft', reviewReason: null, updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'offer.update', entityType: 'offer', entityId: String(id), before: offerView(before), after: offerView(row) }, at);
      return offerView(row);
    });
  }

  private async step(actor: Actor, id: number, action: string, from: readonly OfferStatus[], set: (r: OfferRow) => Partial<Pick<OfferRow, 'status' | 'submittedBy' | 'reviewedBy' | 'reviewReason'>>, check?: (r: OfferRow) => void, reason?: string): Promise<OfferView> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.get(tx, id, true);
      if (!from.includes(before.status)) throw new AppError(before.status === 'pending' && action.startsWith('offer.review') ? 'REVIEW_NOT_PENDING' : 'INVALID_TRANSITION');
      check?.(before);
      const row = await tx.updateTable('offer').set({ ...set(before), updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action, entityType: 'offer', entityId: String(id), before: { status: before.status }, after: { status: row.status }, ...(reason ? { reason } : {}) }, at);
      return offerView(row);
    });
  }

  /** Sends a draft for review. */
  submit(actor: Actor, id: number): Promise<OfferView> {
    return this.step(actor, id, 'offer.submit', ['draft'], () => ({ status: 'pending', submittedBy: actor.id }));
  }

  /** A second person (not whoever created or submitted it) approves it live, or rejects it with a reason. */
  async review(actor: Actor, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<OfferView> {
    if (!decision.approve && !decision.reason.trim()) throw new AppError('INVALID_INPUT', { detail: l10n('驳回需要说明原因', 'A rejection needs a reason') });
    return this.step(actor, id, decision.approve ? 'offer.review.approve' : 'offer.review.reject', ['pending'],
      () => (decision.approve ? { status: 'active', reviewedBy: actor.id } : { status: 'rejected', reviewedBy: actor.id, reviewReason: decision.reason }),
      (r) => { if (r.createdBy === actor.id || r.submittedBy === actor.id) throw new AppError('SELF_REVIEW'); },
      decision.approve ? undefined : decision.reason);
  }

  pause(actor: Actor, id: number): Promise<OfferView> {
    return this.step(actor, id, 'offer.pause', ['active'], () => ({ status: 'paused' }));
  }

  resume(actor: Actor, id: number): Promise<OfferView> {
    return this.step(actor, id, 'offer.resume', ['paused'], () => ({ status: 'active' }));
  }

  end(actor: Actor, id: number): Promise<OfferView> {
    return this.step(actor, id, 'offer.end', ['draft', 'pending', 'active', 'paused', 'rejected'], () => ({ status: 'ended' }));
  }

  async view(id: number, q: Db = this.deps.db): Promise<OfferView> {
    return offerView(await this.get(q, id));
  }

  async list(opts: { status?: OfferStatus } = {}): Promise<OfferView[]> {
    let q = this.deps.db.selectFrom('offer').selectAll().orderBy('id', 'desc').limit(1000);
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.execute()).map(offerView);
  }

  /** Offers subscribers may be shown now: approved, in their window, budget left. */
  async live(q: Db = this.deps.db): Promise<OfferRow[]> {
    const at = this.deps.clock.now();
    return q.selectFrom('offer').selectAll().where('status', '=', 'active').where('startsAt', '<=', at).where('endsAt', '>', at)
      .where(sql<boolean>`accepted < budget`).orderBy('id').execute();
  }

  /**
   * Claims one of the offer's budget for this subscriber, in the caller's transaction: OFFER_EXPIRED
   * unless it is live, OFFER_ALREADY_ACCEPTED if they took it before, OFFER_BUDGET_EXHAUSTED when none
   * is left. `targeted` says whether it is for them (the decision's gates, run by the caller).
   */
  async claim(tx: Db, offerId: number, subscriberId: number, channel: string, segmentId: number): Promise<ClaimedOffer> {
    if (!tx.isTransaction) throw new Error('claim runs inside the acceptance transaction');
    const at = this.deps.clock.now();
    const o = await tx.selectFrom('offer').selectAll().where('id', '=', offerId).executeTakeFirst();
    if (!o) throw new AppError('OFFER_NOT_FOUND');
    if (o.status !== 'active' || new Date(o.startsAt) > at || new Date(o.endsAt) <= at) throw new AppError('OFFER_EXPIRED');
    const prior = await tx.insertInto('offerResponse').values({ offerId, subscriberId, channel, segmentId, response: 'accepted', at })
      .onConflict((oc) => oc.columns(['offerId', 'subscriberId']).doUpdateSet({ response: 'accepted', channel, segmentId, at }).where('offerResponse.response', '=', 'declined'))
      .executeTakeFirst();
    if (Number(prior.numInsertedOrUpdatedRows ?? 0n) === 0) throw new AppError('OFFER_ALREADY_ACCEPTED');
    const took = await tx.updateTable('offer').set((eb) => ({ accepted: eb('accepted', '+', 1) }))
      .where('id', '=', offerId).where(sql<boolean>`accepted < budget`).returningAll().executeTakeFirst();
    if (!took) throw new AppError('OFFER_BUDGET_EXHAUSTED');
    return { offer: offerView(took), segmentId };
  }

  /** The subscriber said no (USSD 不需要, SMS BL 0): counted against the offer's propensity. */
  async decline(offerId: number, subscriberId: number, channel: string, segmentId: number): Promise<void> {
    await this.deps.db.insertInto('offerResponse').values({ offerId, subscriberId, channel, segmentId, response: 'declined', at: this.deps.clock.now() })
      .onConflict((oc) => oc.columns(['offerId', 'subscriberId']).doNothing()).execute();
  }
}
