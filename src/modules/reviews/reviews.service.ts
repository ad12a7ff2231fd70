// Reviews (业务评价) of goods and of catalogue offerings (docs/mall.md, "Reviews"): written only by
// a subscriber who bought it — a goods product with a delivered order line (checkout's), an
// offering held for at least seven days (the BSS's subscription) — once per purchase; published at
// once, or held for moderation when the text has a sensitive word; approved, rejected with a
// reason or answered by staff, each audited; read with the average and the counts per star; voted
// helpful once per subscriber. Purchases come through ports: this module never reads their tables.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { localDateTime } from '../../platform/dates.ts';
import { SensitiveWordMatcher } from '../../platform/sensitive-words.ts';
import { SENSITIVE_WORDS } from '../../platform/sensitive-words.list.ts';
import type { ProductReview, ReviewHit, ReviewState, ReviewSubject } from './tables.ts';

/** Days an offering must have been held before its subscriber may review it. */
export const REVIEW_AFTER_DAYS = 7;
export const MAX_REVIEW_CHARS = 500;
export const MAX_REVIEW_PHOTOS = 6;
const DAY_MS = 86_400_000;
/** Who moderates: product managers and operations (admin too). */
const MODERATORS = ['product', 'ops'] as const;

/**
 * The Advertising Law's absolute terms (最好, 绝对) bind an advertiser, not a customer saying what
 * they think of a phone: a review is held only for gambling, fraud and adult words.
 */
const matcher = new SensitiveWordMatcher({ ...SENSITIVE_WORDS, adLaw: [] });

/** A delivered (or completed) order line of a product, as checkout answers `orders.purchasedLines`. */
export interface PurchasedLine {
  orderId: number;
  lineId: number;
  skuId: number;
  deliveredAt: Date;
}

/** A live subscription of the subscriber's, as the BSS answers it. */
export interface HeldSubscription {
  id: number;
  offeringId: string;
  startsAt: Date;
}

export interface ReviewsDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  /** The subscriber's delivered order lines of a product, read in `q` (checkout.orders.purchasedLines). */
  purchasedLines(q: Db, subscriberId: number, productId: number): Promise<PurchasedLine[]>;
  /** The subscriber's live subscriptions now (the BSS port). */
  subscriptions(subscriberId: number, at: Date): Promise<HeldSubscription[]>;
  /** How each subscriber is shown under their review: the number masked, `138****0001`. */
  authors(subscriberIds: number[]): Promise<Map<number, string>>;
  /** Whether the catalogue has the offering (OFFERING_NOT_FOUND otherwise). */
  offeringExists(id: string): Promise<boolean>;
}

export type ReviewTarget = { subject: 'goods'; productId: number } | { subject: 'offering'; offeringId: string };

export interface ReviewInput {
  rating: number;
  text?: string;
  photos?: string[];
  /** Which purchased order line (goods); by default the earliest delivered one not yet reviewed. */
  lineId?: number;
}

export interface ReviewView {
  id: number;
  subject: ReviewSubject;
  productId: number | null;
  offeringId: string | null;
  skuId: number | null;
  rating: number;
  text: string;
  photos: string[];
  /** 已购: every review is of a purchase (a delivered order line, or an offering held seven days). */
  verified: boolean;
  author: string;
  state: ReviewState;
  helpfulCount: number;
  reply: { text: string; at: string; atLocal: string } | null;
  createdAt: string;
  createdAtLocal: string;
  publishedAt: string | null;
}

/** The subscriber's own review: also why it was not published. */
export interface MyReviewView extends ReviewView {
  rejectReason: string | null;
}

/** A review as the moderator sees it: the sensitive words found and where they are. */
export interface ModerationView extends MyReviewView {
  subscriberId: number;
  orderId: number | null;
  purchaseRef: string;
  hits: ReviewHit[];
}

export interface ReviewSummary {
  /** The published reviews' mean rating to one decimal, or null when there are none. */
  average: number | null;
  count: number;
  /** Published reviews per star, `{ '5': 12, '4': 3, … }`. */
  stars: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export type ReviewSort = 'newest' | 'helpful';

const iso = (d: Date | string) => new Date(d).toISOString();
const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64url');
const IMAGE_PATH = /\.(jpe?g|png|webp|gif)$/i;

/** A photo is an https URL of an image by its shape: a host, and a path ending in an image's extension. */
export function isPhotoUrl(text: string): boolean {
  if (text.length > 500) return false;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.hostname.length > 0 && !u.username && !u.password && IMAGE_PATH.test(u.pathname);
}

function checkInput(target: ReviewTarget, input: ReviewInput): { text: string; photos: string[] } {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw new AppError('INVALID_RATING');
  const text = (input.text ?? '').trim();
  if ([...text].length > MAX_REVIEW_CHARS) throw new AppError('REVIEW_TEXT_TOO_LONG');
  const photos = input.photos ?? [];
  if (photos.length > 0 && target.subject !== 'goods') {
    throw new AppError('REVIEW_PHOTO_INVALID', { detail: l10n('只有商品评价可以附图片', 'Only a review of goods may have photos') });
  }
  if (photos.length > MAX_REVIEW_PHOTOS || photos.some((p) => !isPhotoUrl(p))) throw new AppError('REVIEW_PHOTO_INVALID');
  return { text, photos };
}

export class Reviews {
  constructor(private readonly deps: ReviewsDeps) {}

