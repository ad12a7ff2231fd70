// SMS broadcasts (群发短信): a template sent to a segment's members, with an optional offer whose
// name, price and end fill the template's variables, from a start time at a rate no faster than
// the SMS centre's agreed rate. Lifecycle: draft → submitted → approved (by a second person; a
// template with an unknown variable or a sensitive word is refused here, not at send time) →
// running ⇄ paused → done, or cancelled at any point before it is done; a rejected one is edited
// back into a draft. Every step is audited. The sending itself is broadcast-runner.ts.
// TMF681 communication messages are broadcasts of kind `message`, created running.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, money, type L10n } from '../../platform/i18n.ts';
import { dateText } from '../../platform/dates.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import type { SegmentService } from './segments.service.ts';
import type { OfferService, OfferView } from './offers.service.ts';
import type { ContactPolicy } from './contact-policy.ts';
import { findSensitiveWords, type SensitiveHit } from '../../platform/sensitive-words.ts';
import { measureSms, OFFER_VARIABLES, renderTemplate, SAMPLE_VALUES, templateVariables, unknownVariables, type SmsMeasure, type TemplateValues } from './templates.ts';
import type { BroadcastRow, BroadcastStatus, RecipientState } from './broadcast.tables.ts';

const ROLES = ['marketing'] as const;

/** Where a broadcast's texts go: resolves with the SMS centre's id for each part once it has taken one. */
export interface BroadcastSender {
  send(msisdn: string, text: string): Promise<string[]>;
  /** False while the link is down (nothing is taken from the queue then). */
  ready(): boolean;
}

/** Who the recipients are, from the subscriber module. */
export interface RecipientDirectory {
  contactDetails(ids: readonly number[]): Promise<{ subscriberId: number; msisdn: string; name: string; language: 'zh-CN' | 'en' }[]>;
}

export interface BroadcastDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  segments: SegmentService;
  offers: OfferService;
  contacts: ContactPolicy;
  sender: BroadcastSender;
  directory: RecipientDirectory;
  /** The most messages a second a broadcast may ask for: the rate agreed with the SMS centre. */
  maxRate: number;
}

const template = z.string().trim().min(1).max(1000);

export const broadcastInputSchema = z.object({
  nameZh: z.string().trim().min(1).max(40),
  nameEn: z.string().trim().min(1).max(80),
  segmentId: z.number().int().positive(),
  offerId: z.number().int().positive().nullable().default(null),
  templateZh: template,
  templateEn: template.nullable().default(null),
  startsAt: z.coerce.date(),
  /** Messages per second. */
  rate: z.number().int().min(1).max(100_000),
}).strict();

export type BroadcastInput = z.input<typeof broadcastInputSchema>;

export interface TemplateCheck {
  unknownVariables: string[];
  sensitiveWords: SensitiveHit[];
  /** The template with sample values, and what it costs as an SMS. */
  sample: string;
  measure: SmsMeasure;
}

export interface BroadcastProgress {
  recipients: number;
  queued: number;
  held: number;
  sending: number;
  sent: number;
  delivered: number;
  /** Receipts that say it did not reach the handset (UNDELIV, EXPIRED, REJECTD, ...). */
  undelivered: number;
  failed: number;
  cancelled: number;
  suppressed: number;
  /** Suppressed and held, by the contact policy's rule. */
  suppressedBy: Record<string, number>;
  heldBy: Record<string, number>;
}

export interface BroadcastView {
  id: number;
  kind: 'campaign' | 'message';
  names: L10n;
  segmentId: number | null;
  offerId: number | null;
  template: { 'zh-CN': string; en: string | null };
  priority: 'marketing' | 'service';
  startsAt: string;
  rate: number;
  status: BroadcastStatus;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  progress: BroadcastProgress;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function emptyProgress(): BroadcastProgress {
  return { recipients: 0, queued: 0, held: 0, sending: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0, cancelled: 0, suppressed: 0, suppressedBy: {}, heldBy: {} };
}

/** The values of one recipient's variables. `{expires}` is the offer's last day: its end is the instant after it. */
export function valuesFor(lang: 'zh-CN' | 'en', name: string, offer: OfferView | null): TemplateValues {
  if (!offer) return { name };
  return { name, offer: offer.names[lang], price: money(offer.priceFen)[lang], expires: dateText(new Date(new Date(offer.endsAt).getTime() - 1))[lang] };
}

/** A template checked as approval checks it, with a sample rendering and its length and parts. */
export function checkTemplate(text: string, offer: OfferView | null, lang: 'zh-CN' | 'en' = 'zh-CN'): TemplateCheck {
  const values = offer ? valuesFor(lang, SAMPLE_VALUES[lang].name, offer) : SAMPLE_VALUES[lang];
  const sample = renderTemplate(text, values);
  return { unknownVariables: unknownVariables(text), sensitiveWords: findSensitiveWords(text), sample, measure: measureSms(sample) };
}

export class BroadcastService {
  constructor(private readonly deps: BroadcastDeps) {}

