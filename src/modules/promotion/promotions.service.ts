// Promotions as staff make them (role product or marketing): created as a draft, submitted, and
// live only once a second person approves it (never whoever created or submitted it: SELF_REVIEW);
// paused at once and resumed, or ended; a draft or a rejected one is edited. Every step is in the
// audit log. Also the views subscribers and staff read.
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { localText } from '../delivery/index.ts';
import { termsText } from './rules.ts';
import { BENEFITS, PROMOTION_MODES, type PromotionStatus, type PromotionTable } from './tables.ts';
import type { Selectable } from 'kysely';

export type PromotionRow = Selectable<PromotionTable>;
const ROLES = ['product', 'marketing'] as const;
const MAX_FEN = 100_000_000;

/** The products and categories a promotion names, checked when staff write it (the goods module's). */
export interface GoodsDirectory {
  /** Every category as its id and parent. */
  categories(q?: Db): Promise<{ id: number; parentId: number | null }[]>;
  /** Those of `ids` that are products. */
  products(ids: readonly number[]): Promise<number[]>;
}

const fen = (min: number) => z.number().int().min(min).max(MAX_FEN);
/** A promotion's fields as staff write them, before the checks across fields (promotionInputSchema). */
export const promotionFieldsSchema = z.object({
  mode: z.enum(PROMOTION_MODES).describe('auto: applies without a code; code: a public code typed at checkout; wallet: a coupon template subscribers claim'),
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,20}$/, '3–20 letters and digits').nullable().optional().describe('The public code (mode code only)'),
  nameZh: z.string().trim().min(1).max(30),
  nameEn: z.string().trim().min(1).max(60),
  benefit: z.enum(BENEFITS),
  offFen: fen(1).nullable().optional().describe('benefit amount: fen off'),
  percentOff: z.number().int().min(1).max(99).nullable().optional().describe('benefit percent: per cent off (10 is 9折)'),
  capFen: fen(1).nullable().optional().describe('benefit percent: at most this off'),
  minSpendFen: fen(0).default(0).describe('Spend at least this on the goods it covers (满 X); 0: no threshold'),
  productIds: z.array(z.number().int().positive()).max(200).default([]),
  categoryIds: z.array(z.number().int().positive()).max(50).default([]),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
  validDays: z.number().int().min(1).max(366).nullable().optional().describe('mode wallet: days a claimed coupon lasts (never past endsAt)'),
  perSubscriberLimit: z.number().int().min(1).max(1000).nullable().optional().describe('Uses per subscriber (auto, code), or coupons a subscriber may claim (wallet)'),
  globalLimit: z.number().int().min(1).max(MAX_FEN).nullable().optional().describe('Uses in all (auto, code), or coupons issued in all (wallet)'),
}).strict();
export const promotionInputSchema = promotionFieldsSchema.superRefine((p, ctx) => {
  // Each with its Chinese words too (params.zh), so a staff member reading Chinese reads no English.
  const issue = (path: string, message: string, zh: string) => ctx.addIssue({ code: 'custom', path: [path], message, params: { zh } });
  if (p.endsAt <= p.startsAt) issue('endsAt', 'must be after startsAt', '结束时间应晚于开始时间');
  if ((p.mode === 'code') !== Boolean(p.code)) issue('code', p.mode === 'code' ? 'a code promotion needs its code' : 'only a code promotion has a code', p.mode === 'code' ? '优惠码活动需要填写优惠码' : '只有优惠码活动才有优惠码');
  if (p.benefit === 'amount' && (p.offFen == null || p.percentOff != null || p.capFen != null)) issue('offFen', 'an amount off needs offFen, and no percentOff or capFen', '满减需要填写减免金额，且不填折扣比例和最高减免');
  if (p.benefit === 'percent' && (p.percentOff == null || p.offFen != null)) issue('percentOff', 'a percentage off needs percentOff, and no offFen', '折扣需要填写优惠比例，且不填减免金额');
  if (p.validDays != null && p.mode !== 'wallet') issue('validDays', 'only a wallet coupon lasts days from its claim', '只有优惠券才有领取后有效天数');
});
export type PromotionInput = z.input<typeof promotionInputSchema>;

export interface PromotionView {
  id: number;
  mode: PromotionRow['mode'];
  code: string | null;
  names: L10n;
  /** What it gives, in words: 满199元减20元 / ¥20 off ¥199. */
  terms: L10n;
  benefit: PromotionRow['benefit'];
  offFen: number | null;
  percentOff: number | null;
  capFen: number | null;
  minSpendFen: number;
  productIds: number[];
  categoryIds: number[];
  startsAt: string;
  endsAt: string;
  startsAtLocal: string;
  endsAtLocal: string;
  validDays: number | null;
  perSubscriberLimit: number | null;
  globalLimit: number | null;
  issued: number;
  used: number;
  /** Left under the global limit (uses, or coupons to claim for wallet); null: no limit. */
  left: number | null;
  status: PromotionStatus;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
}