  /**
   * A subscriber writes a review of something they bought, under an Idempotency-Key (the same
   * key and request: the first review, `replayed`; another request under it
   * IDEMPOTENCY_KEY_REUSED). Published at once, or `pending` for moderation when the text has a
   * sensitive word. INVALID_RATING, REVIEW_TEXT_TOO_LONG, REVIEW_PHOTO_INVALID,
   * REVIEW_NOT_PURCHASED, REVIEW_TOO_EARLY (an offering held under seven days), REVIEW_EXISTS
   * (each purchase reviewed already); nothing is written on any of them.
   */
  async write(subscriberId: number, target: ReviewTarget, input: ReviewInput, idempotencyKey: string): Promise<{ review: MyReviewView; replayed: boolean }> {
    const out = await this.writeRow(subscriberId, target, input, idempotencyKey);
    return { review: (await this.myViews([out.review]))[0]!, replayed: out.replayed };
  }

  private async writeRow(subscriberId: number, target: ReviewTarget, input: ReviewInput, idempotencyKey: string): Promise<{ review: ProductReview; replayed: boolean }> {
    const { text, photos } = checkInput(target, input);
    const requestHash = hashOf([target, input.rating, text, photos, input.lineId ?? null]);
    const replay = async (q: Db) => {
      const first = await q.selectFrom('productReview').selectAll().where('subscriberId', '=', subscriberId).where('idempotencyKey', '=', idempotencyKey).executeTakeFirst();
      if (first && first.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return first;
    };
    const first = await replay(this.deps.db);
    if (first) return { review: first, replayed: true };
    const now = this.deps.clock.now();
    // The subscriptions come from the BSS, outside this module's transaction.
    const held = target.subject === 'offering' ? await this.heldSubscriptions(subscriberId, target.offeringId, now) : [];
    return this.deps.db.transaction().execute(async (tx) => {
      const purchase = target.subject === 'goods'
        ? await this.goodsPurchase(tx, subscriberId, target.productId, input.lineId)
        : await this.offeringPurchase(tx, held, now);
      const hits: ReviewHit[] = matcher.find(text);
      const state: ReviewState = hits.length > 0 ? 'pending' : 'published';
      const row = await tx.insertInto('productReview').values({
        subject: target.subject,
        productId: target.subject === 'goods' ? target.productId : null,
        offeringId: target.subject === 'offering' ? target.offeringId : null,
        subscriberId, purchaseRef: purchase.ref, orderId: purchase.orderId, skuId: purchase.skuId,
        rating: input.rating, body: text, photos: JSON.stringify(photos), state, hits: JSON.stringify(hits),
        rejectReason: null, reply: null, repliedAt: null, helpfulCount: 0, idempotencyKey, requestHash,
        createdAt: now, publishedAt: state === 'published' ? now : null, updatedAt: now,
      }).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
      if (row) return { review: row, replayed: false };
      // Another request got there first: the same key (its answer), or the same purchase.
      const again = await replay(tx);
      if (again) return { review: again, replayed: true };
      throw new AppError('REVIEW_EXISTS');
    });
  }

  private async reviewed(q: Db, refs: string[]): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await q.selectFrom('productReview').select('purchaseRef').where('purchaseRef', 'in', refs).execute();
    return new Set(rows.map((r) => r.purchaseRef));
  }

  private async goodsPurchase(q: Db, subscriberId: number, productId: number, lineId: number | undefined) {
    const lines = (await this.deps.purchasedLines(q, subscriberId, productId))
      .filter((l) => lineId === undefined || l.lineId === lineId)
      .sort((a, b) => new Date(a.deliveredAt).getTime() - new Date(b.deliveredAt).getTime() || a.lineId - b.lineId);
    if (lines.length === 0) throw new AppError('REVIEW_NOT_PURCHASED');
    const done = await this.reviewed(q, lines.map((l) => `order-line:${l.lineId}`));
    const line = lines.find((l) => !done.has(`order-line:${l.lineId}`));
    if (!line) throw new AppError('REVIEW_EXISTS');
    return { ref: `order-line:${line.lineId}`, orderId: line.orderId, skuId: line.skuId };
  }