  get maxRate(): number {
    return this.deps.maxRate;
  }

  private parse(input: unknown) {
    const p = broadcastInputSchema.safeParse(input);
    if (!p.success) {
      const i = p.error.issues[0]!;
      throw new AppError('INVALID_INPUT', { detail: l10n(`群发信息有误：${i.path.join('.')}（${i.message}）`, `Invalid broadcast at ${i.path.join('.')}: ${i.message}`), extra: { path: i.path.join('.') } });
    }
    if (p.data.rate > this.deps.maxRate) throw new AppError('BROADCAST_RATE_TOO_HIGH', { extra: { maxRate: this.deps.maxRate } });
    return p.data;
  }

  private async checkRefs(o: { segmentId: number; offerId: number | null }): Promise<void> {
    await this.deps.segments.get(o.segmentId);
    if (o.offerId !== null) await this.deps.offers.view(o.offerId);
  }

  private async row(q: Db, id: number, lock = false): Promise<BroadcastRow> {
    let s = q.selectFrom('broadcast').selectAll().where('id', '=', id).where('deletedAt', 'is', null);
    if (lock) s = s.forUpdate();
    const r = await s.executeTakeFirst();
    if (!r) throw new AppError('BROADCAST_NOT_FOUND');
    return r;
  }

  /** A template as it would be approved: sample text, encoding, length and parts, unknown variables, sensitive words. */
  async preview(input: { template: string; offerId?: number | null; lang?: 'zh-CN' | 'en' }): Promise<TemplateCheck & { offerNeeded: boolean }> {
    const offer = input.offerId ? await this.deps.offers.view(input.offerId) : null;
    const offerNeeded = !offer && templateVariables(input.template).some((v) => (OFFER_VARIABLES as readonly string[]).includes(v));
    return { ...checkTemplate(input.template, offer, input.lang ?? 'zh-CN'), offerNeeded };
  }

  /**
   * The text one subscriber would get, as the runner renders it: the English template for a
   * subscriber who chose English (when there is one), their name, the offer in their language.
   */
  async previewFor(input: { templateZh: string; templateEn?: string | null; offerId?: number | null; subscriberId: number }): Promise<{ name: string; language: 'zh-CN' | 'en'; text: string; measure: SmsMeasure }> {
    const [c] = await this.deps.directory.contactDetails([input.subscriberId]);
    if (!c) throw new AppError('NOT_A_SUBSCRIBER');
    const offer = input.offerId ? await this.deps.offers.view(input.offerId) : null;
    const tpl = c.language === 'en' && input.templateEn ? input.templateEn : input.templateZh;
    const text = renderTemplate(tpl, valuesFor(c.language, c.name, offer));
    return { name: c.name, language: c.language, text, measure: measureSms(text) };
  }