export function promotionView(r: PromotionRow): PromotionView {
  const startsAt = new Date(r.startsAt);
  const endsAt = new Date(r.endsAt);
  return {
    id: r.id, mode: r.mode, code: r.code, names: l10n(r.nameZh, r.nameEn), terms: termsText(r), benefit: r.benefit,
    offFen: r.offFen, percentOff: r.percentOff, capFen: r.capFen, minSpendFen: r.minSpendFen, productIds: r.productIds, categoryIds: r.categoryIds,
    startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), startsAtLocal: localText(startsAt), endsAtLocal: localText(endsAt),
    validDays: r.validDays, perSubscriberLimit: r.perSubscriberLimit, globalLimit: r.globalLimit, issued: r.issued, used: r.used,
    left: r.globalLimit === null ? null : Math.max(0, r.globalLimit - (r.mode === 'wallet' ? r.issued : r.used)),
    status: r.status, createdBy: r.createdBy, submittedBy: r.submittedBy, reviewedBy: r.reviewedBy, reviewReason: r.reviewReason,
  };
}

export class PromotionService {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog; goods: GoodsDirectory }) {}

  private async parse(input: unknown, q?: Db) {
    const p = promotionInputSchema.safeParse(input);
    if (!p.success) {
      const i = p.error.issues[0]!;
      const path = i.path.join('.');
      const zh = (i as { params?: { zh?: string } }).params?.zh;
      throw new AppError('INVALID_INPUT', { detail: l10n(zh ? `促销信息有误：${zh}` : `促销信息有误：${path}`, `Invalid promotion at ${path}: ${i.message}`), extra: { path } });
    }
    const o = p.data;
    if (o.categoryIds.length) {
      const known = new Set((await this.deps.goods.categories(q)).map((c) => c.id));
      if (o.categoryIds.some((id) => !known.has(id))) throw new AppError('CATEGORY_NOT_FOUND');
    }
    if (o.productIds.length && (await this.deps.goods.products(o.productIds)).length !== new Set(o.productIds).size) throw new AppError('PRODUCT_NOT_FOUND');
    return {
      mode: o.mode, code: o.code ?? null, nameZh: o.nameZh, nameEn: o.nameEn, benefit: o.benefit, offFen: o.offFen ?? null, percentOff: o.percentOff ?? null,
      capFen: o.capFen ?? null, minSpendFen: o.minSpendFen, productIds: [...new Set(o.productIds)], categoryIds: [...new Set(o.categoryIds)],
      startsAt: o.startsAt, endsAt: o.endsAt, validDays: o.validDays ?? null, perSubscriberLimit: o.perSubscriberLimit ?? null, globalLimit: o.globalLimit ?? null,
    };
  }

  private async row(q: Db, id: number, lock = false): Promise<PromotionRow> {
    let s = q.selectFrom('promotion').selectAll().where('id', '=', id);
    if (lock) s = s.forUpdate();
    const r = await s.executeTakeFirst();
    if (!r) throw new AppError('PROMOTION_NOT_FOUND');
    return r;
  }

  /** A new draft; nobody sees it until it is approved. A public code already taken is CONFLICT. */
  async create(actor: Actor, input: unknown): Promise<PromotionView> {
    requireRole(actor, ROLES);
    const o = await this.parse(input);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      if (o.code && await tx.selectFrom('promotion').select('id').where('code', '=', o.code).executeTakeFirst()) throw new AppError('CONFLICT', { extra: { path: 'code' } });
      const row = await tx.insertInto('promotion').values({ ...o, status: 'draft', createdBy: actor.id, submittedBy: null, reviewedBy: null, reviewReason: null, createdAt: at, updatedAt: at })
        .returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'promotion.create', entityType: 'promotion', entityId: String(row.id), after: promotionView(row) }, at);
      return promotionView(row);
    });
  }

  /**
   * The demo operator's promotions (demo.ts): written live in the caller's transaction as if `author`
   * had created and submitted it and `reviewer` (another id) had approved it, each step audited.
   * Categories only (products are looked up outside the transaction).
   */
  async seedApproved(q: Db, input: PromotionInput, author: Actor, reviewer: Actor): Promise<PromotionView> {
    if (author.id === reviewer.id) throw new AppError('SELF_REVIEW');
    const o = await this.parse({ ...input, productIds: [] }, q);
    const at = this.deps.clock.now();
    const row = await q.insertInto('promotion').values({ ...o, status: 'active', createdBy: author.id, submittedBy: author.id, reviewedBy: reviewer.id, reviewReason: null, createdAt: at, updatedAt: at })
      .returningAll().executeTakeFirstOrThrow();
    const entity = { entityType: 'promotion', entityId: String(row.id), reason: 'demo operator' };
    await this.deps.audit.record(q, author, { action: 'promotion.create', ...entity, after: promotionView(row) }, at);
    await this.deps.audit.record(q, author, { action: 'promotion.submit', ...entity, before: { status: 'draft' }, after: { status: 'pending' } }, at);
    await this.deps.audit.record(q, reviewer, { action: 'promotion.review.approve', ...entity, before: { status: 'pending' }, after: { status: 'active' } }, at);
    return promotionView(row);
  }

  /** Edits a draft, or a rejected promotion (a draft again). */
  async update(actor: Actor, id: number, input: unknown): Promise<PromotionView> {
    requireRole(actor, ROLES);
    const o = await this.parse(input);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.row(tx, id, true);
      if (before.status !== 'draft' && before.status !== 'rejected') throw new AppError('NOT_EDITABLE');
      if (o.code && await tx.selectFrom('promotion').select('id').where('code', '=', o.code).where('id', '<>', id).executeTakeFirst()) throw new AppError('CONFLICT', { extra: { path: 'code' } });
      const row = await tx.updateTable('promotion').set({ ...o, status: 'draft', reviewReason: null, updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'promotion.update', entityType: 'promotion', entityId: String(id), before: promotionView(before), after: promotionView(row) }, at);
      return promotionView(row);
    });
  }

  private async step(actor: Actor, id: number, action: string, from: readonly PromotionStatus[], set: Partial<Pick<PromotionRow, 'status' | 'submittedBy' | 'reviewedBy' | 'reviewReason'>>, check?: (r: PromotionRow) => void, reason?: string): Promise<PromotionView> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.row(tx, id, true);
      if (!from.includes(before.status)) throw new AppError(action.startsWith('promotion.review') ? 'REVIEW_NOT_PENDING' : 'INVALID_TRANSITION');
      check?.(before);
      const row = await tx.updateTable('promotion').set({ ...set, updatedAt: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action, entityType: 'promotion', entityId: String(id), before: { status: before.status }, after: { status: row.status }, ...(reason ? { reason } : {}) }, at);
      return promotionView(row);
    });
  }

  /** Sends a draft for a second person's review. */
  submit(actor: Actor, id: number): Promise<PromotionView> {
    return this.step(actor, id, 'promotion.submit', ['draft'], { status: 'pending', submittedBy: actor.id });
  }

  /** A second person (not whoever created or submitted it: SELF_REVIEW) approves it live, or rejects it with a reason. */
  review(actor: Actor, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<PromotionView> {
    if (!decision.approve && !decision.reason.trim()) throw new AppError('INVALID_INPUT', { detail: l10n('驳回需要说明原因', 'A rejection needs a reason'), extra: { path: 'reason' } });
    return this.step(actor, id, decision.approve ? 'promotion.review.approve' : 'promotion.review.reject', ['pending'],
      decision.approve ? { status: 'active', reviewedBy: actor.id } : { status: 'rejected', reviewedBy: actor.id, reviewReason: decision.reason.trim() },
      (r) => { if (r.createdBy === actor.id || r.submittedBy === actor.id) throw new AppError('SELF_REVIEW'); },
      decision.approve ? undefined : decision.reason.trim());
  }

  /** Stops it at once (no review: withdrawing never waits); orders already placed keep their discount. */
  pause(actor: Actor, id: number, reason?: string): Promise<PromotionView> {
    return this.step(actor, id, 'promotion.pause', ['active'], { status: 'paused' }, undefined, reason?.trim() || undefined);
  }

  resume(actor: Actor, id: number): Promise<PromotionView> {
    return this.step(actor, id, 'promotion.resume', ['paused'], { status: 'active' });
  }

  end(actor: Actor, id: number): Promise<PromotionView> {
    return this.step(actor, id, 'promotion.end', ['draft', 'pending', 'active', 'paused', 'rejected'], { status: 'ended' });
  }

  async get(id: number, q: Db = this.deps.db): Promise<PromotionView> {
    return promotionView(await this.row(q, id));
  }

  async list(filter: { status?: PromotionStatus; mode?: PromotionRow['mode'] } = {}, page = { offset: 0, limit: 50 }): Promise<{ items: PromotionView[]; total: number }> {
    let q = this.deps.db.selectFrom('promotion');
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.mode) q = q.where('mode', '=', filter.mode);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(promotionView), total: Number(total.n) };
  }

  /** What subscribers may see now: approved, not paused, in its window (a wallet template also with coupons left). */
  async live(q: Db = this.deps.db): Promise<PromotionView[]> {
    const at = this.deps.clock.now();
    const rows = await q.selectFrom('promotion').selectAll().where('status', '=', 'active').where('startsAt', '<=', at).where('endsAt', '>', at).orderBy('id').execute();
    return rows.map(promotionView);
  }
}
