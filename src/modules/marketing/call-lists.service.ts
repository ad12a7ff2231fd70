// Outbound telemarketing (电话外呼营销): a call list for agents, built from a segment (frozen by a
// snapshot) for one offer, with a control group that is never called. A second person approves it
// before anyone is called (it makes staff call subscribers with an offer). Rows are handed to
// agents through the contact policy (channel `call`): an opted-out, do-not-disturb or capped row is
// suppressed with its rule, one in quiet hours or inside the least gap is held until its time. Each
// row is worked by its own agent with an outcome: not reached, reached and declined, or reached and
// accepted, when the subscriber's spoken yes takes the offer through its accept path (the caller
// runs the offer.accept business inside this service's transaction). The seeds' three rates
// (外呼三率) are counted from the rows, per list, per agent and per offer:
//   contact success  接触成功率  reached / called
//   sales success    营销成功率  accepted / reached
//   handling success 办理成功率  accepted / called  (= contact × sales)
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import { maskMsisdn } from '../../platform/msisdn.ts';
import { startOfDay } from '../../platform/cycle.ts';
import { localDay } from '../../platform/dates.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import type { SegmentService } from './segments.service.ts';
import type { OfferService } from './offers.service.ts';
import type { ContactPolicy } from './contact-policy.ts';
import { inHoldout, uplift, type Uplift } from './holdout.ts';
import type { CallListRow, CallListStatus, CallOutcome, CallRow, CallRowStatus } from './call-lists.tables.ts';

const ROLES = ['marketing'] as const;
const AGENT_ROLES = ['agent'] as const;
/** Most subscribers one list may hold. */
export const MAX_CALL_LIST = 50_000;
/** Most rows handed out in one assignment (each passes the contact policy). */
export const MAX_ASSIGN = 2_000;
/** After this many unanswered calls a row is done, not reached. */
export const MAX_ATTEMPTS = 3;
const BATCH = 1_000;

export const callListInputSchema = z.object({
  nameZh: z.string().trim().min(1).max(40),
  nameEn: z.string().trim().min(1).max(60),
  offerId: z.number().int().positive(),
  segmentId: z.number().int().positive(),
  /** The control group's share in percent: 10 holds out one in ten. */
  holdoutPct: z.number().int().min(0).max(50).default(10),
}).strict();

export type CallListInput = z.input<typeof callListInputSchema>;

export interface Rates {
  called: number;
  reached: number;
  accepted: number;
  /** reached / called */
  contactRate: number;
  /** accepted / reached */
  salesRate: number;
  /** accepted / called (= contactRate × salesRate) */
  handlingRate: number;
}

export interface CallListView {
  id: number;
  names: L10n;
  offerId: number;
  sourceSegmentId: number;
  segmentId: number;
  holdoutPct: number;
  size: number;
  holdoutSize: number;
  status: CallListStatus;
  createdBy: number;
  reviewedBy: number | null;
  reviewReason: string | null;
  createdAt: string;
  activatedAt: string | null;
  closedAt: string | null;
  /** Rows by status, and suppressed rows by the rule that stopped them. */
  counts: Record<CallRowStatus, number>;
  suppressed: Record<string, number>;
  rates: Rates;
}