  async create(actor: Actor, input: unknown): Promise<BroadcastView> {
    requireRole(actor, ROLES);
    const o = this.parse(input);
    await this.checkRefs(o);
    const at = this.deps.clock.now();
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.insertInto('broadcast').values({
        kind: 'campaign', nameZh: o.nameZh, nameEn: o.nameEn, segmentId: o.segmentId, offerId: o.offerId, templateZh: o.templateZh, templateEn: o.templateEn,
        priority: 'marketing', startsAt: o.startsAt, rate: o.rate, status: 'draft', createdBy: actor.id, submittedBy: null, reviewedBy: null, reviewReason: null,
        idempotencyKey: null, nextSlotAt: null, startedAt: null, finishedAt: null, deletedAt: null, createdAt: at, updatedAt: at,
      }).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'broadcast.create', entityType: 'broadcast', entityId: String(r.id), after: o }, at);
      return r;
    });
    return this.viewOf(row);
  }

  /** Edits a draft (or a rejected broadcast, which becomes a draft again). */
  async update(actor: Actor, id: number, input: unknown): Promise<BroadcastView> {
    requireRole(actor, ROLES);
    const o = this.parse(input);
    await this.checkRefs(o);
    const at = this.deps.clock.now();
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const before = await this.row(tx, id, true);
      if (before.kind !== 'campaign' || (before.status !== 'draft' && before.status !== 'rejected')) throw new AppError('NOT_EDITABLE');
      const r = await tx.updateTable('broadcast').set({ ...o, status: 'draft', reviewReason: null, updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'broadcast.update', entityType: 'broadcast', entityId: String(id), before: { templateZh: before.templateZh, templateEn: before.templateEn, rate: before.rate, startsAt: before.startsAt }, after: o }, at);
      return r;
    });
    return this.viewOf(row);
  }

  private async step(actor: Actor, id: number, action: string, from: readonly BroadcastStatus[], set: (r: BroadcastRow) => Partial<Pick<BroadcastRow, 'status' | 'submittedBy' | 'reviewedBy' | 'reviewReason' | 'finishedAt'>>, check?: (r: BroadcastRow, tx: Db) => Promise<void> | void, reason?: string): Promise<BroadcastView> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const before = await this.row(tx, id, true);
      if (before.kind !== 'campaign') throw new AppError('INVALID_TRANSITION');
      if (!from.includes(before.status)) throw new AppError(action.startsWith('broadcast.review') ? 'REVIEW_NOT_PENDING' : 'INVALID_TRANSITION');
      await check?.(before, tx);
      const r = await tx.updateTable('broadcast').set({ ...set(before), updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action, entityType: 'broadcast', entityId: String(id), before: { status: before.status }, after: { status: r.status }, ...(reason ? { reason } : {}) }, at);
      return r;
    });
    return this.viewOf(row);
  }

  /**
   * Sends a draft for review by a second person. A segment with no members now is refused
   * (SEGMENT_EMPTY, at `segmentId`): a reviewer would approve a broadcast to nobody. A draft to
   * it may still be saved, for a segment that fills later (its members are counted live here).
   */
  submit(actor: Actor, id: number): Promise<BroadcastView> {
    return this.step(actor, id, 'broadcast.submit', ['draft'], () => ({ status: 'submitted', submittedBy: actor.id }), async (r, tx) => {
      if (r.segmentId !== null && (await this.deps.segments.members(r.segmentId, { limit: 1 }, tx)).length === 0) {
        throw new AppError('SEGMENT_EMPTY', { extra: { path: 'segmentId', segmentId: r.segmentId } });
      }
    });
  }

  /**
   * A second person (not whoever created or submitted it) approves it to start at its time, or
   * rejects it with a reason. Approval refuses a template with an unknown variable
   * (TEMPLATE_UNKNOWN_VARIABLE), with an offer's variable but no offer (TEMPLATE_NEEDS_OFFER) or
   * with a sensitive word (SENSITIVE_WORDS), each naming what it found.
   */
  async review(actor: Actor, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<BroadcastView> {
    if (!decision.approve && !decision.reason.trim()) throw new AppError('INVALID_INPUT', { detail: l10n('驳回需要说明原因', 'A rejection needs a reason') });
    return this.step(actor, id, decision.approve ? 'broadcast.review.approve' : 'broadcast.review.reject', ['submitted'],
      () => (decision.approve ? { status: 'approved', reviewedBy: actor.id } : { status: 'rejected', reviewedBy: actor.id, reviewReason: decision.reason }),
      async (r, tx) => {
        if (r.createdBy === actor.id || r.submittedBy === actor.id) throw new AppError('SELF_REVIEW');
        if (!decision.approve) return;
        const texts = [r.templateZh, ...(r.templateEn ? [r.templateEn] : [])];
        const unknown = [...new Set(texts.flatMap(unknownVariables))];
        if (unknown.length) {
          throw new AppError('TEMPLATE_UNKNOWN_VARIABLE', { detail: l10n(`短信模板含有未知变量：${unknown.map((v) => `{${v}}`).join('、')}`, `The template uses unknown variables: ${unknown.map((v) => `{${v}}`).join(', ')}`), extra: { variables: unknown } });
        }
        if (r.offerId === null && texts.some((t) => templateVariables(t).some((v) => (OFFER_VARIABLES as readonly string[]).includes(v)))) throw new AppError('TEMPLATE_NEEDS_OFFER');
        const hits = texts.flatMap((t) => findSensitiveWords(t));
        if (hits.length) {
          const words = [...new Set(hits.map((h) => h.word))];
          throw new AppError('SENSITIVE_WORDS', { detail: l10n(`内容含有敏感词：${words.join('、')}`, `The text contains sensitive words: ${words.join(', ')}`), extra: { words: hits } });
        }
        if (r.offerId !== null) {
          const offer = await this.deps.offers.view(r.offerId, tx);
          if (offer.status !== 'active') throw new AppError('OFFER_EXPIRED');
        }
      },
      decision.approve ? undefined : decision.reason);
  }

  /** Stops taking recipients from the queue; what was handed to the SMS centre still goes. */
  pause(actor: Actor, id: number): Promise<BroadcastView> {
    return this.step(actor, id, 'broadcast.pause', ['running'], () => ({ status: 'paused' }));
  }

  resume(actor: Actor, id: number): Promise<BroadcastView> {
    return this.step(actor, id, 'broadcast.resume', ['paused'], () => ({ status: 'running' }));
  }

  /** Ends it before it is done: nobody still waiting gets it (they are counted as cancelled). */
  async cancel(actor: Actor, id: number): Promise<BroadcastView> {
    const v = await this.step(actor, id, 'broadcast.cancel', ['draft', 'submitted', 'approved', 'rejected', 'running', 'paused'], () => ({ status: 'cancelled', finishedAt: this.deps.clock.now() }));
    await cancelWaiting(this.deps.db, id);
    return this.view(id);
  }

  async view(id: number): Promise<BroadcastView> {
    return this.viewOf(await this.row(this.deps.db, id));
  }

  async list(opts: { status?: BroadcastStatus; kind?: 'campaign' | 'message'; limit?: number; offset?: number } = {}): Promise<BroadcastView[]> {
    let q = this.deps.db.selectFrom('broadcast').selectAll().where('deletedAt', 'is', null).orderBy('id', 'desc').limit(Math.min(opts.limit ?? 100, 1000)).offset(opts.offset ?? 0);
    q = q.where('kind', '=', opts.kind ?? 'campaign');
    if (opts.status) q = q.where('status', '=', opts.status);
    const rows = await q.execute();
    const progress = await this.progressOf(rows.map((r) => r.id));
    return rows.map((r) => view(r, progress.get(r.id) ?? emptyProgress()));
  }

  async count(opts: { kind: 'campaign' | 'message' }): Promise<number> {
    const r = await this.deps.db.selectFrom('broadcast').select(sql<number>`count(*)::int`.as('n')).where('deletedAt', 'is', null).where('kind', '=', opts.kind).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Each recipient's state, for one broadcast (the console's look at who got what). */
  async recipients(id: number, opts: { state?: RecipientState; limit?: number; afterSubscriberId?: number } = {}) {
    await this.row(this.deps.db, id);
    let q = this.deps.db.selectFrom('broadcastRecipient').select(['subscriberId', 'msisdn', 'state', 'reason', 'messageId', 'sentAt', 'receiptState', 'receiptAt'])
      .where('broadcastId', '=', id).where('subscriberId', '>', opts.afterSubscriberId ?? 0).orderBy('subscriberId').limit(Math.min(opts.limit ?? 100, 1000));
    if (opts.state) q = q.where('state', '=', opts.state);
    return (await q.execute()).map((r) => ({ ...r, sentAt: iso(r.sentAt), receiptAt: iso(r.receiptAt) }));
  }

  // ---- TMF681 communication messages ----

  /**
   * A message to named subscribers, sent now (or at `startsAt`) through the same runner and
   * contact policy: marketing priority obeys every rule, service priority none. A repeated
   * idempotency key answers the first message, not a second one.
   */
  async createMessage(actor: Actor, input: { content: string; priority: 'marketing' | 'service'; receivers: { subscriberId: number; msisdn: string }[]; startsAt?: Date; idempotencyKey?: string }): Promise<BroadcastView> {
    requireRole(actor, ROLES);
    if (input.idempotencyKey) {
      const first = await this.deps.db.selectFrom('broadcast').selectAll().where('idempotencyKey', '=', input.idempotencyKey).executeTakeFirst();
      if (first) return this.viewOf(first);
    }
    if (input.priority === 'marketing') {
      const hits = findSensitiveWords(input.content);
      if (hits.length) throw new AppError('SENSITIVE_WORDS', { detail: l10n(`内容含有敏感词：${[...new Set(hits.map((h) => h.word))].join('、')}`, `The text contains sensitive words: ${[...new Set(hits.map((h) => h.word))].join(', ')}`), extra: { words: hits } });
    }
    const unknown = unknownVariables(input.content);
    if (unknown.length) throw new AppError('TEMPLATE_UNKNOWN_VARIABLE', { detail: l10n(`内容含有未知变量：${unknown.map((v) => `{${v}}`).join('、')}`, `The content uses unknown variables: ${unknown.map((v) => `{${v}}`).join(', ')}`), extra: { variables: unknown } });
    if (templateVariables(input.content).some((v) => (OFFER_VARIABLES as readonly string[]).includes(v))) throw new AppError('TEMPLATE_NEEDS_OFFER');
    const at = this.deps.clock.now();
    const startsAt = input.startsAt && input.startsAt > at ? input.startsAt : at;
    // {name} is filled in now, from the subscriber module (read before the transaction).
    const names = new Map((await this.deps.directory.contactDetails(input.receivers.map((x) => x.subscriberId))).map((c) => [c.subscriberId, c.name]));
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.insertInto('broadcast').values({
        kind: 'message', nameZh: 'TMF681 消息', nameEn: 'TMF681 message', segmentId: null, offerId: null, templateZh: input.content, templateEn: null,
        priority: input.priority, startsAt, rate: this.deps.maxRate, status: 'running', createdBy: actor.id, submittedBy: null, reviewedBy: null, reviewReason: null,
        idempotencyKey: input.idempotencyKey ?? null, nextSlotAt: null, startedAt: at, finishedAt: null, deletedAt: null, createdAt: at, updatedAt: at,
      }).onConflict((oc) => oc.column('idempotencyKey').doNothing()).returningAll().executeTakeFirst();
      // Two requests with one key at once: the second finds the first's row.
      if (!r) return null;
      const unique = [...new Map(input.receivers.map((x) => [x.subscriberId, x])).values()];
      if (unique.length) {
        await tx.insertInto('broadcastRecipient').values(unique.map((x) => ({ broadcastId: r.id, subscriberId: x.subscriberId, msisdn: x.msisdn, state: 'queued' as const, dueAt: startsAt, text: renderTemplate(input.content, { name: names.get(x.subscriberId) ?? '' }) })))
          .execute();
      }
      const done = await tx.updateTable('broadcast').set({ recipients: unique.length }).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'communication-message.create', entityType: 'broadcast', entityId: String(r.id), after: { priority: input.priority, receivers: unique.length } }, at);
      return done;
    });
    if (row) return this.viewOf(row);
    const first = await this.deps.db.selectFrom('broadcast').selectAll().where('idempotencyKey', '=', input.idempotencyKey!).executeTakeFirstOrThrow();
    return this.viewOf(first);
  }

  async message(id: number): Promise<BroadcastView> {
    const r = await this.row(this.deps.db, id);
    if (r.kind !== 'message') throw new AppError('NOT_FOUND');
    return this.viewOf(r);
  }

  /** Deletes a message: whatever had not gone yet does not go; it is no longer listed. */
  async deleteMessage(actor: Actor, id: number): Promise<void> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await this.row(tx, id, true);
      if (r.kind !== 'message') throw new AppError('NOT_FOUND');
      await tx.updateTable('broadcast').set({ deletedAt: at, updatedAt: at, ...(r.status === 'running' ? { status: 'cancelled' as const, finishedAt: at } : {}) }).where('id', '=', id).execute();
      await this.deps.audit.record(tx, actor, { action: 'communication-message.delete', entityType: 'broadcast', entityId: String(id), before: { status: r.status } }, at);
    });
    await cancelWaiting(this.deps.db, id);
  }

  /** Each recipient of a message with its state (TMF681 shows them on the receivers). */
  async messageRecipients(ids: readonly number[]): Promise<Map<number, { subscriberId: number; msisdn: string; state: RecipientState; reason: string | null; receiptState: string | null; sentAt: string | null }[]>> {
    const out = new Map<number, { subscriberId: number; msisdn: string; state: RecipientState; reason: string | null; receiptState: string | null; sentAt: string | null }[]>();
    if (ids.length === 0) return out;
    const rows = await this.deps.db.selectFrom('broadcastRecipient').select(['broadcastId', 'subscriberId', 'msisdn', 'state', 'reason', 'receiptState', 'sentAt'])
      .where('broadcastId', 'in', [...ids]).orderBy('broadcastId').orderBy('subscriberId').execute();
    for (const r of rows) {
      const list = out.get(r.broadcastId) ?? [];
      list.push({ subscriberId: r.subscriberId, msisdn: r.msisdn, state: r.state, reason: r.reason, receiptState: r.receiptState, sentAt: iso(r.sentAt) });
      out.set(r.broadcastId, list);
    }
    return out;
  }

  // ---- progress ----

  private async viewOf(r: BroadcastRow): Promise<BroadcastView> {
    return view(r, (await this.progressOf([r.id])).get(r.id) ?? emptyProgress());
  }

  /** Counts by state, by the policy's rule, and by delivery receipt, for each broadcast. */
  async progressOf(ids: readonly number[]): Promise<Map<number, BroadcastProgress>> {
    const out = new Map<number, BroadcastProgress>();
    if (ids.length === 0) return out;
    const rows = await this.deps.db.selectFrom('broadcastRecipient')
      .select(['broadcastId', 'state', 'reason', sql<string | null>`case when receipt_state is null then null when receipt_state = 'DELIVRD' then 'delivered' when receipt_state in ('ENROUTE', 'ACCEPTD') then null else 'undelivered' end`.as('receipt'), sql<number>`count(*)::int`.as('n')])
      .where('broadcastId', 'in', [...ids]).groupBy([sql`1`, sql`2`, sql`3`, sql`4`]).execute();
    for (const r of rows) {
      const p = out.get(r.broadcastId) ?? emptyProgress();
      const n = Number(r.n);
      p.recipients += n;
      p[r.state] += n;
      if (r.state === 'suppressed' && r.reason) p.suppressedBy[r.reason] = (p.suppressedBy[r.reason] ?? 0) + n;
      if (r.state === 'held' && r.reason) p.heldBy[r.reason] = (p.heldBy[r.reason] ?? 0) + n;
      if (r.receipt === 'delivered') p.delivered += n;
      if (r.receipt === 'undelivered') p.undelivered += n;
      out.set(r.broadcastId, p);
    }
    return out;
  }
}

