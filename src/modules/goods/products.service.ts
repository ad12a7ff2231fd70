// Products and their SKUs: what the mall shows (listed on a channel, within its schedule), searched
// in Chinese by name and brand, and the staff writes. A new product is made unlisted, so nobody sees
// it yet; everything after that which changes what subscribers see or pay (its details, a new SKU,
// a price, a listing) is submitted as a pending change and applied only when a second person
// approves it. Unlisting is at once (taking goods off sale never needs to wait). All audited.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { normalise, queryTerms, searchText } from './search.ts';
import { DELIVERIES, PRODUCT_KINDS, type ChangeKind, type ChangeRow, type Delivery, type ListingRow, type ProductKind, type ProductRow, type SkuRow, type SpecGroup } from './tables.ts';

const ROLES = ['product'] as const;

/** Where goods are listed (上下架): the halls, and the text channels a card or pack can be bought on. */
export const MALL_CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'api'] as const;
export type MallChannel = (typeof MALL_CHANNELS)[number];

/** How each kind is delivered unless said otherwise; a recharge card or virtual good may be `credit` instead of `code`. */
const DEFAULT_DELIVERY: Record<ProductKind, Delivery> = {
  physical: 'ship', number_card: 'number', recharge_card: 'code', virtual: 'code', points_gift: 'ship', offering: 'subscribe',
};
const ALLOWED_DELIVERY: Record<ProductKind, readonly Delivery[]> = {
  physical: ['ship'], number_card: ['number'], recharge_card: ['code', 'credit'], virtual: ['code', 'credit'], points_gift: ['ship', 'code', 'credit'], offering: ['subscribe'],
};

const text = (max: number) => z.string().trim().max(max);
const specsSchema = z.array(z.object({
  groupZh: text(20).min(1), groupEn: text(40).min(1),
  items: z.array(z.object({ nameZh: text(20).min(1), nameEn: text(40).min(1), value: text(200).min(1) }).strict()).min(1).max(40),
}).strict()).max(20);

export const skuInputSchema = z.object({
  code: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/, 'letters, digits, . _ -'),
  attrs: z.record(text(20).min(1), text(40).min(1)).default({}),
  listFen: z.number().int().min(0).max(100_000_000),
  saleFen: z.number().int().min(0).max(100_000_000),
  points: z.number().int().min(1).max(100_000_000).nullable().default(null),
}).strict().refine((s) => s.saleFen <= s.listFen, { message: 'saleFen must not be above listFen', path: ['saleFen'] });

const detailsShape = {
  nameZh: text(60).min(1), nameEn: text(120).min(1), brand: text(40).default(''),
  descriptionZh: text(2000).default(''), descriptionEn: text(4000).default(''),
  categoryId: z.number().int().positive().nullable().default(null),
  tags: z.array(text(20).min(1)).max(20).default([]),
  /** URLs or paths of the web app's public files (/mall/phone-blue.svg). */
  images: z.array(z.string().trim().regex(/^(https:\/\/|\/)[^\s]{1,300}$/, 'an https URL or a /path')).max(20).default([]),
  specs: specsSchema.default([]),
};

export const productInputSchema = z.object({
  kind: z.enum(PRODUCT_KINDS),
  delivery: z.enum(DELIVERIES).optional(),
  offeringId: z.string().trim().min(1).max(60).nullable().default(null),
  ...detailsShape,
  skus: z.array(skuInputSchema).min(1).max(100),
}).strict();
export type ProductInput = z.input<typeof productInputSchema>;

/**
 * A details change: only the fields it names change (a field left out keeps its value; an empty
 * description or list given is cleared), at least one of them.
 */
export const detailsInputSchema = z.object({
  nameZh: detailsShape.nameZh.optional(), nameEn: detailsShape.nameEn.optional(), brand: text(40).optional(),
  descriptionZh: text(2000).optional(), descriptionEn: text(4000).optional(),
  categoryId: z.number().int().positive().nullable().optional(),
  tags: z.array(text(20).min(1)).max(20).optional(),
  images: z.array(z.string().trim().regex(/^(https:\/\/|\/)[^\s]{1,300}$/, 'an https URL or a /path')).max(20).optional(),
  specs: specsSchema.optional(),
}).strict().refine((d) => Object.values(d).some((v) => v !== undefined), { message: 'name at least one field to change' });
export const priceInputSchema = z.object({
  skuId: z.number().int().positive(), listFen: z.number().int().min(0).max(100_000_000), saleFen: z.number().int().min(0).max(100_000_000),
  points: z.number().int().min(1).max(100_000_000).nullable().optional(),
}).strict().refine((s) => s.saleFen <= s.listFen, { message: 'saleFen must not be above listFen', path: ['saleFen'] });
export const listingInputSchema = z.object({
  channel: z.enum(MALL_CHANNELS),
  listedFrom: z.coerce.date(),
  listedUntil: z.coerce.date().nullable().default(null),
}).strict().refine((l) => !l.listedUntil || l.listedUntil > l.listedFrom, { message: 'listedUntil must be after listedFrom', path: ['listedUntil'] });