export interface CallRowView {
  id: number;
  callListId: number;
  subscriberId: number;
  msisdn: string;
  holdout: boolean;
  status: CallRowStatus;
  agentId: number | null;
  assignedAt: string | null;
  rule: string | null;
  notBefore: string | null;
  attempts: number;
  outcome: CallOutcome | null;
  reached: boolean;
  subscriptionId: number | null;
  priceFen: number | null;
  note: string | null;
  workedAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const ratio = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

export function rates(called: number, reached: number, accepted: number): Rates {
  return { called, reached, accepted, contactRate: ratio(reached, called), salesRate: ratio(accepted, reached), handlingRate: ratio(accepted, called) };
}

/**
 * A row as staff see it. The number in full only for the agent who is to dial it (`full`); to
 * anyone else (marketing reading a list's rows) masked, `138****0001`.
 */
export function callRowView(r: CallRow, full = false): CallRowView {
  return {
    id: r.id, callListId: r.callListId, subscriberId: r.subscriberId, msisdn: full ? r.msisdn : maskMsisdn(r.msisdn), holdout: r.holdout, status: r.status, agentId: r.agentId,
    assignedAt: iso(r.assignedAt), rule: r.rule, notBefore: iso(r.notBefore), attempts: r.attempts, outcome: r.outcome, reached: r.reached,
    subscriptionId: r.subscriptionId, priceFen: r.priceFen, note: r.note, workedAt: iso(r.workedAt),
  };
}

/** A row in an agent's own calls, with its list's names and offer. */
export type AgentCallView = CallRowView & { list: { id: number; names: L10n; offerId: number } };

const agentCallView = (r: CallRow & { nameZh: string; nameEn: string; offerId: number }): AgentCallView =>
  ({ ...callRowView(r, true), list: { id: r.callListId, names: l10n(r.nameZh, r.nameEn), offerId: r.offerId } });

/** A page of rows: 200 unless asked, at most 1,000. */
const pageSize = (limit: number | undefined) => Math.min(Math.max(1, Math.trunc(limit ?? 200)), 1000);

/** The seed of a list's control group: the same list always holds out the same subscribers. */
export const callListSeed = (id: number) => `call-list:${id}`;

/** What the accept path gives back when the subscriber's yes has been charged (or replayed). */
export interface AcceptResult {
  replayed: boolean;
  result: unknown;
  subscriptionId: number | null;
  priceFen: number;
}

export interface WorkInput {
  outcome: CallOutcome;
  note?: string | null;
  /** For `accepted`: the accept's Idempotency-Key. */
  idempotencyKey?: string | null;
}

/** Which rows' rates: one list, or every list; grouped by list, agent or offer. */
type RatesBy = 'list' | 'agent' | 'offer';

export class CallListService {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog; segments: SegmentService; offers: OfferService; contacts: ContactPolicy }) {}

  private async get(q: Db, id: number, lock = false): Promise<CallListRow> {
    let s = q.selectFrom('callList').selectAll().where('id', '=', id);
    if (lock) s = s.forUpdate();
    const r = await s.executeTakeFirst();
    if (!r) throw new AppError('CALL_LIST_NOT_FOUND');
    return r;
  }

  /**
   * A pending list from a segment and an offer: the segment is frozen (a static snapshot), its
   * members become rows, the control group among them marked by the list's seeded hash. Nobody is
   * called until a second person approves it.
   */
  async create(actor: Actor, input: unknown): Promise<CallListView> {
    requireRole(actor, ROLES);
    const p = callListInputSchema.safeParse(input);
    if (!p.success) {
      const i = p.error.issues[0]!;
      throw new AppError('INVALID_INPUT', { detail: l10n(`外呼名单有误：${i.path.join('.')}（${i.message}）`, `Invalid call list at ${i.path.join('.')}: ${i.message}`), extra: { path: i.path.join('.') } });
    }
    const c = p.data;
    const offer = await this.deps.offers.view(c.offerId);
    if (offer.status !== 'active' && offer.status !== 'paused') {
      throw new AppError('INVALID_INPUT', { detail: l10n('只能为已审核通过的优惠建外呼名单', 'A call list is for an approved offer'), extra: { path: 'offerId' } });
    }
    if (offer.channels.length && !offer.channels.includes('agent')) {
      throw new AppError('INVALID_INPUT', { detail: l10n('该优惠未开放坐席（agent）渠道，坐席无法为客户办理', 'This offer is not on the agent channel, so agents could not take it for anyone'), extra: { path: 'offerId' } });
    }
    const source = await this.deps.segments.get(c.segmentId);
    if (source.size > MAX_CALL_LIST) throw new AppError('INVALID_INPUT', { detail: l10n(`外呼名单最多${MAX_CALL_LIST}人`, `A call list holds at most ${MAX_CALL_LIST} subscribers`), extra: { path: 'segmentId' } });
    const frozen = await this.deps.segments.snapshot(actor, c.segmentId, { nameZh: `${c.nameZh}（外呼名单）`, nameEn: `${c.nameEn} (call list)` });
    if (frozen.size > MAX_CALL_LIST) throw new AppError('INVALID_INPUT', { detail: l10n(`外呼名单最多${MAX_CALL_LIST}人`, `A call list holds at most ${MAX_CALL_LIST} subscribers`), extra: { path: 'segmentId' } });
    // Read outside the transaction: on embedded PGlite's one connection a read beside it would wait.
    const members: { subscriberId: number; msisdn: string }[] = [];
    for (let after = 0; ;) {
      const ids = await this.deps.segments.members(frozen.id, { afterId: after, limit: BATCH });
      if (ids.length === 0) break;
      const found = await this.deps.db.selectFrom('marketingFeature').select(['subscriberId', 'msisdn']).where('subscriberId', 'in', ids).orderBy('subscriberId').execute();
      members.push(...found);
      after = ids[ids.length - 1]!;
    }
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const list = await tx.insertInto('callList').values({
        nameZh: c.nameZh, nameEn: c.nameEn, offerId: c.offerId, sourceSegmentId: c.segmentId, segmentId: frozen.id, holdoutPct: c.holdoutPct,
        size: members.length, holdoutSize: 0, status: 'pending', createdBy: actor.id, reviewedBy: null, reviewReason: null,
        createdAt: at, activatedAt: null, closedAt: null, updatedAt: at,
      }).returningAll().executeTakeFirstOrThrow();
      const seed = callListSeed(list.id);
      let held = 0;
      for (let i = 0; i < members.length; i += BATCH) {
        const rows = members.slice(i, i + BATCH).map((m) => {
          const holdout = inHoldout(seed, m.subscriberId, c.holdoutPct);
          if (holdout) held++;
          return { callListId: list.id, subscriberId: m.subscriberId, msisdn: m.msisdn, holdout, status: (holdout ? 'holdout' : 'open') as CallRowStatus };
        });
        await tx.insertInto('callListRow').values(rows).execute();
      }
      const done = await tx.updateTable('callList').set({ holdoutSize: held }).where('id', '=', list.id).returningAll().executeTakeFirstOrThrow();
      const v = await this.view(done, tx);
      await this.deps.audit.record(tx, actor, { action: 'call-list.create', entityType: 'call-list', entityId: String(list.id), after: { ...v, counts: undefined, suppressed: undefined, rates: undefined } }, at);
      return v;
    });
  }

  /** A second person (not its creator) approves it, so agents may call, or rejects it with a reason. */
  async review(actor: Actor, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<CallListView> {
    requireRole(actor, ROLES);
    if (!decision.approve && !decision.reason.trim()) throw new AppError('INVALID_INPUT', { detail: l10n('驳回需要说明原因', 'A rejection needs a reason') });
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.get(tx, id, true);
      if (before.status !== 'pending') throw new AppError('REVIEW_NOT_PENDING');
      if (before.createdBy === actor.id) throw new AppError('SELF_REVIEW');
      const row = await tx.updateTable('callList').set(decision.approve
        ? { status: 'active', reviewedBy: actor.id, activatedAt: at, updatedAt: at }
        : { status: 'rejected', reviewedBy: actor.id, reviewReason: decision.reason, updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, {
        action: decision.approve ? 'call-list.review.approve' : 'call-list.review.reject', entityType: 'call-list', entityId: String(id),
        before: { status: before.status }, after: { status: row.status }, ...(decision.approve ? {} : { reason: decision.reason }),
      }, at);
      return this.view(row, tx);
    });
  }

  /** Ends the calling: rows not worked stay as they are; the uplift window closes now. */
  async close(actor: Actor, id: number): Promise<CallListView> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.get(tx, id, true);
      if (before.status !== 'active') throw new AppError('CALL_LIST_NOT_ACTIVE');
      const row = await tx.updateTable('callList').set({ status: 'closed', closedAt: at, updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'call-list.close', entityType: 'call-list', entityId: String(id), before: { status: before.status }, after: { status: row.status } }, at);
      return this.view(row, tx);
    });
  }

  /**
   * Hands up to `limit` open rows to these agents in turn (each already checked to be an active
   * agent by the caller). Each row passes the contact policy on `call` first: suppressed rows keep
   * their rule and go to nobody; held rows go to their agent with the time they may be called.
   */
  async assign(actor: Actor, id: number, agentIds: readonly number[], limit = MAX_ASSIGN): Promise<{ assigned: number; held: number; suppressed: number }> {
    requireRole(actor, ROLES);
    const agents = [...new Set(agentIds)];
    if (agents.length === 0) throw new AppError('INVALID_INPUT', { detail: l10n('请选择坐席', 'Choose the agents'), extra: { path: 'agentIds' } });
    const n = Math.min(Math.max(1, Math.trunc(limit)), MAX_ASSIGN);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const list = await this.get(tx, id);
      if (list.status !== 'active') throw new AppError('CALL_LIST_NOT_ACTIVE');
      // Two marketers assigning at once take different rows.
      const open = await tx.selectFrom('callListRow').select(['id', 'subscriberId']).where('callListId', '=', id).where('status', '=', 'open')
        .orderBy('id').limit(n).forUpdate().skipLocked().execute();
      const out = { assigned: 0, held: 0, suppressed: 0 };
      let turn = 0;
      for (const r of open) {
        const d = await this.deps.contacts.request(tx, { subscriberId: r.subscriberId, channel: 'call', kind: 'marketing', purpose: callListSeed(id) });
        if (d.outcome === 'suppress') {
          await tx.updateTable('callListRow').set({ status: 'suppressed', rule: d.rule }).where('id', '=', r.id).execute();
          out.suppressed++;
          continue;
        }
        const agentId = agents[turn++ % agents.length]!;
        await tx.updateTable('callListRow').set({
          status: 'assigned', agentId, assignedAt: at, rule: d.outcome === 'hold' ? d.rule : null, notBefore: d.outcome === 'hold' ? d.releaseAt : null,
        }).where('id', '=', r.id).execute();
        if (d.outcome === 'hold') out.held++; else out.assigned++;
      }
      await this.deps.audit.record(tx, actor, { action: 'call-list.assign', entityType: 'call-list', entityId: String(id), after: { agentIds: agents, ...out } }, at);
      return out;
    });
  }

  /** An agent's own rows with their list's names and offer (the number in full: they dial it). */
  private mine(actor: Actor) {
    return this.deps.db.selectFrom('callListRow').innerJoin('callList', 'callList.id', 'callListRow.callListId')
      .selectAll('callListRow').select(['callList.nameZh', 'callList.nameEn', 'callList.offerId'])
      .where('callListRow.agentId', '=', actor.id);
  }

  /**
   * An agent's own queue: the rows handed to them on live lists, not yet done, those the contact
   * policy holds last (by the time they may be called), a page at a time after `afterId` (the
   * last row of the page before).
   */
  async queue(actor: Actor, opts: { afterId?: number; limit?: number } = {}): Promise<AgentCallView[]> {
    requireRole(actor, AGENT_ROLES);
    const key = sql`coalesce(call_list_row.not_before, '-infinity'::timestamptz)`;
    let q = this.mine(actor).where('callListRow.status', '=', 'assigned').where('callList.status', '=', 'active');
    if (opts.afterId) q = q.where(sql<boolean>`(${key}, call_list_row.id) > (select coalesce(not_before, '-infinity'::timestamptz), id from call_list_row where id = ${opts.afterId})`);
    const rows = await q.orderBy(key).orderBy('callListRow.id').limit(pageSize(opts.limit)).execute();
    return rows.map(agentCallView);
  }

  /**
   * The rows an agent worked today (the operator's calendar day), the latest first, a page at a
   * time after `afterId`; a row not reached and to be tried again is also still in their queue.
   */
  async workedToday(actor: Actor, opts: { afterId?: number; limit?: number } = {}): Promise<AgentCallView[]> {
    requireRole(actor, AGENT_ROLES);
    let q = this.mine(actor).where('callListRow.workedAt', '>=', this.today());
    if (opts.afterId) q = q.where(sql<boolean>`(call_list_row.worked_at, call_list_row.id) < (select worked_at, id from call_list_row where id = ${opts.afterId})`);
    const rows = await q.orderBy('callListRow.workedAt', 'desc').orderBy('callListRow.id', 'desc').limit(pageSize(opts.limit)).execute();
    return rows.map(agentCallView);
  }

  /** How many rows an agent has to call (on live lists), and how many they worked today. */
  async agentCounts(actor: Actor): Promise<{ queue: number; today: number }> {
    requireRole(actor, AGENT_ROLES);
    const r = await this.deps.db.selectFrom('callListRow').innerJoin('callList', 'callList.id', 'callListRow.callListId')
      .select([
        sql<number>`count(*) filter (where call_list_row.status = 'assigned' and call_list.status = 'active')::int`.as('queue'),
        sql<number>`count(*) filter (where call_list_row.worked_at >= ${this.today()})::int`.as('today'),
      ])
      .where('callListRow.agentId', '=', actor.id).executeTakeFirstOrThrow();
    return { queue: Number(r.queue), today: Number(r.today) };
  }

  private today(): Date {
    return startOfDay(localDay(this.deps.clock.now()));
  }

  /**
   * One row, for its own agent (or marketing staff): the list's offer with it. The number is in
   * full only for its agent.
   */
  async row(actor: Actor, rowId: number): Promise<CallRowView & { offerId: number }> {
    const r = await this.deps.db.selectFrom('callListRow').innerJoin('callList', 'callList.id', 'callListRow.callListId')
      .selectAll('callListRow').select('callList.offerId').where('callListRow.id', '=', rowId).executeTakeFirst();
    if (!r) throw new AppError('CALL_ROW_NOT_FOUND');
    const own = r.agentId === actor.id;
    if (!own && !actor.roles.some((x) => x === 'admin' || x === 'marketing')) throw new AppError('CALL_ROW_NOT_YOURS');
    return { ...callRowView(r, own), offerId: r.offerId };
  }

  /**
   * The agent records a call's outcome on a row of their own. `accepted` runs `accept` (the
   * offer.accept business for the row's subscriber, confirmed by their spoken yes) inside this
   * transaction, so the row is accepted exactly when the offer was charged; the same
   * Idempotency-Key again replays the first answer and changes nothing.
   */
  async work(actor: Actor, rowId: number, input: WorkInput, accept?: (tx: Db) => Promise<AcceptResult>): Promise<{ row: CallRowView; accept: AcceptResult | null }> {
    requireRole(actor, AGENT_ROLES);
    if (input.outcome === 'accepted' && (!accept || !input.idempotencyKey)) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.selectFrom('callListRow').selectAll().where('id', '=', rowId).forUpdate().executeTakeFirst();
      if (!r) throw new AppError('CALL_ROW_NOT_FOUND');
      if (r.agentId !== actor.id) throw new AppError('CALL_ROW_NOT_YOURS');
      if (r.status === 'done') {
        // The same accept again (a retry after a lost answer): the first answer, nothing changed.
        if (input.outcome === 'accepted' && r.outcome === 'accepted' && r.idempotencyKey === input.idempotencyKey) {
          return { row: callRowView(r, true), accept: { ...(await accept!(tx)), replayed: true } };
        }
        throw new AppError('CALL_ROW_DONE');
      }
      if (r.status !== 'assigned') throw new AppError('CALL_ROW_NOT_YOURS');
      const list = await this.get(tx, r.callListId);
      if (list.status !== 'active') throw new AppError('CALL_LIST_NOT_ACTIVE');
      if (r.notBefore && new Date(r.notBefore) > at) {
        throw new AppError('CALL_NOT_YET', { detail: l10n(`接触策略要求${new Date(r.notBefore).toISOString()}之后再拨`, `The contact policy says call after ${new Date(r.notBefore).toISOString()}`), extra: { notBefore: new Date(r.notBefore).toISOString(), rule: r.rule } });
      }
      const note = input.note?.trim() || null;
      let took: AcceptResult | null = null;
      let set: Partial<Pick<CallRow, 'status' | 'outcome' | 'reached' | 'subscriptionId' | 'priceFen' | 'idempotencyKey' | 'note' | 'workedAt' | 'attempts'>>;
      if (input.outcome === 'not_reached') {
        const attempts = r.attempts + 1;
        set = { outcome: 'not_reached', attempts, status: attempts >= MAX_ATTEMPTS ? 'done' : 'assigned', note, workedAt: at };
      } else {
        // A conversation is an impression of the offer on the agent channel.
        await tx.insertInto('offerImpression').values({ offerId: list.offerId, subscriberId: r.subscriberId, channel: 'agent', segmentId: 0, at }).execute();
        if (input.outcome === 'declined') {
          await tx.insertInto('offerResponse').values({ offerId: list.offerId, subscriberId: r.subscriberId, channel: 'agent', segmentId: 0, response: 'declined', at })
            .onConflict((oc) => oc.columns(['offerId', 'subscriberId']).doNothing()).execute();
          set = { outcome: 'declined', reached: true, attempts: r.attempts + 1, status: 'done', note, workedAt: at };
        } else {
          took = await accept!(tx);
          set = { outcome: 'accepted', reached: true, attempts: r.attempts + 1, status: 'done', subscriptionId: took.subscriptionId, priceFen: took.priceFen, idempotencyKey: input.idempotencyKey!, note, workedAt: at };
        }
      }
      const row = await tx.updateTable('callListRow').set(set).where('id', '=', rowId).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'call-list.call', entityType: 'call-list-row', entityId: String(rowId), before: { status: r.status, outcome: r.outcome }, after: { status: row.status, outcome: row.outcome, callListId: r.callListId } }, at);
      return { row: callRowView(row, true), accept: took };
    });
  }

  async list(): Promise<CallListView[]> {
    const rows = await this.deps.db.selectFrom('callList').selectAll().orderBy('id', 'desc').limit(500).execute();
    return Promise.all(rows.map((r) => this.view(r)));
  }

  /** One list with its counts, three rates, the rates per agent, and the uplift against its holdout. */
  async detail(id: number): Promise<CallListView & { byAgent: (Rates & { agentId: number })[]; uplift: Uplift }> {
    const l = await this.get(this.deps.db, id);
    const [v, byAgent, up] = await Promise.all([this.view(l), this.rates('agent', id), this.uplift(l)]);
    return { ...v, byAgent: byAgent.map(({ key, ...r }) => ({ agentId: key, ...r })), uplift: up };
  }

  /** A list's rows (all, or one status), in id order, a page at a time; the numbers masked (marketing reads them, agents dial). */
  async rows(id: number, opts: { status?: CallRowStatus; afterId?: number; limit?: number } = {}): Promise<CallRowView[]> {
    await this.get(this.deps.db, id);
    let q = this.deps.db.selectFrom('callListRow').selectAll().where('callListId', '=', id).where('id', '>', opts.afterId ?? 0);
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.orderBy('id').limit(pageSize(opts.limit)).execute()).map((r) => callRowView(r));
  }

  /**
   * The three rates, grouped by list, agent or offer, over every list or one. Holdout rows are
   * never called, so they are in none of these.
   */
  async rates(by: RatesBy, callListId?: number): Promise<(Rates & { key: number })[]> {
    const key = by === 'list' ? sql<number>`call_list_row.call_list_id` : by === 'agent' ? sql<number>`call_list_row.agent_id` : sql<number>`call_list.offer_id`;
    let q = this.deps.db.selectFrom('callListRow').innerJoin('callList', 'callList.id', 'callListRow.callListId')
      .select([
        key.as('key'),
        sql<number>`count(*) filter (where call_list_row.attempts > 0)::int`.as('called'),
        sql<number>`count(*) filter (where call_list_row.reached)::int`.as('reached'),
        sql<number>`count(*) filter (where call_list_row.outcome = 'accepted')::int`.as('accepted'),
      ])
      .where('callListRow.holdout', '=', false).where('callListRow.agentId', 'is not', null)
      .groupBy(key).orderBy(key);
    if (callListId !== undefined) q = q.where('callListRow.callListId', '=', callListId);
    return (await q.execute()).map((r) => ({ key: Number(r.key), ...rates(Number(r.called), Number(r.reached), Number(r.accepted)) }));
  }

  /**
   * Conversion of the called group (every row not held out, called or not: what calling the list
   * did) against its holdout: a subscriber converted when they took the list's offer, on any
   * channel, from the list's approval to its close.
   */
  async uplift(l: CallListRow, q: Db = this.deps.db): Promise<Uplift> {
    if (!l.activatedAt) return uplift({ size: l.size - l.holdoutSize, converted: 0 }, { size: l.holdoutSize, converted: 0 });
    const to = l.closedAt ?? new Date('9999-12-31T00:00:00Z');
    const groups = await q.selectFrom('callListRow as r')
      .leftJoin('offerResponse as o', (j) => j.onRef('o.subscriberId', '=', 'r.subscriberId').on('o.offerId', '=', l.offerId).on('o.response', '=', 'accepted')
        .on('o.at', '>=', new Date(l.activatedAt!)).on('o.at', '<', new Date(to)))
      .select(['r.holdout', sql<number>`count(*)::int`.as('size'), sql<number>`count(o.subscriber_id)::int`.as('converted')])
      .where('r.callListId', '=', l.id).groupBy('r.holdout').execute();
    const g = (h: boolean) => groups.find((x) => x.holdout === h);
    return uplift({ size: Number(g(false)?.size ?? 0), converted: Number(g(false)?.converted ?? 0) }, { size: Number(g(true)?.size ?? 0), converted: Number(g(true)?.converted ?? 0) });
  }

  private async view(l: CallListRow, q: Db = this.deps.db): Promise<CallListView> {
    const [byStatus, byRule, r] = await Promise.all([
      q.selectFrom('callListRow').select(['status', sql<number>`count(*)::int`.as('n')]).where('callListId', '=', l.id).groupBy('status').execute(),
      q.selectFrom('callListRow').select(['rule', sql<number>`count(*)::int`.as('n')]).where('callListId', '=', l.id).where('status', '=', 'suppressed').groupBy('rule').execute(),
      q.selectFrom('callListRow').select([
        sql<number>`count(*) filter (where attempts > 0)::int`.as('called'),
        sql<number>`count(*) filter (where reached)::int`.as('reached'),
        sql<number>`count(*) filter (where outcome = 'accepted')::int`.as('accepted'),
      ]).where('callListId', '=', l.id).where('holdout', '=', false).executeTakeFirstOrThrow(),
    ]);
    const counts: Record<CallRowStatus, number> = { holdout: 0, open: 0, assigned: 0, suppressed: 0, done: 0 };
    for (const s of byStatus) counts[s.status] = Number(s.n);
    return {
      id: l.id, names: l10n(l.nameZh, l.nameEn), offerId: l.offerId, sourceSegmentId: l.sourceSegmentId, segmentId: l.segmentId, holdoutPct: l.holdoutPct,
      size: l.size, holdoutSize: l.holdoutSize, status: l.status, createdBy: l.createdBy, reviewedBy: l.reviewedBy, reviewReason: l.reviewReason,
      createdAt: new Date(l.createdAt).toISOString(), activatedAt: iso(l.activatedAt), closedAt: iso(l.closedAt),
      counts, suppressed: Object.fromEntries(byRule.map((x) => [x.rule ?? '', Number(x.n)])),
      rates: rates(Number(r.called), Number(r.reached), Number(r.accepted)),
    };
  }
}
