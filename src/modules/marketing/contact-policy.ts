// The contact policy (接触策略), one place for every outbound contact on every channel: opt-outs
// (by channel and global), the do-not-disturb list, caps per subscriber per channel and in total
// per calendar day, week and month in the operator's zone, a least gap between marketing
// contacts, and quiet hours, when marketing is held until the window opens (never dropped).
// Service messages (a bill, a sign-in code) pass every rule; they are recorded all the same.
// Each request is decided under a per-subscriber lock, so two nodes asking at once stay within
// the caps; every decision is a row in `contact` with the rule that held or stopped it.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { localTime, zonedInstant } from '../../platform/dates.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { contactPolicySchema, DEFAULT_CONTACT_POLICY, OUTBOUND_CHANNELS, type ContactPolicyRules, type ContactRule, type OutboundChannel } from './contact-rules.ts';

export interface ContactRequest {
  subscriberId: number;
  channel: OutboundChannel;
  kind: 'marketing' | 'service';
  /** What it is for: `offer:12`, `campaign:3`, `bill`, `otp`. */
  purpose: string;
}

export type ContactDecision =
  | { outcome: 'send'; contactId: number }
  | { outcome: 'hold'; contactId: number; rule: 'QUIET_HOURS' | 'MIN_GAP'; releaseAt: Date }
  | { outcome: 'suppress'; contactId: number; rule: ContactRule };

/** A held contact that may go now. */
export interface Released {
  contactId: number;
  subscriberId: number;
  channel: OutboundChannel;
  purpose: string;
  newContactId: number;
}

export interface ReleaseOptions {
  /** Only contacts whose purpose starts so (`trigger:`): each sender releases its own. */
  purposePrefix?: string;
  /** Sends it in the release's transaction (an outbox row), so a release is sent once or not at all. */
  send?: (tx: Db, released: Released) => Promise<void>;
}

export interface PolicyVersion {
  id: number;
  policy: ContactPolicyRules;
  status: 'pending' | 'active' | 'superseded' | 'rejected';
  proposedBy: number;
  proposedAt: string;
  reviewedBy: number | null;
  reviewedAt: string | null;
  reason: string | null;
}

const MINUTE = 60_000;

/** How long a node keeps the active policy before reading it again. */
const POLICY_TTL_MS = 5_000;
const REVIEW_ROLES = ['marketing'] as const;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** When quiet hours that hold `at` end, or null when `at` is outside them. */
export function quietUntil(rules: ContactPolicyRules, at: Date): Date | null {
  const q = rules.quietHours;
  if (!q) return null;
  const l = localTime(at);
  const now = l.hour * 60 + l.minute;
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  // The next time the wall clock shows `end`: today, or tomorrow when that has passed.
  let t = new Date(zonedInstant(l.year, l.month, l.day).getTime() + end * MINUTE);
  if (t <= at) t = new Date(zonedInstant(l.year, l.month, l.day + 1).getTime() + end * MINUTE);
  return t;
}

/** Counts of a subscriber's marketing contacts sent in the windows that hold `at`, and the latest. */
interface ContactCounts { totalDay: unknown; totalWeek: unknown; totalMonth: unknown; channelDay: unknown; channelWeek: unknown; channelMonth: unknown; lastAt: Date | string | null }

/** The caps, quiet hours and least gap over a subscriber's counts: null when it may go now. */
function capsVerdict(rules: ContactPolicyRules, channel: OutboundChannel, at: Date, c: ContactCounts): { rule: ContactRule; releaseAt?: Date } | null {
  const ch = rules.channels[channel];
  const n = (v: unknown) => Number(v ?? 0);
  if (n(c.totalDay) >= rules.total.day) return { rule: 'CAP_TOTAL_DAY' };
  if (n(c.totalWeek) >= rules.total.week) return { rule: 'CAP_TOTAL_WEEK' };
  if (n(c.totalMonth) >= rules.total.month) return { rule: 'CAP_TOTAL_MONTH' };
  if (n(c.channelDay) >= ch.day) return { rule: 'CAP_CHANNEL_DAY' };
  if (n(c.channelWeek) >= ch.week) return { rule: 'CAP_CHANNEL_WEEK' };
  if (n(c.channelMonth) >= ch.month) return { rule: 'CAP_CHANNEL_MONTH' };
  const quiet = quietUntil(rules, at);
  if (quiet) return { rule: 'QUIET_HOURS', releaseAt: quiet };
  if (c.lastAt) {
    const next = new Date(new Date(c.lastAt).getTime() + rules.minGapMinutes * MINUTE);
    if (next > at) return { rule: 'MIN_GAP', releaseAt: next };
  }
  return null;
}