export interface SkuView { id: number; productId: number; code: string; attrs: Record<string, string>; listFen: number; saleFen: number; points: number | null }
export interface ListingView { channel: string; listedFrom: string; listedUntil: string | null }
export interface ProductView {
  id: number;
  kind: ProductKind;
  delivery: Delivery;
  names: L10n;
  brand: string;
  descriptions: L10n;
  categoryId: number | null;
  tags: string[];
  images: string[];
  specs: { group: L10n; items: { name: L10n; value: string }[] }[];
  offeringId: string | null;
  skus: SkuView[];
  listings: ListingView[];
  createdAt: string;
  updatedAt: string;
}
export interface ChangeView {
  id: number; productId: number; kind: ChangeKind; payload: Record<string, unknown>; status: string;
  submittedBy: number; submittedAt: string; reviewedBy: number | null; reviewedAt: string | null; reason: string | null;
}
export interface CategoryView { id: number; parentId: number | null; code: string; names: L10n; sort: number; children: CategoryView[] }

/** What the mall's list is filtered by; `channel` + `at` make it the public list (listed there now). */
export interface ProductFilter {
  categoryId?: number;
  brand?: string;
  minFen?: number;
  maxFen?: number;
  kind?: ProductKind;
  q?: string;
  /** Only products listed on this channel at `at` (the public list). */
  channel?: MallChannel;
  /** Only products listed on some channel at `at` (the public list without a channel). */
  listed?: boolean;
}

const iso = (d: Date | string) => new Date(d).toISOString();
export const skuView = (r: SkuRow): SkuView => ({ id: r.id, productId: r.productId, code: r.code, attrs: r.attrs, listFen: r.listFen, saleFen: r.saleFen, points: r.points });
const listingView = (r: ListingRow): ListingView => ({ channel: r.channel, listedFrom: iso(r.listedFrom), listedUntil: r.listedUntil ? iso(r.listedUntil) : null });
const specsView = (s: SpecGroup[]) => s.map((g) => ({ group: l10n(g.groupZh, g.groupEn), items: g.items.map((i) => ({ name: l10n(i.nameZh, i.nameEn), value: i.value })) }));
const changeView = (r: ChangeRow): ChangeView => ({
  id: r.id, productId: r.productId, kind: r.kind, payload: r.payload, status: r.status, submittedBy: r.submittedBy, submittedAt: iso(r.submittedAt),
  reviewedBy: r.reviewedBy, reviewedAt: r.reviewedAt ? iso(r.reviewedAt) : null, reason: r.reason,
});

function parse<T extends z.ZodType>(schema: T, input: unknown, what: L10n): z.output<T> {
  const p = schema.safeParse(input);
  if (!p.success) {
    const i = p.error.issues[0]!;
    const path = i.path.join('.');
    throw new AppError('INVALID_INPUT', { detail: l10n(`${what['zh-CN']}有误：${path}（${i.message}）`, `Invalid ${what.en} at ${path}: ${i.message}`), extra: { path } });
  }
  return p.data;
}