/** Recipients still waiting (and sends no live node holds) of a stopped broadcast: they will not get it. */
export async function cancelWaiting(db: Db, id: number): Promise<void> {
  await db.updateTable('broadcastRecipient').set({ state: 'cancelled', reason: 'CANCELLED' })
    .where('broadcastId', '=', id)
    .where((eb) => eb.or([eb('state', 'in', ['queued', 'held']), eb.and([eb('state', '=', 'sending'), eb('claimedUntil', '<', sql<Date>`clock_timestamp()`)])]))
    .execute();
}

function view(r: BroadcastRow, progress: BroadcastProgress): BroadcastView {
  return {
    id: r.id, kind: r.kind, names: l10n(r.nameZh, r.nameEn), segmentId: r.segmentId, offerId: r.offerId,
    template: { 'zh-CN': r.templateZh, en: r.templateEn }, priority: r.priority, startsAt: new Date(r.startsAt).toISOString(), rate: r.rate, status: r.status,
    createdBy: r.createdBy, submittedBy: r.submittedBy, reviewedBy: r.reviewedBy, reviewReason: r.reviewReason,
    startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt), createdAt: new Date(r.createdAt).toISOString(),
    progress: { ...progress, recipients: Math.max(progress.recipients, Number(r.recipients)) },
  };
}
