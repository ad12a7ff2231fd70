// The catalogue's rules: every write to offerings and prices, their lifecycle (In study → In
// design → In test → Launched → Retired → Obsolete; Rejected from review), reviews by a second
// product manager, per-channel launch and withdrawal, test numbers, scheduled launch and
// retirement, and which registry businesses are withdrawn on which channel. The staff console
// and TMF620 are thin mappings over this service; every change is audited in its transaction.
import { withSavepoint, type Db } from '../../platform/db/index.ts';
import { requireRole, SYSTEM_ACTOR, type Actor, type AuditLog } from '../../platform/audit.ts';
import { startOfDay } from '../../platform/cycle.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import { normaliseMsisdn } from '../../platform/msisdn.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import type { CatalogueCache } from './catalogue-cache.ts';
import * as repo from './catalogue.repository.ts';
import { SALES_CHANNELS, type SalesChannel } from './offering.ts';
import type { Eligibility, LifecycleStatus, OfferingKind, OfferingTable } from './tables.ts';

/** Steps a product manager takes alone; the others need a second one's approval. */
const DIRECT_STEPS: Record<LifecycleStatus, readonly LifecycleStatus[]> = {
  'In study': ['In design', 'Obsolete'],
  'In design': ['In study', 'Obsolete'],
  'In test': ['In design'],
  Launched: ['Retired'],
  Retired: ['Obsolete'],
  Rejected: ['In design', 'Obsolete'],
  Obsolete: [],
};
const REVIEWED_STEPS: Partial<Record<LifecycleStatus, readonly LifecycleStatus[]>> = {
  'In design': ['In test'],
  'In test': ['Launched'],
  Retired: ['Launched'],
};
/** How long a pack charged once lasts when its product manager has not said. */
const DEFAULT_PACK_DAYS = 30;
/** Statuses whose content may still be edited: what subscribers may already buy is not changed in place. */
const EDITABLE: readonly LifecycleStatus[] = ['In study', 'In design', 'In test', 'Rejected'];

export interface OfferingInput {
  nameZh?: string;
  nameEn?: string;
  kind?: OfferingKind | null;
  code?: string | null;
  priceFen?: number | null;
  priceType?: 'recurring' | 'oneTime';
  descriptionZh?: string;
  descriptionEn?: string;
  dataMb?: number;
  voiceMin?: number;
  sms?: number;
  validityDays?: number | null;
  eligibility?: Eligibility;
  channels?: SalesChannel[];
  version?: string;
}

export type OfferingSummary = ReturnType<typeof summary>;
export type OfferingDetail = Awaited<ReturnType<CatalogueService['get']>>;
export type Review = ReturnType<typeof toReview>;

function summary(o: repo.OfferingRow, pendingReview: boolean) {
  return {
    id: o.id, code: o.code, kind: o.kind, nameZh: o.nameZh, nameEn: o.nameEn, priceId: o.priceId,
    priceFen: o.priceFen ?? null, priceType: o.priceType ?? null, lifecycleStatus: o.lifecycleStatus,
    channels: o.channels, revision: o.revision, version: o.version, createdAt: o.createdAt, lastUpdate: o.lastUpdate, pendingReview,
  };
}

function toReview(r: repo.ReviewRow) {
  return {
    id: r.id, offeringId: r.offeringId, offeringName: l10n(r.offeringNameZh, r.offeringNameEn), kind: r.kind, to: r.toStatus,
    channels: r.channels, launchOn: r.launchOn, reason: r.reason, status: r.status,
    requestedBy: { id: r.requestedById, name: r.requestedByName }, requestedAt: r.requestedAt,
    decidedBy: r.decidedById === null ? null : { id: r.decidedById, name: r.decidedByName ?? '' }, decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
  };
}

function invalid(zh: string, en: string): AppError {
  return new AppError('INVALID_INPUT', { detail: l10n(zh, en) });
}