  private async heldSubscriptions(subscriberId: number, offeringId: string, now: Date): Promise<HeldSubscription[]> {
    const held = (await this.deps.subscriptions(subscriberId, now)).filter((s) => s.offeringId === offeringId);
    if (held.length === 0 && !(await this.deps.offeringExists(offeringId))) throw new AppError('OFFERING_NOT_FOUND');
    return held;
  }

  private async offeringPurchase(q: Db, held: HeldSubscription[], now: Date) {
    if (held.length === 0) throw new AppError('REVIEW_NOT_PURCHASED');
    const done = await this.reviewed(q, held.map((s) => `subscription:${s.id}`));
    const open = held.filter((s) => !done.has(`subscription:${s.id}`));
    if (open.length === 0) throw new AppError('REVIEW_EXISTS');
    const from = (s: HeldSubscription) => new Date(s.startsAt).getTime() + REVIEW_AFTER_DAYS * DAY_MS;
    const ready = open.find((s) => from(s) <= now.getTime());
    if (!ready) {
      const reviewableFrom = new Date(Math.min(...open.map(from)));
      throw new AppError('REVIEW_TOO_EARLY', { extra: { reviewableFrom: reviewableFrom.toISOString() } });
    }
    return { ref: `subscription:${ready.id}`, orderId: null, skuId: null };
  }