/** The starts of the calendar day, week (from Monday) and month holding `at`, in the operator's zone. */
export function windowsOf(at: Date): { day: Date; week: Date; month: Date } {
  const l = localTime(at);
  const day = zonedInstant(l.year, l.month, l.day);
  const weekday = (new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay() + 6) % 7; // Monday 0
  return { day, week: zonedInstant(l.year, l.month, l.day - weekday), month: zonedInstant(l.year, l.month, 1) };
}

function policyView(r: { id: number; policy: unknown; status: PolicyVersion['status']; proposedBy: number; proposedAt: Date; reviewedBy: number | null; reviewedAt: Date | null; reason: string | null }): PolicyVersion {
  return {
    id: r.id, policy: r.policy as ContactPolicyRules, status: r.status, proposedBy: r.proposedBy, proposedAt: new Date(r.proposedAt).toISOString(),
    reviewedBy: r.reviewedBy, reviewedAt: r.reviewedAt ? new Date(r.reviewedAt).toISOString() : null, reason: r.reason,
  };
}

export class ContactPolicy {
  private cached: { rules: ContactPolicyRules; until: number } | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog }) {}

  /** The policy in force: the approved version, or the default until one is approved. */
  async rules(q: Db = this.deps.db): Promise<ContactPolicyRules> {
    const now = this.deps.clock.now().getTime();
    if (!q.isTransaction && this.cached && this.cached.until > now) return this.cached.rules;
    const r = await q.selectFrom('contactPolicyVersion').select('policy').where('status', '=', 'active').executeTakeFirst();
    const rules = (r?.policy as ContactPolicyRules | undefined) ?? DEFAULT_CONTACT_POLICY;
    this.cached = { rules, until: now + POLICY_TTL_MS };
    return rules;
  }

  /**
   * Asks to contact a subscriber: decides under the subscriber's lock and records the decision.
   * The caller sends only on `send`, in the same transaction when it passes one (an outbox row).
   */
  async request(q: Db, req: ContactRequest): Promise<ContactDecision> {
    if (!q.isTransaction) return q.transaction().execute((tx) => this.request(tx, req));
    if (!(OUTBOUND_CHANNELS as readonly string[]).includes(req.channel)) throw new AppError('INVALID_INPUT', { detail: l10n(`没有外呼渠道“${req.channel}”`, `No outbound channel "${req.channel}"`) });
    const at = this.deps.clock.now();
    await sql`select pg_advisory_xact_lock(hashtext('omnihall.contact'), ${req.subscriberId}::int)`.execute(q);
    const verdict = req.kind === 'service' ? null : await this.judge(q, req, at);
    const status = verdict === null ? 'sent' : verdict.releaseAt ? 'held' : 'suppressed';
    const row = await q.insertInto('contact').values({
      subscriberId: req.subscriberId, channel: req.channel, kind: req.kind, purpose: req.purpose, status,
      rule: verdict?.rule ?? null, releaseAt: verdict?.releaseAt ?? null, at,
    }).returning('id').executeTakeFirstOrThrow();
    const contactId = Number(row.id);
    if (verdict === null) return { outcome: 'send', contactId };
    if (verdict.releaseAt) return { outcome: 'hold', contactId, rule: verdict.rule as 'QUIET_HOURS' | 'MIN_GAP', releaseAt: verdict.releaseAt };
    return { outcome: 'suppress', contactId, rule: verdict.rule };
  }

  /** Null when a marketing contact may go now; otherwise the rule that stops or holds it. */
  private async judge(q: Db, req: ContactRequest, at: Date): Promise<{ rule: ContactRule; releaseAt?: Date } | null> {
    const rules = await this.rules(q);
    const [optOuts, dnd] = await Promise.all([
      q.selectFrom('contactOptOut').select('channel').where('subscriberId', '=', req.subscriberId).where('channel', 'in', ['all', req.channel]).execute(),
      q.selectFrom('contactDnd').select('subscriberId').where('subscriberId', '=', req.subscriberId).executeTakeFirst(),
    ]);
    if (optOuts.some((o) => o.channel === 'all')) return { rule: 'OPT_OUT' };
    if (optOuts.length) return { rule: 'OPT_OUT_CHANNEL' };
    if (dnd) return { rule: 'DO_NOT_DISTURB' };
    const w = windowsOf(at);
    const gapFrom = new Date(at.getTime() - rules.minGapMinutes * MINUTE);
    const from = new Date(Math.min(w.month.getTime(), w.week.getTime(), gapFrom.getTime()));
    const c = await q.selectFrom('contact')
      .select([
        sql<number>`count(*) filter (where at >= ${w.day})::int`.as('totalDay'),
        sql<number>`count(*) filter (where at >= ${w.week})::int`.as('totalWeek'),
        sql<number>`count(*) filter (where at >= ${w.month})::int`.as('totalMonth'),
        sql<number>`count(*) filter (where channel = ${req.channel} and at >= ${w.day})::int`.as('channelDay'),
        sql<number>`count(*) filter (where channel = ${req.channel} and at >= ${w.week})::int`.as('channelWeek'),
        sql<number>`count(*) filter (where channel = ${req.channel} and at >= ${w.month})::int`.as('channelMonth'),
        sql<Date | null>`max(at)`.as('lastAt'),
      ])
      .where('subscriberId', '=', req.subscriberId).where('kind', '=', 'marketing').where('status', '=', 'sent').where('at', '>=', from)
      .executeTakeFirstOrThrow();
    return capsVerdict(rules, req.channel, at, c);
  }

  /**
   * Many requests at once (a broadcast's batch), decided as `request` decides each: the same
   * per-subscriber locks (taken in subscriber order, so two batches never wait on each other in a
   * circle), the same rules, one row each in `contact`; but a handful of statements for the batch
   * instead of a handful per subscriber. Decisions come back in the order asked.
   */
  async requestMany(q: Db, reqs: readonly ContactRequest[]): Promise<ContactDecision[]> {
    if (!q.isTransaction) return q.transaction().execute((tx) => this.requestMany(tx, reqs));
    if (reqs.length === 0) return [];
    const ids = reqs.map((r) => r.subscriberId);
    // One subscriber twice in a batch: the second must see the first's decision, so one by one.
    if (new Set(ids).size !== ids.length) {
      const out: ContactDecision[] = [];
      for (const r of reqs) out.push(await this.request(q, r));
      return out;
    }
    for (const r of reqs) if (!(OUTBOUND_CHANNELS as readonly string[]).includes(r.channel)) throw new AppError('INVALID_INPUT', { detail: l10n(`没有外呼渠道“${r.channel}”`, `No outbound channel "${r.channel}"`) });
    const at = this.deps.clock.now();
    const sorted = [...ids].sort((a, b) => a - b);
    await sql`select pg_advisory_xact_lock(hashtext('omnihall.contact'), s.id::int) from (select id from unnest(${sorted}::int[]) as id order by id) s`.execute(q);
    const rules = await this.rules(q);
    const marketing = reqs.filter((r) => r.kind === 'marketing').map((r) => r.subscriberId);
    const w = windowsOf(at);
    const gapFrom = new Date(at.getTime() - rules.minGapMinutes * MINUTE);
    const from = new Date(Math.min(w.month.getTime(), w.week.getTime(), gapFrom.getTime()));
    const [optOuts, dnd, counts] = marketing.length === 0 ? [[], [], []] : await Promise.all([
      q.selectFrom('contactOptOut').select(['subscriberId', 'channel']).where('subscriberId', 'in', marketing).execute(),
      q.selectFrom('contactDnd').select('subscriberId').where('subscriberId', 'in', marketing).execute(),
      q.selectFrom('contact')
        .select([
          'subscriberId', 'channel',
          sql<number>`count(*) filter (where at >= ${w.day})::int`.as('day'),
          sql<number>`count(*) filter (where at >= ${w.week})::int`.as('week'),
          sql<number>`count(*) filter (where at >= ${w.month})::int`.as('month'),
          sql<Date | null>`max(at)`.as('lastAt'),
        ])
        .where('subscriberId', 'in', marketing).where('kind', '=', 'marketing').where('status', '=', 'sent').where('at', '>=', from)
        .groupBy(['subscriberId', 'channel']).execute(),
    ]);
    const verdicts = reqs.map((req) => {
      if (req.kind === 'service') return null;
      const outs = optOuts.filter((o) => o.subscriberId === req.subscriberId && (o.channel === 'all' || o.channel === req.channel));
      if (outs.some((o) => o.channel === 'all')) return { rule: 'OPT_OUT' as const };
      if (outs.length) return { rule: 'OPT_OUT_CHANNEL' as const };
      if (dnd.some((d) => d.subscriberId === req.subscriberId)) return { rule: 'DO_NOT_DISTURB' as const };
      const mine = counts.filter((c) => c.subscriberId === req.subscriberId);
      const sum = (k: 'day' | 'week' | 'month', only?: string) => mine.filter((c) => only === undefined || c.channel === only).reduce((a, c) => a + Number(c[k] ?? 0), 0);
      const last = mine.reduce<Date | null>((a, c) => (c.lastAt && (!a || new Date(c.lastAt) > a) ? new Date(c.lastAt) : a), null);
      return capsVerdict(rules, req.channel, at, {
        totalDay: sum('day'), totalWeek: sum('week'), totalMonth: sum('month'),
        channelDay: sum('day', req.channel), channelWeek: sum('week', req.channel), channelMonth: sum('month', req.channel), lastAt: last,
      });
    });
    const rows = await q.insertInto('contact').values(reqs.map((req, i) => {
      const v = verdicts[i]!;
      return { subscriberId: req.subscriberId, channel: req.channel, kind: req.kind, purpose: req.purpose, status: v === null ? 'sent' as const : v.releaseAt ? 'held' as const : 'suppressed' as const, rule: v?.rule ?? null, releaseAt: v?.releaseAt ?? null, at };
    })).returning(['id', 'subscriberId']).execute();
    const contactOf = new Map(rows.map((r) => [r.subscriberId, Number(r.id)]));
    return reqs.map((req, i): ContactDecision => {
      const contactId = contactOf.get(req.subscriberId)!;
      const v = verdicts[i]!;
      if (v === null) return { outcome: 'send', contactId };
      if (v.releaseAt) return { outcome: 'hold', contactId, rule: v.rule as 'QUIET_HOURS' | 'MIN_GAP', releaseAt: v.releaseAt };
      return { outcome: 'suppress', contactId, rule: v.rule };
    });
  }

  /**
   * Held contacts whose time has come, decided again now (caps may have filled meanwhile):
   * those that may go are marked `released` and returned for sending; the others are held again
   * or suppressed, with their rule. Each is taken by one node (skip locked).
   */
  async releaseDue(limit = 500, opts: ReleaseOptions = {}): Promise<Released[]> {
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      let pick = tx.selectFrom('contact').select(['id', 'subscriberId', 'channel', 'kind', 'purpose'])
        .where('status', '=', 'held').where('releaseAt', '<=', at);
      if (opts.purposePrefix) pick = pick.where('purpose', 'like', `${opts.purposePrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const due = await pick.orderBy('releaseAt').limit(limit).forUpdate().skipLocked().execute();
      const out = [];
      for (const h of due) {
        const d = await this.request(tx, { subscriberId: h.subscriberId, channel: h.channel as OutboundChannel, kind: h.kind, purpose: h.purpose });
        await tx.updateTable('contact').set({ status: 'released' }).where('id', '=', h.id).execute();
        if (d.outcome !== 'send') continue;
        const r = { contactId: Number(h.id), subscriberId: h.subscriberId, channel: h.channel as OutboundChannel, purpose: h.purpose, newContactId: d.contactId };
        await opts.send?.(tx, r);
        out.push(r);
      }
      return out;
    });
  }

  // ---- the subscriber's word and the do-not-disturb list ----

  /** No more marketing on this channel, or on any (`all`): TD by SMS, a setting in the hall, an agent recording it. */
  async optOut(subscriberId: number, channel: OutboundChannel | 'all', source: 'sms' | 'hall' | 'agent' | 'ivr', q: Db = this.deps.db): Promise<void> {
    await q.insertInto('contactOptOut').values({ subscriberId, channel, source, at: this.deps.clock.now() })
      .onConflict((oc) => oc.columns(['subscriberId', 'channel']).doNothing()).execute();
  }

  /** An agent recording a subscriber's opt-out they were told of (audited as a staff action). */
  async optOutRecorded(actor: Actor, subscriberId: number, channel: OutboundChannel | 'all'): Promise<void> {
    requireRole(actor, ['marketing', 'agent']);
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      await this.optOut(subscriberId, channel, 'agent', tx);
      await this.deps.audit.record(tx, actor, { action: 'contact.opt-out', entityType: 'subscriber', entityId: String(subscriberId), after: { channel } }, at);
    });
  }

  async optIn(subscriberId: number, channel: OutboundChannel | 'all', q: Db = this.deps.db): Promise<void> {
    await q.deleteFrom('contactOptOut').where('subscriberId', '=', subscriberId).where('channel', '=', channel).execute();
  }

  async optOuts(subscriberId: number): Promise<{ channel: string; source: string; at: string }[]> {
    const rows = await this.deps.db.selectFrom('contactOptOut').select(['channel', 'source', 'at']).where('subscriberId', '=', subscriberId).orderBy('channel').execute();
    return rows.map((r) => ({ channel: r.channel, source: r.source, at: new Date(r.at).toISOString() }));
  }

  async addToDnd(actor: Actor, subscriberId: number, reason: string): Promise<void> {
    requireRole(actor, ['marketing', 'agent']);
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.insertInto('contactDnd').values({ subscriberId, reason, addedBy: actor.id, at }).onConflict((oc) => oc.column('subscriberId').doUpdateSet({ reason, addedBy: actor.id, at })).execute();
      await this.deps.audit.record(tx, actor, { action: 'contact.dnd.add', entityType: 'subscriber', entityId: String(subscriberId), reason }, at);
    });
  }

  async removeFromDnd(actor: Actor, subscriberId: number, reason: string): Promise<void> {
    requireRole(actor, ['marketing']);
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('contactDnd').where('subscriberId', '=', subscriberId).execute();
      await this.deps.audit.record(tx, actor, { action: 'contact.dnd.remove', entityType: 'subscriber', entityId: String(subscriberId), reason }, at);
    });
  }

  // ---- changing the policy: proposed by one person, approved by another ----

  async propose(actor: Actor, input: unknown): Promise<PolicyVersion> {
    requireRole(actor, REVIEW_ROLES);
    const parsed = contactPolicySchema.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new AppError('INVALID_INPUT', { detail: l10n(`接触策略有误：${i.path.join('.')}（${i.message}）`, `Invalid contact policy at ${i.path.join('.')}: ${i.message}`), extra: { path: i.path.join('.') } });
    }
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const pending = await tx.selectFrom('contactPolicyVersion').select('id').where('status', '=', 'pending').executeTakeFirst();
      if (pending) throw new AppError('REVIEW_PENDING');
      const row = await tx.insertInto('contactPolicyVersion').values({ policy: JSON.stringify(parsed.data), status: 'pending', proposedBy: actor.id, proposedAt: at })
        .returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'contact-policy.propose', entityType: 'contact-policy', entityId: String(row.id), before: await this.rules(tx), after: parsed.data }, at);
      return policyView(row);
    });
  }

  /** A second person approves (it is in force at once on every node within seconds) or rejects with a reason. */
  async review(actor: Actor, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<PolicyVersion> {
    requireRole(actor, REVIEW_ROLES);
    const at = this.deps.clock.now();
    const done = await this.deps.db.transaction().execute(async (tx) => {
      const v = await tx.selectFrom('contactPolicyVersion').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!v) throw new AppError('NOT_FOUND');
      if (v.status !== 'pending') throw new AppError('REVIEW_NOT_PENDING');
      if (v.proposedBy === actor.id) throw new AppError('SELF_REVIEW');
      if (decision.approve) await tx.updateTable('contactPolicyVersion').set({ status: 'superseded' }).where('status', '=', 'active').execute();
      const row = await tx.updateTable('contactPolicyVersion')
        .set({ status: decision.approve ? 'active' : 'rejected', reviewedBy: actor.id, reviewedAt: at, reason: decision.approve ? null : decision.reason })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: decision.approve ? 'contact-policy.approve' : 'contact-policy.reject', entityType: 'contact-policy', entityId: String(id), ...(decision.approve ? {} : { reason: decision.reason }) }, at);
      return policyView(row);
    });
    this.cached = undefined;
    return done;
  }

  async versions(): Promise<PolicyVersion[]> {
    return (await this.deps.db.selectFrom('contactPolicyVersion').selectAll().orderBy('id', 'desc').limit(50).execute()).map(policyView);
  }

  /**
   * Where one subscriber stands with the policy now, for an agent on the phone with them: their
   * opt-outs by channel, the do-not-disturb entry, the marketing contacts sent this Beijing day,
   * week and month (in total and per channel) beside the caps, and the latest contacts the
   * policy stopped or held, each with its rule.
   */
  async state(subscriberId: number, opts: { suppressedLimit?: number } = {}) {
    const at = this.deps.clock.now();
    const w = windowsOf(at);
    const [rules, optOuts, dnd, counts, stopped] = await Promise.all([
      this.rules(),
      this.optOuts(subscriberId),
      this.deps.db.selectFrom('contactDnd').select(['reason', 'addedBy', 'at']).where('subscriberId', '=', subscriberId).executeTakeFirst(),
      this.deps.db.selectFrom('contact')
        .select([
          'channel',
          sql<number>`count(*) filter (where at >= ${w.day})::int`.as('day'),
          sql<number>`count(*) filter (where at >= ${w.week})::int`.as('week'),
          sql<number>`count(*) filter (where at >= ${w.month})::int`.as('month'),
        ])
        .where('subscriberId', '=', subscriberId).where('kind', '=', 'marketing').where('status', '=', 'sent')
        .where('at', '>=', new Date(Math.min(w.week.getTime(), w.month.getTime())))
        .groupBy('channel').execute(),
      this.decisions({ subscriberId, status: 'suppressed', limit: opts.suppressedLimit ?? 20 }),
    ]);
    const zero = () => ({ day: 0, week: 0, month: 0 });
    const channels = Object.fromEntries(OUTBOUND_CHANNELS.map((c) => [c, zero()])) as Record<OutboundChannel, { day: number; week: number; month: number }>;
    for (const r of counts) {
      const c = channels[r.channel as OutboundChannel];
      if (c) Object.assign(c, { day: Number(r.day), week: Number(r.week), month: Number(r.month) });
    }
    const total = zero();
    for (const c of Object.values(channels)) { total.day += c.day; total.week += c.week; total.month += c.month; }
    return {
      optOuts,
      dnd: dnd ? { reason: dnd.reason, addedBy: dnd.addedBy, at: new Date(dnd.at).toISOString() } : null,
      used: { total, channels },
      caps: { total: rules.total, channels: rules.channels },
      suppressed: stopped,
    };
  }

  /** What the policy held or stopped, newest first (the console's look at one subscriber, or at all). */
  async decisions(opts: { subscriberId?: number; status?: 'held' | 'suppressed'; limit?: number } = {}) {
    let q = this.deps.db.selectFrom('contact').selectAll().orderBy('id', 'desc').limit(Math.min(opts.limit ?? 100, 1000));
    if (opts.subscriberId) q = q.where('subscriberId', '=', opts.subscriberId);
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.execute()).map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString(), releaseAt: r.releaseAt ? new Date(r.releaseAt).toISOString() : null }));
  }
}