/** The short code subscribers type: letters and digits, stored upper-case as they are matched. */
function normaliseCode(code: string | null | undefined): string | null | undefined {
  if (code === undefined || code === null) return code;
  const c = code.trim().toUpperCase();
  if (!/^[A-Z0-9]{1,16}$/.test(c)) throw invalid('产品编码只能是字母和数字，最多16位', 'A code is letters and digits, at most 16');
  return c;
}

function isComplete(o: repo.OfferingRow): boolean {
  return o.kind !== null && o.code !== null && o.priceId !== null && o.priceFen !== null && o.priceFen !== undefined;
}

/** `YYYY-MM-DD` of an instant in Beijing. */
function beijingDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export interface CatalogueDeps {
  db: Db;
  clock: Clock;
  random: Random;
  cache: CatalogueCache;
  audit: AuditLog;
}

export class CatalogueService {
  constructor(private readonly d: CatalogueDeps) {}

  // ---- reads --------------------------------------------------------------------------------

  async list(f: repo.OfferingFilter, page: repo.Page, sort?: { by: repo.OfferingSort; desc: boolean }) {
    const { rows, total } = await repo.listOfferings(this.d.db, f, page, sort);
    const pending = new Set((await repo.reviews(this.d.db, { status: 'pending', limit: 1000 })).map((r) => r.offeringId));
    return { items: rows.map((o) => summary(o, pending.has(o.id))), total };
  }

  /** Raw rows for TMF620's mapping. */
  listRows(f: repo.OfferingFilter, page: repo.Page) {
    return repo.listOfferings(this.d.db, f, page);
  }

  getRow(id: string) {
    return repo.getOffering(this.d.db, id);
  }

  async get(id: string) {
    const o = await repo.getOffering(this.d.db, id);
    if (!o) throw new AppError('OFFERING_NOT_FOUND');
    const [history, reviews] = await Promise.all([repo.eventsOf(this.d.db, id), repo.reviews(this.d.db, { offeringId: id })]);
    return {
      ...summary(o, reviews.some((r) => r.status === 'pending')),
      descriptionZh: o.descriptionZh, descriptionEn: o.descriptionEn, dataMb: o.dataMb, voiceMin: o.voiceMin, sms: o.sms,
      validityDays: o.validityDays, eligibility: o.eligibility ?? {}, testNumbers: o.testMsisdns, launchAt: o.launchAt, retireAt: o.retireAt,
      history: history.map((h) => ({ at: h.at, actorName: h.actorName, kind: h.kind, from: h.fromStatus, to: h.toStatus, detail: h.detail, reason: h.reason })),
      reviews: reviews.map(toReview),
    };
  }

  async reviews(f: { status?: 'pending' | 'approved' | 'rejected'; requestedById?: number }) {
    return (await repo.reviews(this.d.db, f)).map(toReview);
  }

  countByStatus() {
    return repo.countByStatus(this.d.db);
  }

  // ---- writes -------------------------------------------------------------------------------

  /**
   * Runs a change in one transaction with its audit entry, then forgets this node's catalogue
   * snapshot so the next request sees it (other nodes within the cache time).
   */
  private async change<T>(work: (q: Db, now: Date) => Promise<T>): Promise<T> {
    const now = this.d.clock.now();
    const out = await this.d.db.transaction().execute((trx) => work(trx, now));
    this.d.cache.invalidate();
    return out;
  }

  private async locked(q: Db, id: string): Promise<repo.OfferingRow> {
    const o = await repo.getOffering(q, id, { forUpdate: true });
    if (!o) throw new AppError('OFFERING_NOT_FOUND');
    return o;
  }

  private async emit(q: Db, now: Date, eventType: string, id: string): Promise<void> {
    const o = await repo.getOffering(q, id);
    await repo.insertCatalogueEvent(q, { at: now, eventType, resourceType: 'ProductOffering', resourceId: id, payload: JSON.stringify({ offering: o ?? { id } }) });
  }