  /** Published reviews of a product or an offering, newest or most helpful first, with the average and the counts per star. */
  async list(target: ReviewTarget, sort: ReviewSort, page: Page): Promise<{ summary: ReviewSummary; items: ReviewView[]; total: number }> {
    const db = this.deps.db;
    let base = db.selectFrom('productReview').where('state', '=', 'published');
    base = target.subject === 'goods' ? base.where('productId', '=', target.productId) : base.where('offeringId', '=', target.offeringId);
    const [counts, rows] = await Promise.all([
      base.select(['rating', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('rating').execute(),
      (sort === 'helpful' ? base.selectAll().orderBy('helpfulCount', 'desc') : base.selectAll())
        .orderBy('publishedAt', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),
    ]);
    const stars: ReviewSummary['stars'] = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    let count = 0;
    let sum = 0;
    for (const c of counts) {
      const n = Number(c.n);
      stars[String(c.rating) as keyof ReviewSummary['stars']] = n;
      count += n;
      sum += n * c.rating;
    }
    const average = count === 0 ? null : Math.round((sum / count) * 10) / 10;
    return { summary: { average, count, stars }, items: await this.views(rows), total: count };
  }

  /** The subscriber's own reviews, newest first, in every state (a rejected one with its reason). */
  async mine(subscriberId: number, page: Page): Promise<{ items: MyReviewView[]; total: number }> {
    const q = this.deps.db.selectFrom('productReview').where('subscriberId', '=', subscriberId);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: await this.myViews(rows), total: Number(total.n) };
  }

  private async myViews(rows: ProductReview[]): Promise<MyReviewView[]> {
    const views = await this.views(rows);
    return views.map((v, i) => ({ ...v, rejectReason: rows[i]!.rejectReason }));
  }

  /**
   * A subscriber finds a published review helpful: once (REVIEW_ALREADY_VOTED after), never their
   * own (REVIEW_OWN_VOTE); REVIEW_NOT_FOUND for one not published. The review's row is locked, so
   * votes at once are counted one by one.
   */
  async helpful(subscriberId: number, reviewId: number): Promise<{ helpfulCount: number }> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.selectFrom('productReview').select(['id', 'state', 'subscriberId']).where('id', '=', reviewId).forUpdate().executeTakeFirst();
      if (!r || r.state !== 'published') throw new AppError('REVIEW_NOT_FOUND');
      if (r.subscriberId === subscriberId) throw new AppError('REVIEW_OWN_VOTE');
      const vote = await tx.insertInto('productReviewVote').values({ reviewId, subscriberId, createdAt: now })
        .onConflict((oc) => oc.columns(['reviewId', 'subscriberId']).doNothing()).returning('reviewId').executeTakeFirst();
      if (!vote) throw new AppError('REVIEW_ALREADY_VOTED');
      const after = await tx.updateTable('productReview').set({ helpfulCount: sql<number>`helpful_count + 1` })
        .where('id', '=', reviewId).returning('helpfulCount').executeTakeFirstOrThrow();
      return { helpfulCount: after.helpfulCount };
    });
  }

  /** The moderation queue (product or ops): by state (pending by default, oldest first; else newest first) and subject. */
  async queue(actor: Actor, f: { state?: ReviewState; subject?: ReviewSubject }, page: Page): Promise<{ items: ModerationView[]; total: number }> {
    requireRole(actor, MODERATORS);
    const state = f.state ?? 'pending';
    let q = this.deps.db.selectFrom('productReview').where('state', '=', state);
    if (f.subject) q = q.where('subject', '=', f.subject);
    const dir = state === 'pending' ? 'asc' : 'desc';
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('createdAt', dir).orderBy('id', dir).offset(page.offset).limit(page.limit).execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: await this.moderationViews(rows), total: Number(total.n) };
  }

  async get(actor: Actor, id: number): Promise<ModerationView> {
    requireRole(actor, MODERATORS);
    return (await this.moderationViews([await this.row(this.deps.db, id)]))[0]!;
  }

  private async row(q: Db, id: number, lock = false): Promise<ProductReview> {
    const base = q.selectFrom('productReview').selectAll().where('id', '=', id);
    const r = await (lock ? base.forUpdate() : base).executeTakeFirst();
    if (!r) throw new AppError('REVIEW_NOT_FOUND');
    return r;
  }

  /** One moderator's step on a review, in one transaction with its audit entry. */
  private async moderate(actor: Actor, id: number, action: string, step: (r: ProductReview, now: Date) => { set: Partial<Pick<ProductReview, 'state' | 'rejectReason' | 'reply' | 'repliedAt' | 'publishedAt'>>; reason?: string }): Promise<ModerationView> {
    requireRole(actor, MODERATORS);
    const now = this.deps.clock.now();
    const after = await this.deps.db.transaction().execute(async (tx) => {
      const r = await this.row(tx, id, true);
      const { set, reason } = step(r, now);
      const moved = await tx.updateTable('productReview').set({ ...set, updatedAt: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      const before = Object.fromEntries(Object.keys(set).map((k) => [k, r[k as keyof ProductReview]]));
      await this.deps.audit.record(tx, actor, { action, entityType: 'product_review', entityId: String(id), before, after: set, ...(reason ? { reason } : {}) }, now);
      return moved;
    });
    return (await this.moderationViews([after]))[0]!;
  }

  /** Publishes a held review (REVIEW_NOT_IN_STATE unless pending). */
  approve(actor: Actor, id: number): Promise<ModerationView> {
    return this.moderate(actor, id, 'mall.review.approve', (r, now) => {
      if (r.state !== 'pending') throw new AppError('REVIEW_NOT_IN_STATE', { extra: { state: r.state } });
      return { set: { state: 'published', publishedAt: now } };
    });
  }

  /** Rejects a held review, or takes a published one down, with the reason its writer sees. */
  reject(actor: Actor, id: number, reason: string): Promise<ModerationView> {
    const why = reason.trim();
    if (!why) throw new AppError('INVALID_INPUT', { detail: l10n('请填写驳回原因', 'Give the reason for the rejection') });
    return this.moderate(actor, id, 'mall.review.reject', (r) => {
      if (r.state === 'rejected') throw new AppError('REVIEW_NOT_IN_STATE', { extra: { state: r.state } });
      return { set: { state: 'rejected', rejectReason: why }, reason: why };
    });
  }

  /** The operator's reply, shown under the review (a second reply replaces the first); not on a rejected review. */
  reply(actor: Actor, id: number, text: string): Promise<ModerationView> {
    const body = text.trim();
    if (!body || [...body].length > MAX_REVIEW_CHARS) throw new AppError('INVALID_INPUT', { detail: l10n('回复应为1至500字', 'A reply is 1 to 500 characters') });
    return this.moderate(actor, id, 'mall.review.reply', (r, now) => {
      if (r.state === 'rejected') throw new AppError('REVIEW_NOT_IN_STATE', { extra: { state: r.state } });
      return { set: { reply: body, repliedAt: now } };
    });
  }

  private async views(rows: ProductReview[]): Promise<ReviewView[]> {
    const authors = rows.length ? await this.deps.authors([...new Set(rows.map((r) => r.subscriberId))]) : new Map<number, string>();
    return rows.map((r) => ({
      id: r.id, subject: r.subject, productId: r.productId, offeringId: r.offeringId, skuId: r.skuId,
      rating: r.rating, text: r.body, photos: r.photos, verified: r.purchaseRef.startsWith('order-line:') || r.purchaseRef.startsWith('subscription:'),
      author: authors.get(r.subscriberId) ?? '***', state: r.state, helpfulCount: r.helpfulCount,
      reply: r.reply && r.repliedAt ? { text: r.reply, at: iso(r.repliedAt), atLocal: localDateTime(new Date(r.repliedAt)) } : null,
      createdAt: iso(r.createdAt), createdAtLocal: localDateTime(new Date(r.createdAt)), publishedAt: r.publishedAt ? iso(r.publishedAt) : null,
    }));
  }

  private async moderationViews(rows: ProductReview[]): Promise<ModerationView[]> {
    const views = await this.myViews(rows);
    return views.map((v, i) => {
      const r = rows[i]!;
      return { ...v, subscriberId: r.subscriberId, orderId: r.orderId, purchaseRef: r.purchaseRef, hits: r.hits };
    });
  }
}