export class ProductService {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog; offeringExists?: (id: string) => Promise<boolean> }) {}

  // ---- reads ----

  /** Products with their SKUs and listings, newest first. */
  async list(filter: ProductFilter, page: Page, q: Db = this.deps.db): Promise<{ items: ProductView[]; total: number }> {
    const at = this.deps.clock.now();
    let base = q.selectFrom('goodsProduct as p');
    if (filter.kind) base = base.where('p.kind', '=', filter.kind);
    if (filter.brand) base = base.where(sql<boolean>`lower(p.brand) = ${normalise(filter.brand)}`);
    if (filter.categoryId !== undefined) {
      const ids = await this.categoryAndBelow(q, filter.categoryId);
      base = base.where('p.categoryId', 'in', ids);
    }
    for (const term of queryTerms(filter.q ?? '')) base = base.where(sql<boolean>`p.search_text like ${`%${term}%`} escape '\\'`);
    if (filter.minFen !== undefined || filter.maxFen !== undefined) {
      const lo = filter.minFen ?? 0;
      const hi = filter.maxFen ?? 2_000_000_000;
      base = base.where(({ exists, selectFrom }) => exists(selectFrom('goodsSku as s').select('s.id').whereRef('s.productId', '=', 'p.id').where('s.saleFen', '>=', lo).where('s.saleFen', '<=', hi)));
    }
    if (filter.channel || filter.listed) {
      base = base.where(({ exists, selectFrom }) => {
        let l = selectFrom('goodsListing as l').select('l.productId').whereRef('l.productId', '=', 'p.id').where('l.listedFrom', '<=', at)
          .where((eb) => eb.or([eb('l.listedUntil', 'is', null), eb('l.listedUntil', '>', at)]));
        if (filter.channel) l = l.where('l.channel', '=', filter.channel);
        return exists(l);
      });
    }
    const [rows, count] = await Promise.all([
      base.selectAll('p').orderBy('p.id', 'desc').offset(page.offset).limit(page.limit).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: await this.views(q, rows), total: Number(count.n) };
  }

  /** One product; with `channel`, PRODUCT_NOT_FOUND unless it is listed there now (what the public sees). */
  async get(id: number, opts: { channel?: MallChannel; listed?: boolean } = {}, q: Db = this.deps.db): Promise<ProductView> {
    const row = await q.selectFrom('goodsProduct').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('PRODUCT_NOT_FOUND');
    const [view] = await this.views(q, [row]);
    if ((opts.channel || opts.listed) && !this.listedNow(view!, opts.channel)) throw new AppError('PRODUCT_NOT_FOUND');
    return view!;
  }

  /** Products by id, read together (a cart's); an id with no product is left out. */
  async many(ids: readonly number[], q: Db = this.deps.db): Promise<Map<number, ProductView>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await q.selectFrom('goodsProduct').selectAll().where('id', 'in', unique).execute() : [];
    return new Map((await this.views(q, rows)).map((p) => [p.id, p]));
  }

  /** Whether the product is on sale now (on `channel`, or on any channel). */
  listedNow(p: ProductView, channel?: string): boolean {
    const at = this.deps.clock.now().getTime();
    return p.listings.some((l) => (!channel || l.channel === channel) && Date.parse(l.listedFrom) <= at && (!l.listedUntil || Date.parse(l.listedUntil) > at));
  }

  /**
   * The SKU a cart line names, checked against its product: SKU_NOT_FOUND, SKU_NOT_OF_PRODUCT (a
   * SKU of another product), PRODUCT_NOT_FOUND; with `channel`, the product must be listed there now.
   */
  async sku(productId: number, skuId: number, opts: { channel?: MallChannel } = {}, q: Db = this.deps.db): Promise<{ product: ProductView; sku: SkuView }> {
    const s = await q.selectFrom('goodsSku').selectAll().where('id', '=', skuId).executeTakeFirst();
    if (!s) throw new AppError('SKU_NOT_FOUND');
    if (s.productId !== productId) {
      // Only say it is another product's when that product exists at all; an unknown product is 404.
      await this.get(productId, opts, q);
      throw new AppError('SKU_NOT_OF_PRODUCT');
    }
    const product = await this.get(productId, opts, q);
    return { product, sku: skuView(s) };
  }

  /** SKUs by id (a cart's lines), with their products' kind and delivery. */
  async skus(ids: readonly number[], q: Db = this.deps.db): Promise<(SkuView & { kind: ProductKind; delivery: Delivery })[]> {
    if (!ids.length) return [];
    const rows = await q.selectFrom('goodsSku as s').innerJoin('goodsProduct as p', 'p.id', 's.productId').selectAll('s').select(['p.kind', 'p.delivery'])
      .where('s.id', 'in', [...ids]).execute();
    return rows.map((r) => ({ ...skuView(r), kind: r.kind, delivery: r.delivery }));
  }

  /** The category tree, roots first, each level in its sort order. */
  async categories(q: Db = this.deps.db): Promise<CategoryView[]> {
    const rows = await q.selectFrom('goodsCategory').selectAll().orderBy('sort').orderBy('id').execute();
    const views = new Map(rows.map((r) => [r.id, { id: r.id, parentId: r.parentId, code: r.code, names: l10n(r.nameZh, r.nameEn), sort: r.sort, children: [] as CategoryView[] }]));
    const roots: CategoryView[] = [];
    for (const v of views.values()) (v.parentId !== null && views.get(v.parentId) ? views.get(v.parentId)!.children : roots).push(v);
    return roots;
  }

  private async categoryAndBelow(q: Db, id: number): Promise<number[]> {
    const rows = await q.selectFrom('goodsCategory').select(['id', 'parentId']).execute();
    if (!rows.some((r) => r.id === id)) throw new AppError('CATEGORY_NOT_FOUND');
    const out = [id];
    for (let i = 0; i < out.length; i++) for (const r of rows) if (r.parentId === out[i]) out.push(r.id);
    return out;
  }

  private async views(q: Db, rows: ProductRow[]): Promise<ProductView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [skus, listings] = await Promise.all([
      q.selectFrom('goodsSku').selectAll().where('productId', 'in', ids).orderBy('sort').orderBy('id').execute(),
      q.selectFrom('goodsListing').selectAll().where('productId', 'in', ids).orderBy('channel').execute(),
    ]);
    return rows.map((r) => ({
      id: r.id, kind: r.kind, delivery: r.delivery, names: l10n(r.nameZh, r.nameEn), brand: r.brand, descriptions: l10n(r.descriptionZh, r.descriptionEn),
      categoryId: r.categoryId, tags: r.tags, images: r.images, specs: specsView(r.specs), offeringId: r.offeringId,
      skus: skus.filter((s) => s.productId === r.id).map(skuView), listings: listings.filter((l) => l.productId === r.id).map(listingView),
      createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt),
    }));
  }

  // ---- staff writes ----

  /** Adds a category (under `parentCode` when given); audited. */
  async addCategory(actor: Actor, input: { code: string; nameZh: string; nameEn: string; parentId?: number | null; sort?: number }): Promise<CategoryView> {
    requireRole(actor, ROLES);
    const c = parse(z.object({ code: z.string().regex(/^[a-z0-9-]{1,40}$/), nameZh: text(20).min(1), nameEn: text(40).min(1), parentId: z.number().int().positive().nullable().default(null), sort: z.number().int().min(0).max(10_000).default(0) }).strict(), input, l10n('分类', 'category'));
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      if (c.parentId !== null && !(await tx.selectFrom('goodsCategory').select('id').where('id', '=', c.parentId).executeTakeFirst())) throw new AppError('CATEGORY_NOT_FOUND');
      if (await tx.selectFrom('goodsCategory').select('id').where('code', '=', c.code).executeTakeFirst()) throw new AppError('CONFLICT');
      const r = await tx.insertInto('goodsCategory').values(c).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'goods.category.create', entityType: 'goods_category', entityId: String(r.id), after: c }, at);
      return { id: r.id, parentId: r.parentId, code: r.code, names: l10n(r.nameZh, r.nameEn), sort: r.sort, children: [] };
    });
  }

  /** A new product with its SKUs, unlisted everywhere (so nobody sees it until a listing is approved). */
  async create(actor: Actor, input: unknown): Promise<ProductView> {
    requireRole(actor, ROLES);
    const p = parse(productInputSchema, input, l10n('商品信息', 'product'));
    const delivery = p.delivery ?? DEFAULT_DELIVERY[p.kind];
    if (!ALLOWED_DELIVERY[p.kind].includes(delivery)) throw new AppError('INVALID_INPUT', { detail: l10n(`该类商品不能以${delivery}方式交付`, `A ${p.kind} product cannot be delivered by ${delivery}`), extra: { path: 'delivery' } });
    if ((p.kind === 'offering') !== (p.offeringId !== null)) throw new AppError('INVALID_INPUT', { detail: l10n('仅“业务产品”类商品关联目录产品编号，且必须关联', 'An offering product names its catalogue offering, and only it does'), extra: { path: 'offeringId' } });
    if (p.offeringId && this.deps.offeringExists && !(await this.deps.offeringExists(p.offeringId))) throw new AppError('OFFERING_NOT_FOUND');
    if (p.kind === 'points_gift' && p.skus.some((s) => s.points === null)) throw new AppError('INVALID_INPUT', { detail: l10n('积分礼品须标明所需积分', 'A points gift needs its price in points'), extra: { path: 'skus.points' } });
    if (new Set(p.skus.map((s) => s.code)).size !== p.skus.length) throw new AppError('SKU_CODE_TAKEN');
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      await this.checkCategory(tx, p.categoryId);
      await this.checkCodes(tx, p.skus.map((s) => s.code));
      const { skus, specs, ...rest } = p;
      const row = await tx.insertInto('goodsProduct').values({
        ...rest, delivery, specs: JSON.stringify(specs), searchText: searchText(rest), createdBy: actor.id, createdAt: at, updatedAt: at,
      }).returning('id').executeTakeFirstOrThrow();
      await tx.insertInto('goodsSku').values(skus.map((s, i) => ({ ...s, attrs: JSON.stringify(s.attrs), productId: row.id, sort: i }))).execute();
      const view = await this.get(row.id, {}, tx);
      await this.deps.audit.record(tx, actor, { action: 'goods.product.create', entityType: 'goods_product', entityId: String(row.id), after: view }, at);
      return view;
    });
  }

  private async checkCategory(q: Db, id: number | null): Promise<void> {
    if (id !== null && !(await q.selectFrom('goodsCategory').select('id').where('id', '=', id).executeTakeFirst())) throw new AppError('CATEGORY_NOT_FOUND');
  }

  private async checkCodes(q: Db, codes: string[]): Promise<void> {
    if (await q.selectFrom('goodsSku').select('id').where('code', 'in', codes).executeTakeFirst()) throw new AppError('SKU_CODE_TAKEN');
  }

  /**
   * Submits a change for a second person's review: `details` (names, description, images, specs,
   * category, tags), `sku` (a new variant), `price` (a SKU's list and sale price) or `listing` (on
   * sale on a channel from a time, until a time or for good). Checked now, applied on approval.
   */
  async submit(actor: Actor, productId: number, kind: ChangeKind, input: unknown): Promise<ChangeView> {
    requireRole(actor, ROLES);
    const product = await this.get(productId);
    let payload: Record<string, unknown>;
    if (kind === 'details') {
      const d = parse(detailsInputSchema, input, l10n('商品信息', 'product details'));
      if (d.categoryId !== undefined) await this.checkCategory(this.deps.db, d.categoryId);
      payload = d;
    } else if (kind === 'sku') {
      const s = parse(skuInputSchema, input, l10n('规格', 'SKU'));
      if (product.kind === 'points_gift' && s.points === null) throw new AppError('INVALID_INPUT', { detail: l10n('积分礼品须标明所需积分', 'A points gift needs its price in points'), extra: { path: 'points' } });
      await this.checkCodes(this.deps.db, [s.code]);
      payload = s;
    } else if (kind === 'price') {
      const pr = parse(priceInputSchema, input, l10n('价格', 'price'));
      if (!product.skus.some((s) => s.id === pr.skuId)) {
        const exists = await this.deps.db.selectFrom('goodsSku').select('id').where('id', '=', pr.skuId).executeTakeFirst();
        throw new AppError(exists ? 'SKU_NOT_OF_PRODUCT' : 'SKU_NOT_FOUND');
      }
      payload = pr;
    } else {
      const l = parse(listingInputSchema, input, l10n('上架安排', 'listing'));
      payload = { channel: l.channel, listedFrom: l.listedFrom.toISOString(), listedUntil: l.listedUntil?.toISOString() ?? null };
    }
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto('goodsChange').values({
        productId, kind, payload: JSON.stringify(payload), status: 'pending', submittedBy: actor.id, submittedAt: at, reviewedBy: null, reviewedAt: null, reason: null,
      }).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: `goods.change.submit`, entityType: 'goods_product', entityId: String(productId), after: { change: row.id, kind, payload } }, at);
      return changeView(row);
    });
  }

  /** A second person (never the submitter: SELF_REVIEW) approves a change, which applies it, or rejects it with a reason. */
  async review(actor: Actor, changeId: number, decision: { approve: true } | { approve: false; reason: string }): Promise<ChangeView> {
    requireRole(actor, ROLES);
    if (!decision.approve && !decision.reason.trim()) throw new AppError('INVALID_INPUT', { detail: l10n('驳回需要说明原因', 'A rejection needs a reason') });
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const c = await tx.selectFrom('goodsChange').selectAll().where('id', '=', changeId).forUpdate().executeTakeFirst();
      if (!c) throw new AppError('CHANGE_NOT_FOUND');
      if (c.status !== 'pending') throw new AppError('REVIEW_NOT_PENDING');
      if (c.submittedBy === actor.id) throw new AppError('SELF_REVIEW');
      const before = await this.get(c.productId, {}, tx);
      if (decision.approve) await this.apply(tx, c, at);
      const row = await tx.updateTable('goodsChange').set({ status: decision.approve ? 'approved' : 'rejected', reviewedBy: actor.id, reviewedAt: at, reason: decision.approve ? null : decision.reason })
        .where('id', '=', changeId).returningAll().executeTakeFirstOrThrow();
      const after = decision.approve ? await this.get(c.productId, {}, tx) : undefined;
      await this.deps.audit.record(tx, actor, {
        action: decision.approve ? 'goods.change.approve' : 'goods.change.reject', entityType: 'goods_product', entityId: String(c.productId),
        before: decision.approve ? before : undefined, after: decision.approve ? after : { change: c.id, kind: c.kind }, ...(decision.approve ? {} : { reason: decision.reason }),
      }, at);
      return changeView(row);
    });
  }

  private async apply(tx: Db, c: ChangeRow, at: Date): Promise<void> {
    const p = c.payload;
    if (c.kind === 'details') {
      // Only what the change names; the search text from the names and brand as they now are.
      const { specs, ...rest } = detailsInputSchema.parse(p);
      const now = await tx.selectFrom('goodsProduct').select(['nameZh', 'nameEn', 'brand']).where('id', '=', c.productId).executeTakeFirstOrThrow();
      const named = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      await tx.updateTable('goodsProduct').set({
        ...named, ...(specs !== undefined ? { specs: JSON.stringify(specs) } : {}), searchText: searchText({ ...now, ...named }), updatedAt: at,
      }).where('id', '=', c.productId).execute();
    } else if (c.kind === 'sku') {
      const s = skuInputSchema.parse(p);
      await this.checkCodes(tx, [s.code]);
      const n = await tx.selectFrom('goodsSku').select((eb) => eb.fn.countAll<number>().as('n')).where('productId', '=', c.productId).executeTakeFirstOrThrow();
      await tx.insertInto('goodsSku').values({ ...s, attrs: JSON.stringify(s.attrs), productId: c.productId, sort: Number(n.n) }).execute();
    } else if (c.kind === 'price') {
      const pr = priceInputSchema.parse(p);
      await tx.updateTable('goodsSku').set({ listFen: pr.listFen, saleFen: pr.saleFen, ...(pr.points !== undefined ? { points: pr.points } : {}) })
        .where('id', '=', pr.skuId).where('productId', '=', c.productId).execute();
    } else {
      const l = listingInputSchema.parse(p);
      await tx.insertInto('goodsListing').values({ productId: c.productId, channel: l.channel, listedFrom: l.listedFrom, listedUntil: l.listedUntil })
        .onConflict((oc) => oc.columns(['productId', 'channel']).doUpdateSet({ listedFrom: l.listedFrom, listedUntil: l.listedUntil })).execute();
    }
    if (c.kind !== 'details') await tx.updateTable('goodsProduct').set({ updatedAt: at }).where('id', '=', c.productId).execute();
  }

  /** Takes the product off sale on a channel at once (no review: withdrawing never waits); audited. */
  async unlist(actor: Actor, productId: number, channel: MallChannel, reason?: string): Promise<ProductView> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await this.get(productId, {}, tx);
      await tx.deleteFrom('goodsListing').where('productId', '=', productId).where('channel', '=', channel).execute();
      const after = await this.get(productId, {}, tx);
      await this.deps.audit.record(tx, actor, { action: 'goods.unlist', entityType: 'goods_product', entityId: String(productId), before: before.listings, after: after.listings, ...(reason ? { reason } : {}) }, at);
      return after;
    });
  }

  async changes(opts: { status?: 'pending' | 'approved' | 'rejected'; productId?: number } = {}): Promise<ChangeView[]> {
    let q = this.deps.db.selectFrom('goodsChange').selectAll().orderBy('id', 'desc').limit(500);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (opts.productId) q = q.where('productId', '=', opts.productId);
    return (await q.execute()).map(changeView);
  }
}
