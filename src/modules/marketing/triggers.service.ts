// Event triggers (事件触发营销): a rule that turns an event into an offer on a channel within a
// window, e.g. an IVR or hotline contact about a pack → that pack's offer by SMS within 3 days,
// once; data 90% used → a data pack's offer now. Lifecycle as offers': draft → pending (submitted)
// → active (approved by a second person, not its creator or submitter) ⇄ paused → ended; a
// rejected trigger goes back to draft. Every step is in the audit log.
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { EVENT_SUBJECTS } from '../../platform/events/index.ts';
import type { TriggerChannel, TriggerRow, TriggerStatus } from './triggers.tables.ts';

const ROLES = ['marketing'] as const;

export const TRIGGER_EVENTS = [EVENT_SUBJECTS.businessCalled, EVENT_SUBJECTS.usageThreshold, EVENT_SUBJECTS.balanceLow, EVENT_SUBJECTS.billIssued] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];
/**
 * Where a trigger's offer goes: a text now (sms), or first in 我的优惠 at the next visit on USSD, in
 * the hall (web and mobile), on the IVR (read out first) or at a kiosk.
 */
export const TRIGGER_CHANNELS = ['sms', 'ussd', 'hall', 'ivr', 'kiosk'] as const satisfies readonly TriggerChannel[];
const OFFERING_KINDS = ['plan', 'data_pack', 'voice_pack', 'sms_pack', 'vas', 'broadband'] as const;

/**
 * Which events of its type a trigger takes; every list given must hold the event's value (an
 * empty or absent list takes any). What a condition may name depends on the event:
 * - `interaction.called`: channels (ivr, agent, web, …), businessIds, outcomes, offeringIds, offeringKinds;
 * - `usage.threshold`: allowance (data, voice) and minRatio (0.9: at least 90% used);
 * - `balance.low`: maxBalanceFen;
 * - `bill.issued`: minAmountFen.
 */
export const triggerConditionSchema = z.object({
  channels: z.array(z.string().trim().min(1).max(20)).max(20).optional(),
  businessIds: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  outcomes: z.array(z.enum(['ok', 'error', 'confirmation_required'])).max(3).optional(),
  offeringIds: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  offeringKinds: z.array(z.enum(OFFERING_KINDS)).max(OFFERING_KINDS.length).optional(),
  allowance: z.enum(['data', 'voice']).optional(),
  minRatio: z.number().min(0).max(10).optional(),
  maxBalanceFen: z.number().int().min(-10_000_000).max(10_000_000).optional(),
  minAmountFen: z.number().int().min(0).max(100_000_000).optional(),
}).strict();
export type TriggerCondition = z.infer<typeof triggerConditionSchema>;

/** The condition's fields each event can be judged on. */
const FIELDS_OF: Record<TriggerEvent, readonly (keyof TriggerCondition)[]> = {
  'interaction.called': ['channels', 'businessIds', 'outcomes', 'offeringIds', 'offeringKinds'],
  'usage.threshold': ['allowance', 'minRatio'],
  'balance.low': ['maxBalanceFen'],
  'bill.issued': ['minAmountFen'],
};

export const triggerInputSchema = z.object({
  nameZh: z.string().trim().min(1).max(30),
  nameEn: z.string().trim().min(1).max(60),
  event: z.enum(TRIGGER_EVENTS),
  condition: triggerConditionSchema.default({}),
  offerId: z.number().int().positive().max(2_147_483_647),
  channel: z.enum(TRIGGER_CHANNELS).default('sms'),
  /** The offer goes out within this long of the event (held by quiet hours past it: not at all). 3 days: 4320. */
  windowMinutes: z.number().int().min(1).max(30 * 24 * 60),
  once: z.boolean().default(true),
}).strict().superRefine((t, ctx) => {
  const allowed = FIELDS_OF[t.event];
  for (const k of Object.keys(t.condition) as (keyof TriggerCondition)[]) {
    if (!allowed.includes(k)) ctx.addIssue({ code: 'custom', path: ['condition', k], message: `${t.event} events have no ${k}` });
  }
});
export type TriggerInput = z.input<typeof triggerInputSchema>;