  /** Sets the offering's own price (made on first use); a price another launched offering shares is not changed but replaced. */
  private async setPrice(q: Db, o: Pick<repo.OfferingRow, 'id' | 'nameZh' | 'nameEn' | 'priceId'>, fen: number | null, type: 'recurring' | 'oneTime' | undefined, now: Date): Promise<string | null> {
    if (fen === null) return o.priceId;
    const priceType = type ?? 'oneTime';
    if (o.priceId) {
      const users = await repo.offeringsUsingPrice(q, o.priceId);
      const sharedWithSold = users.some((u) => u.id !== o.id && (u.lifecycleStatus === 'Launched' || u.lifecycleStatus === 'In test'));
      if (!sharedWithSold) {
        await repo.updatePrice(q, o.priceId, { amountFen: fen, priceType, recurringPeriod: priceType === 'recurring' ? 'month' : null, lastUpdate: now });
        return o.priceId;
      }
    }
    const id = `PR-${this.d.random.uuid()}`;
    await repo.insertPrice(q, {
      id, nameZh: o.nameZh, nameEn: o.nameEn, priceType, recurringPeriod: priceType === 'recurring' ? 'month' : null,
      amountFen: fen, lifecycleStatus: 'In design', lastUpdate: now,
    });
    return id;
  }