export interface TriggerView {
  id: number;
  names: L10n;
  event: TriggerEvent;
  condition: TriggerCondition;
  offerId: number;
  channel: TriggerChannel;
  windowMinutes: number;
  once: boolean;
  status: TriggerStatus;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export function triggerView(r: TriggerRow): TriggerView {
  return {
    id: r.id, names: l10n(r.nameZh, r.nameEn), event: r.event as TriggerEvent, condition: r.condition as TriggerCondition, offerId: r.offerId,
    channel: r.channel, windowMinutes: r.windowMinutes, once: r.once, status: r.status, createdBy: r.createdBy, submittedBy: r.submittedBy,
    reviewedBy: r.reviewedBy, reviewReason: r.reviewReason, createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

export class TriggerService {
  /** Called after any change of status, so this node's engine reads the live triggers again. */
  onChange: () => void = () => {};

  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog }) {}

  private async parse(input: unknown) {
    const p = triggerInputSchema.safeParse(input);
    if (!p.success) {
      const i = p.error.issues[0]!;
      if (i.path.length === 1 && i.path[0] === 'channel') {
        const named = String((input as { channel?: unknown }).channel).slice(0, 20);
        throw new AppError('INVALID_INPUT', {
          detail: l10n(`没有“${named}”这个推荐渠道：可选短信（sms）、USSD（ussd）、网上/掌上营业厅（hall）、语音（ivr）、自助终端（kiosk）`, `No channel "${named}": a trigger offers by sms, or on ussd, hall, ivr or kiosk`),
          extra: { path: 'channel', channels: TRIGGER_CHANNELS },
        });
      }
      throw new AppError('INVALID_INPUT', { detail: l10n(`触发规则有误：${i.path.join('.')}（${i.message}）`, `Invalid trigger at ${i.path.join('.')}: ${i.message}`), extra: { path: i.path.join('.') } });
    }
    const offer = await this.deps.db.selectFrom('offer').select('status').where('id', '=', p.data.offerId).executeTakeFirst();
    if (!offer) throw new AppError('OFFER_NOT_FOUND');
    if (offer.status === 'ended') throw new AppError('OFFER_EXPIRED');
    return p.data;
  }

  private async get(q: Db, id: number, lock = false): Promise<TriggerRow> {
    let s = q.selectFrom('marketingTrigger').selectAll().where('id', '=', id);
    if (lock) s = s.forUpdate();
    const r = await s.executeTakeFirst();
    if (!r) throw new AppError('TRIGGER_NOT_FOUND');
    return r;
  }

  async create(actor: Actor, input: unknown): Promise<TriggerView> {
    requireRole(actor, ROLES);
    const t = await this.parse(input);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto('marketingTrigger').values({
        ...t, condition: JSON.stringify(t.condition), status: 'draft', createdBy: actor.id, submittedBy: null, reviewedBy: null, reviewReason: null, createdAt: at, updatedAt: at,
      }).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'trigger.create', entityType: 'trigger', entityId: String(row.id), after: triggerView(row) }, at);
      return triggerView(row);
    });
  }

  /** Edits a draft (or a rejected trigger, which becomes a draft again). */
  async update(actor: Actor, id: number, input: unknown): Promise<TriggerView> {
    requireRole(actor, ROLES);
    const t = await this.parse(input);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.get(tx, id, true);
      if (before.status !== 'draft' && before.status !== 'rejected') throw new AppError('NOT_EDITABLE');
      const row = await tx.updateTable('marketingTrigger').set({ ...t, condition: JSON.stringify(t.condition), status: 'draft', reviewReason: null, updatedAt: at })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'trigger.update', entityType: 'trigger', entityId: String(id), before: triggerView(before), after: triggerView(row) }, at);
      return triggerView(row);
    });
  }

  private async step(actor: Actor, id: number, action: string, from: readonly TriggerStatus[], set: Partial<Pick<TriggerRow, 'status' | 'submittedBy' | 'reviewedBy' | 'reviewReason'>>, check?: (r: TriggerRow) => void, reason?: string): Promise<TriggerView> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    const view = await this.deps.db.transaction().execute(async (tx) => {
      const before = await this.get(tx, id, true);
      if (!from.includes(before.status)) throw new AppError(before.status !== 'pending' && action.startsWith('trigger.review') ? 'REVIEW_NOT_PENDING' : 'INVALID_TRANSITION');
      check?.(before);
      const row = await tx.updateTable('marketingTrigger').set({ ...set, updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action, entityType: 'trigger', entityId: String(id), before: { status: before.status }, after: { status: row.status }, ...(reason ? { reason } : {}) }, at);
      return triggerView(row);
    });
    this.onChange();
    return view;
  }

  /** Sends a draft for review. */
  submit(actor: Actor, id: number): Promise<TriggerView> {
    return this.step(actor, id, 'trigger.submit', ['draft'], { status: 'pending', submittedBy: actor.id });
  }

  /** A second person (not whoever created or submitted it) approves it live, or rejects it with a reason. */
  async review(actor: Actor, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<TriggerView> {
    if (!decision.approve && !decision.reason.trim()) throw new AppError('INVALID_INPUT', { detail: l10n('驳回需要说明原因', 'A rejection needs a reason') });
    return this.step(actor, id, decision.approve ? 'trigger.review.approve' : 'trigger.review.reject', ['pending'],
      decision.approve ? { status: 'active', reviewedBy: actor.id } : { status: 'rejected', reviewedBy: actor.id, reviewReason: decision.reason },
      (r) => { if (r.createdBy === actor.id || r.submittedBy === actor.id) throw new AppError('SELF_REVIEW'); },
      decision.approve ? undefined : decision.reason);
  }

  pause(actor: Actor, id: number): Promise<TriggerView> {
    return this.step(actor, id, 'trigger.pause', ['active'], { status: 'paused' });
  }

  resume(actor: Actor, id: number): Promise<TriggerView> {
    return this.step(actor, id, 'trigger.resume', ['paused'], { status: 'active' });
  }

  end(actor: Actor, id: number): Promise<TriggerView> {
    return this.step(actor, id, 'trigger.end', ['draft', 'pending', 'active', 'paused', 'rejected'], { status: 'ended' });
  }

  async view(id: number): Promise<TriggerView> {
    return triggerView(await this.get(this.deps.db, id));
  }

  async list(opts: { status?: TriggerStatus } = {}): Promise<TriggerView[]> {
    let q = this.deps.db.selectFrom('marketingTrigger').selectAll().orderBy('id', 'desc').limit(1000);
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.execute()).map(triggerView);
  }

  /** Live triggers, for the engine. */
  async live(q: Db = this.deps.db): Promise<TriggerView[]> {
    return (await q.selectFrom('marketingTrigger').selectAll().where('status', '=', 'active').orderBy('id').execute()).map(triggerView);
  }

  /** What one trigger did, newest first: each event it met and the outcome (the console's look). */
  async fires(id: number, opts: { limit?: number } = {}) {
    const rows = await this.deps.db.selectFrom('marketingTriggerFire').selectAll().where('triggerId', '=', id).orderBy('id', 'desc').limit(Math.min(opts.limit ?? 100, 1000)).execute();
    return rows.map((r) => ({
      id: Number(r.id), subscriberId: r.subscriberId, eventId: r.eventId, outcome: r.outcome, rule: r.rule, contactId: r.contactId === null ? null : Number(r.contactId),
      at: new Date(r.at).toISOString(), sentAt: r.sentAt ? new Date(r.sentAt).toISOString() : null,
      placedUntil: r.placedUntil ? new Date(r.placedUntil).toISOString() : null,
    }));
  }
}