  private async writing<T>(code: string | null | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (code && repo.isUniqueViolation(e)) throw invalid(`产品编码${code}已被使用`, `The code ${code} is already in use`);
      throw e;
    }
  }

  /**
   * A new offering, In design (or In study): only a Chinese name is needed to start. What it
   * leaves out gets a default it can change: a short code for SMS and USSD (`P` and five
   * letters or digits), and 30 days for a pack charged once.
   */
  async create(actor: Actor, input: OfferingInput & { nameZh: string; id?: string; lifecycleStatus?: 'In study' | 'In design'; priceId?: string }) {
    requireRole(actor, ['product']);
    const oneTimePack = input.kind !== undefined && input.kind !== null && input.kind !== 'plan' && (input.priceType ?? 'oneTime') === 'oneTime';
    input = {
      ...input,
      code: normaliseCode(input.code) ?? (await this.freeCode()),
      validityDays: input.validityDays !== undefined ? input.validityDays : oneTimePack ? DEFAULT_PACK_DAYS : null,
    };
    const id = input.id ?? this.d.random.uuid();
    await this.change(async (q, now) => {
      const base = { id, nameZh: input.nameZh, nameEn: input.nameEn ?? input.nameZh, priceId: input.priceId ?? null };
      const priceId = input.priceFen !== undefined && input.priceFen !== null ? await this.setPrice(q, base, input.priceFen, input.priceType, now) : base.priceId;
      await this.writing(input.code, () => repo.insertOffering(q, {
        ...base, priceId, kind: input.kind ?? null, code: input.code ?? null,
        descriptionZh: input.descriptionZh ?? '', descriptionEn: input.descriptionEn ?? '',
        dataMb: input.dataMb ?? 0, voiceMin: input.voiceMin ?? 0, sms: input.sms ?? 0, validityDays: input.validityDays ?? null,
        eligibility: JSON.stringify(input.eligibility ?? {}), channels: [...new Set(input.channels ?? [])],
        lifecycleStatus: input.lifecycleStatus ?? 'In design', testMsisdns: [], version: input.version ?? '1.0', createdAt: now, lastUpdate: now,
      }));
      await repo.insertEvent(q, { offeringId: id, at: now, actorId: actor.id, actorName: actor.name, kind: 'status', fromStatus: null, toStatus: input.lifecycleStatus ?? 'In design', detail: '{}', reason: '' });
      await this.d.audit.record(q, actor, { action: 'offering.create', entityType: 'offering', entityId: id, after: await repo.getOffering(q, id) }, now);
      await this.emit(q, now, 'ProductOfferingCreateEvent', id);
    });
    return this.get(id);
  }

  /** A short code no offering has yet. */
  private async freeCode(): Promise<string> {
    const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    for (;;) {
      const code = `P${Array.from({ length: 5 }, () => letters[this.d.random.int(0, letters.length)]).join('')}`;
      if ((await repo.listOfferings(this.d.db, { code: [code] }, { offset: 0, limit: 1 })).total === 0) return code;
    }
  }

  /**
   * Changes an offering's content. `revision` is the one the editor read (the ETag): if someone
   * saved in between, nothing changes and the answer is CONFLICT. Launched, retired and obsolete
   * offerings are not edited in place (NOT_EDITABLE): subscribers may already hold them.
   */
  async update(actor: Actor, id: string, revision: number | null, p: OfferingInput & { priceId?: string }) {
    requireRole(actor, ['product']);
    p = { ...p, code: normaliseCode(p.code) };
    await this.change(async (q, now) => {
      const cur = await this.locked(q, id);
      if (revision !== null && cur.revision !== revision) throw new AppError('CONFLICT', { extra: { revision: cur.revision } });
      if (!EDITABLE.includes(cur.lifecycleStatus)) throw new AppError('NOT_EDITABLE');
      if (p.kind !== undefined && cur.kind !== null && p.kind !== cur.kind && cur.lifecycleStatus === 'In test') {
        throw invalid('测试中的产品不能修改类别', 'The kind of an offering in test cannot change');
      }
      const set: Partial<Record<keyof OfferingTable, unknown>> = { lastUpdate: now };
      const fields = ['nameZh', 'nameEn', 'kind', 'code', 'descriptionZh', 'descriptionEn', 'dataMb', 'voiceMin', 'sms', 'validityDays', 'version'] as const;
      for (const k of fields) if (p[k] !== undefined) set[k] = p[k];
      if (p.eligibility !== undefined) set.eligibility = JSON.stringify(p.eligibility);
      if (p.channels !== undefined) set.channels = [...new Set(p.channels)];
      if (p.priceId !== undefined) set.priceId = p.priceId;
      if (p.priceFen !== undefined || p.priceType !== undefined) {
        set.priceId = await this.setPrice(q, { ...cur, priceId: (set.priceId as string | undefined) ?? cur.priceId }, p.priceFen ?? cur.priceFen ?? null, p.priceType ?? cur.priceType ?? undefined, now);
      }
      const ok = await this.writing(p.code, () => repo.updateOffering(q, id, cur.revision, set as never));
      if (!ok) throw new AppError('CONFLICT');
      await this.d.audit.record(q, actor, { action: 'offering.update', entityType: 'offering', entityId: id, before: cur, after: await repo.getOffering(q, id) }, now);
      await this.emit(q, now, 'ProductOfferingAttributeValueChangeEvent', id);
    });
    return this.get(id);
  }

  /** Asks a second product manager to approve a step to In test or to Launched (on these channels, from this day). */
  async submit(actor: Actor, id: string, r: { to: LifecycleStatus; channels?: string[]; launchOn?: string | null; reason?: string }): Promise<Review> {
    requireRole(actor, ['product']);
    const reviewId = await this.change(async (q, now) => {
      const cur = await this.locked(q, id);
      if (!(REVIEWED_STEPS[cur.lifecycleStatus] ?? []).includes(r.to)) {
        throw new AppError('INVALID_TRANSITION', { detail: l10n(`不能从“${cur.lifecycleStatus}”提交到“${r.to}”`, `Cannot go from ${cur.lifecycleStatus} to ${r.to}`) });
      }
      if (!isComplete(cur)) throw new AppError('INCOMPLETE');
      const channels = this.channelsOf(r.channels ?? cur.channels);
      if (r.to === 'Launched' && channels.length === 0) throw invalid('请选择要上线的渠道', 'Choose the channels to launch on');
      const launchOn = r.to === 'Launched' ? (r.launchOn ?? null) : null;
      if (launchOn && launchOn < beijingDay(now)) throw invalid('上线日期不能早于今天', 'The launch day cannot be in the past');
      const reviewId = await this.pending(q, () => repo.insertReview(q, {
        offeringId: id, kind: 'transition', toStatus: r.to, channels, launchOn, reason: r.reason ?? '', status: 'pending',
        requestedById: actor.id, requestedByName: actor.name, requestedAt: now,
      }));
      await this.d.audit.record(q, actor, { action: 'offering.submit', entityType: 'offering', entityId: id, after: { to: r.to, channels, launchOn }, reason: r.reason }, now);
      return reviewId;
    });
    return toReview((await repo.getReview(this.d.db, reviewId))!);
  }

  private async pending(q: Db, insert: () => Promise<number>): Promise<number> {
    try {
      // A savepoint: a second pending review is refused by its unique index without ending the transaction.
      return await withSavepoint(q, () => insert());
    } catch (e) {
      if (repo.isUniqueViolation(e)) throw new AppError('REVIEW_PENDING');
      throw e;
    }
  }

  private channelsOf(list: readonly string[]): SalesChannel[] {
    const bad = list.filter((c) => !(SALES_CHANNELS as readonly string[]).includes(c));
    if (bad.length) throw invalid(`没有这个渠道：${bad.join('、')}`, `Unknown channel: ${bad.join(', ')}`);
    return [...new Set(list)] as SalesChannel[];
  }

  /** A step that needs no review. */
  async transition(actor: Actor, id: string, to: LifecycleStatus, reason = '') {
    requireRole(actor, ['product']);
    await this.change(async (q, now) => {
      const cur = await this.locked(q, id);
      if (!DIRECT_STEPS[cur.lifecycleStatus].includes(to)) {
        const reviewed = (REVIEWED_STEPS[cur.lifecycleStatus] ?? []).includes(to);
        throw new AppError('INVALID_TRANSITION', {
          detail: reviewed
            ? l10n(`从“${cur.lifecycleStatus}”到“${to}”需要提交审核`, `${cur.lifecycleStatus} to ${to} needs a review: submit it`)
            : l10n(`不能从“${cur.lifecycleStatus}”变为“${to}”`, `Cannot go from ${cur.lifecycleStatus} to ${to}`),
        });
      }
      if ((await repo.reviews(q, { offeringId: id, status: 'pending' })).length) throw new AppError('REVIEW_PENDING');
      await this.setStatus(q, actor, cur, to, reason, now, to === 'In design' ? { launchAt: null } : to === 'Retired' ? { retireAt: now } : {});
      await this.d.audit.record(q, actor, { action: 'offering.transition', entityType: 'offering', entityId: id, before: { lifecycleStatus: cur.lifecycleStatus }, after: { lifecycleStatus: to }, reason }, now);
    });
    return this.get(id);
  }

  private async setStatus(q: Db, actor: Actor, cur: repo.OfferingRow, to: LifecycleStatus, reason: string, now: Date, extra: Partial<Record<keyof OfferingTable, unknown>> = {}): Promise<void> {
    await repo.updateOffering(q, cur.id, null, { lifecycleStatus: to, lastUpdate: now, ...extra } as never);
    if (cur.priceId && (to === 'Launched' || to === 'In test')) await repo.updatePrice(q, cur.priceId, { lifecycleStatus: 'Launched', lastUpdate: now });
    await repo.insertEvent(q, { offeringId: cur.id, at: now, actorId: actor.id || null, actorName: actor.name, kind: 'status', fromStatus: cur.lifecycleStatus, toStatus: to, detail: JSON.stringify(extra), reason });
    await this.emit(q, now, 'ProductOfferingStateChangeEvent', cur.id);
  }

  async approve(actor: Actor, reviewId: number, reason = ''): Promise<Review> {
    requireRole(actor, ['product']);
    await this.change(async (q, now) => {
      const r = await this.openReview(q, actor, reviewId);
      const cur = await this.locked(q, r.offeringId);
      if (r.kind === 'channel') {
        const channels = [...new Set([...cur.channels, ...r.channels])];
        await repo.updateOffering(q, cur.id, null, { channels, lastUpdate: now });
        await repo.insertEvent(q, { offeringId: cur.id, at: now, actorId: actor.id, actorName: actor.name, kind: 'channel', fromStatus: null, toStatus: null, detail: JSON.stringify({ launched: r.channels }), reason: reason || r.reason });
        await this.emit(q, now, 'ProductOfferingAttributeValueChangeEvent', cur.id);
      } else {
        const to = r.toStatus!;
        if (!(REVIEWED_STEPS[cur.lifecycleStatus] ?? []).includes(to)) throw new AppError('INVALID_TRANSITION');
        const launchAt = r.launchOn ? startOfDay(r.launchOn) : null;
        if (to === 'Launched' && launchAt && launchAt > now) {
          // Approved for a day to come: it stays in test (testers keep it) and is sold to all from 00:00 Beijing time.
          await repo.updateOffering(q, cur.id, null, { channels: r.channels, launchAt, lastUpdate: now });
          await repo.insertEvent(q, { offeringId: cur.id, at: now, actorId: actor.id, actorName: actor.name, kind: 'schedule', fromStatus: cur.lifecycleStatus, toStatus: 'Launched', detail: JSON.stringify({ launchAt }), reason: reason || r.reason });
          if (cur.lifecycleStatus !== 'In test') await this.setStatus(q, actor, cur, 'In test', reason || r.reason, now);
        } else {
          await this.setStatus(q, actor, cur, to, reason || r.reason, now, {
            channels: r.channels.length ? r.channels : cur.channels, ...(to === 'Launched' ? { launchAt: now, retireAt: null } : {}),
          });
        }
      }
      await repo.decideReview(q, r.id, { status: 'approved', decidedById: actor.id, decidedByName: actor.name, decidedAt: now, decisionReason: reason });
      await this.d.audit.record(q, actor, { action: 'review.approve', entityType: 'offering', entityId: r.offeringId, before: { lifecycleStatus: cur.lifecycleStatus, channels: cur.channels }, after: { review: r.id, to: r.toStatus, channels: r.channels, launchOn: r.launchOn }, reason }, now);
    });
    return toReview((await repo.getReview(this.d.db, reviewId))!);
  }

  async reject(actor: Actor, reviewId: number, reason: string): Promise<Review> {
    requireRole(actor, ['product']);
    if (!reason.trim()) throw invalid('请填写驳回原因', 'Give a reason for the rejection');
    await this.change(async (q, now) => {
      const r = await this.openReview(q, actor, reviewId);
      const cur = await this.locked(q, r.offeringId);
      // A step refused in review leaves the offering Rejected (to be reworked In design); a channel request changes nothing.
      if (r.kind === 'transition' && cur.lifecycleStatus !== 'Retired') await this.setStatus(q, actor, cur, 'Rejected', reason, now);
      await repo.decideReview(q, r.id, { status: 'rejected', decidedById: actor.id, decidedByName: actor.name, decidedAt: now, decisionReason: reason });
      await this.d.audit.record(q, actor, { action: 'review.reject', entityType: 'offering', entityId: r.offeringId, after: { review: r.id }, reason }, now);
    });
    return toReview((await repo.getReview(this.d.db, reviewId))!);
  }

  private async openReview(q: Db, actor: Actor, id: number): Promise<repo.ReviewRow> {
    const r = await repo.getReview(q, id, { forUpdate: true });
    if (!r) throw new AppError('NOT_FOUND');
    if (r.status !== 'pending') throw new AppError('REVIEW_NOT_PENDING');
    if (r.requestedById === actor.id) throw new AppError('SELF_REVIEW');
    return r;
  }

  /**
   * Withdraws an offering from a channel at once (taking something off sale needs nobody's
   * approval), or asks for it to be launched there: reviewed when it is already on sale.
   */
  async setChannel(actor: Actor, id: string, channel: string, launched: boolean, reason = ''): Promise<{ offering: OfferingDetail } | { review: Review }> {
    requireRole(actor, ['product']);
    const [ch] = this.channelsOf([channel]);
    const out = await this.change(async (q, now) => {
      const cur = await this.locked(q, id);
      const onSale = cur.lifecycleStatus === 'Launched' || cur.lifecycleStatus === 'In test';
      if (launched && cur.channels.includes(ch!)) return { done: true as const };
      if (launched && onSale) {
        const reviewId = await this.pending(q, () => repo.insertReview(q, {
          offeringId: id, kind: 'channel', toStatus: null, channels: [ch!], launchOn: null, reason, status: 'pending',
          requestedById: actor.id, requestedByName: actor.name, requestedAt: now,
        }));
        await this.d.audit.record(q, actor, { action: 'offering.channel.request', entityType: 'offering', entityId: id, after: { channel: ch }, reason }, now);
        return { reviewId };
      }
      const channels = launched ? [...cur.channels, ch!] : cur.channels.filter((c) => c !== ch);
      await repo.updateOffering(q, id, null, { channels, lastUpdate: now });
      await repo.insertEvent(q, { offeringId: id, at: now, actorId: actor.id, actorName: actor.name, kind: 'channel', fromStatus: null, toStatus: null, detail: JSON.stringify(launched ? { launched: [ch] } : { withdrawn: [ch] }), reason });
      await this.d.audit.record(q, actor, { action: launched ? 'offering.channel.launch' : 'offering.channel.withdraw', entityType: 'offering', entityId: id, before: { channels: cur.channels }, after: { channels }, reason }, now);
      await this.emit(q, now, 'ProductOfferingAttributeValueChangeEvent', id);
      return { done: true as const };
    });
    if ('reviewId' in out && out.reviewId !== undefined) return { review: toReview((await repo.getReview(this.d.db, out.reviewId))!) };
    return { offering: await this.get(id) };
  }

  /** The numbers that may order it while it is In test. */
  async setTestNumbers(actor: Actor, id: string, numbers: string[]) {
    requireRole(actor, ['product']);
    const msisdns: string[] = [];
    for (const n of numbers) {
      const m = normaliseMsisdn(n);
      if (!m) throw invalid(`号码有误：${n}`, `Not a mobile number: ${n}`);
      if (!msisdns.includes(m)) msisdns.push(m);
    }
    if (msisdns.length > 200) throw invalid('测试号码最多200个', 'At most 200 test numbers');
    await this.change(async (q, now) => {
      const cur = await this.locked(q, id);
      await repo.updateOffering(q, id, null, { testMsisdns: msisdns, lastUpdate: now });
      await repo.insertEvent(q, { offeringId: id, at: now, actorId: actor.id, actorName: actor.name, kind: 'test_numbers', fromStatus: null, toStatus: null, detail: JSON.stringify({ count: msisdns.length }), reason: '' });
      await this.d.audit.record(q, actor, { action: 'offering.test-numbers', entityType: 'offering', entityId: id, before: { testNumbers: cur.testMsisdns }, after: { testNumbers: msisdns } }, now);
    });
    return this.get(id);
  }

  /** Retires it at 00:00 Beijing time on a day (null: not scheduled). */
  async setRetireOn(actor: Actor, id: string, day: string | null) {
    requireRole(actor, ['product']);
    await this.change(async (q, now) => {
      const cur = await this.locked(q, id);
      if (!['Launched', 'In test'].includes(cur.lifecycleStatus)) throw new AppError('INVALID_TRANSITION');
      if (day && day <= beijingDay(now)) throw invalid('下线日期须晚于今天', 'The retirement day must be after today');
      const retireAt = day ? startOfDay(day) : null;
      await repo.updateOffering(q, id, null, { retireAt, lastUpdate: now });
      await repo.insertEvent(q, { offeringId: id, at: now, actorId: actor.id, actorName: actor.name, kind: 'schedule', fromStatus: cur.lifecycleStatus, toStatus: day ? 'Retired' : null, detail: JSON.stringify({ retireAt }), reason: '' });
      await this.d.audit.record(q, actor, { action: 'offering.schedule', entityType: 'offering', entityId: id, before: { retireAt: cur.retireAt }, after: { retireAt } }, now);
    });
    return this.get(id);
  }

  /** Deletes an offering nothing refers to; retires one that something does. */
  async remove(actor: Actor, id: string): Promise<'deleted' | 'retired' | 'missing'> {
    requireRole(actor, ['product']);
    return this.change(async (q, now) => {
      const cur = await repo.getOffering(q, id);
      const outcome = await repo.deleteOrRetireOffering(q, id, now);
      if (outcome !== 'missing') {
        await this.d.audit.record(q, actor, { action: outcome === 'deleted' ? 'offering.delete' : 'offering.transition', entityType: 'offering', entityId: id, before: cur }, now);
        if (outcome === 'deleted') {
          await repo.insertCatalogueEvent(q, { at: now, eventType: 'ProductOfferingDeleteEvent', resourceType: 'ProductOffering', resourceId: id, payload: JSON.stringify({ offering: cur }) });
        } else await this.emit(q, now, 'ProductOfferingStateChangeEvent', id);
      }
      return outcome;
    });
  }

  /**
   * Records the scheduled launches and retirements whose time has come. Subscribers' sales
   * already follow the times themselves (offering.ts saleState); this makes the status say so.
   * Safe on every node at once: each step is taken where the status is still the one read.
   */
  async sweep(): Promise<number> {
    const due = await repo.dueSchedules(this.d.db, this.d.clock.now());
    let n = 0;
    for (const d of due) {
      await this.change(async (q, now) => {
        const cur = await this.locked(q, d.id);
        const retire = cur.retireAt !== null && cur.retireAt <= now && (cur.lifecycleStatus === 'Launched' || cur.lifecycleStatus === 'In test');
        const launch = !retire && cur.lifecycleStatus === 'In test' && cur.launchAt !== null && cur.launchAt <= now;
        if (!retire && !launch) return;
        await this.setStatus(q, SYSTEM_ACTOR, cur, retire ? 'Retired' : 'Launched', retire ? '按计划下线 scheduled retirement' : '按计划上线 scheduled launch', now);
        n++;
      });
    }
    return n;
  }

  // ---- businesses per channel ---------------------------------------------------------------

  businessChannels() {
    return repo.businessChannels(this.d.db);
  }

  /** Withdraws or restores a registry business on one channel; every node follows within the cache time. */
  async setBusinessChannel(actor: Actor, businessId: string, channel: string, enabled: boolean, reason: string): Promise<void> {
    requireRole(actor, ['ops', 'product']);
    if (!reason.trim()) throw invalid('请填写原因', 'Give a reason');
    await this.change(async (q, now) => {
      const before = (await repo.businessChannels(q)).find((r) => r.businessId === businessId && r.channel === channel);
      await repo.upsertBusinessChannel(q, { businessId, channel, enabled, changedById: actor.id, changedByName: actor.name, changedAt: now, reason });
      await this.d.audit.record(q, actor, {
        action: enabled ? 'business.channel.restore' : 'business.channel.withdraw', entityType: 'business', entityId: `${businessId}@${channel}`,
        before: { enabled: before?.enabled ?? true }, after: { enabled }, reason,
      }, now);
    });
  }

  // ---- prices (TMF620) ------------------------------------------------------------------------

  listPrices(f: repo.PriceFilter, page: repo.Page) {
    return repo.listPrices(this.d.db, f, page);
  }

  getPrice(id: string) {
    return repo.getPrice(this.d.db, id);
  }

  /** Catalogue events after an id, for TMF630 listeners. */
  eventsAfter(afterId: number, limit: number) {
    return repo.catalogueEventsAfter(this.d.db, afterId, limit);
  }

  lastEventId() {
    return repo.lastCatalogueEventId(this.d.db);
  }
}
