// The rules of TMF620's resources beside offerings: product specifications, categories, catalogs,
// price writes, and which category and specification an offering belongs to. Product staff
// write; every change is audited and recorded as a catalogue event in its own transaction.
import type { Db } from '../../platform/db/index.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import type { CatalogueCache } from './catalogue-cache.ts';
import * as catalogue from './catalogue.repository.ts';
import * as repo from './resources.repository.ts';
import type { SpecCharacteristic } from './resources.tables.ts';
import type { LifecycleStatus } from './tables.ts';

export type { CatalogRow, CategoryRow, OfferingRelations, ResourceFilter, SpecificationRow } from './resources.repository.ts';

/** The largest amount a price stores (a PostgreSQL `integer` of fen). */
const MAX_PRICE_FEN = 2_147_483_647;
/** Offerings in these statuses are sold (or to testers): their price is not changed in place. */
const SOLD: readonly LifecycleStatus[] = ['Launched', 'In test'];
/** Statuses in which an offering's content, its relations included, may still change. */
const EDITABLE: readonly LifecycleStatus[] = ['In study', 'In design', 'In test', 'Rejected'];

export interface SpecificationInput {
  nameZh?: string;
  nameEn?: string;
  descriptionZh?: string;
  brand?: string | null;
  productNumber?: string | null;
  version?: string;
  lifecycleStatus?: LifecycleStatus;
  characteristics?: SpecCharacteristic[];
}

export interface CategoryInput {
  nameZh?: string;
  nameEn?: string;
  descriptionZh?: string;
  parentId?: string | null;
  version?: string;
  lifecycleStatus?: LifecycleStatus;
}

export interface CatalogInput {
  nameZh?: string;
  nameEn?: string;
  descriptionZh?: string;
  catalogType?: string;
  version?: string;
  lifecycleStatus?: LifecycleStatus;
  categoryIds?: string[];
}

export interface PriceInput {
  nameZh?: string;
  nameEn?: string;
  priceType?: 'recurring' | 'oneTime';
  /** Null: not priced yet (an offering with it is not sellable). */
  amountFen?: number | null;
  lifecycleStatus?: LifecycleStatus;
}

export interface ResourcesDeps {
  db: Db;
  clock: Clock;
  random: Random;
  cache: CatalogueCache;
  audit: AuditLog;
}

function invalid(zh: string, en: string): AppError {
  return new AppError('INVALID_INPUT', { detail: l10n(zh, en) });
}

function notFound(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', { detail: l10n(`没有这个${what === 'productSpecification' ? '产品规格' : what === 'category' ? '类别' : what === 'catalog' ? '目录' : '价格'}：${id}`, `No ${what} ${id}`) });
}

function checkName(n: string | undefined): void {
  if (n !== undefined && n.trim() === '') throw invalid('名称不能为空', 'A name cannot be empty');
}

function checkAmount(fen: number | null | undefined): void {
  if (fen === undefined || fen === null) return;
  if (!Number.isInteger(fen) || fen < 0 || fen > MAX_PRICE_FEN) throw invalid('金额超出范围', 'The amount is out of range');
}

/** Only the attributes that are given, so `{ name: undefined }` never clears anything. */
function given<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type EventKind = 'Create' | 'AttributeValueChange' | 'StateChange' | 'Delete';

export class ResourcesService {
  constructor(private readonly d: ResourcesDeps) {}

  /** One change in one transaction; the catalogue snapshot is forgotten after, as prices feed quotes. */
  private async change<T>(work: (q: Db, now: Date) => Promise<T>): Promise<T> {
    const now = this.d.clock.now();
    const out = await this.d.db.transaction().execute((trx) => work(trx, now));
    this.d.cache.invalidate();
    return out;
  }

  private async event(q: Db, now: Date, resourceType: string, kind: EventKind, id: string, payload: Record<string, unknown>): Promise<void> {
    await catalogue.insertCatalogueEvent(q, { at: now, eventType: `${resourceType}${kind}Event`, resourceType, resourceId: id, payload: JSON.stringify(payload) });
  }

  /** AttributeValueChange when anything but the status changed, StateChange when the status did. */
  private async changeEvents(q: Db, now: Date, resourceType: string, id: string, p: { lifecycleStatus?: unknown }, before: { lifecycleStatus: string }, payload: Record<string, unknown>): Promise<void> {
    const { lifecycleStatus, ...rest } = given(p as Record<string, unknown>);
    if (Object.keys(rest).length > 0) await this.event(q, now, resourceType, 'AttributeValueChange', id, payload);
    if (lifecycleStatus !== undefined && lifecycleStatus !== before.lifecycleStatus) await this.event(q, now, resourceType, 'StateChange', id, payload);
  }

  // ---- specifications -----------------------------------------------------------------------

  listSpecifications(f: repo.ResourceFilter, page: catalogue.Page) {
    return repo.listSpecifications(this.d.db, f, page);
  }

  getSpecification(id: string) {
    return repo.getSpecification(this.d.db, id);
  }

  async createSpecification(actor: Actor, input: SpecificationInput & { nameZh: string }): Promise<repo.SpecificationRow> {
    requireRole(actor, ['product']);
    checkName(input.nameZh);
    const id = this.d.random.uuid();
    return this.change(async (q, now) => {
      await repo.insertSpecification(q, {
        id, nameZh: input.nameZh, nameEn: input.nameEn ?? input.nameZh, descriptionZh: input.descriptionZh ?? '', brand: input.brand ?? null,
        productNumber: input.productNumber ?? null, version: input.version ?? '1.0', lifecycleStatus: input.lifecycleStatus ?? 'In design',
        characteristics: JSON.stringify(input.characteristics ?? []), createdAt: now, lastUpdate: now,
      });
      const row = (await repo.getSpecification(q, id))!;
      await this.d.audit.record(q, actor, { action: 'specification.create', entityType: 'productSpecification', entityId: id, after: row }, now);
      await this.event(q, now, 'ProductSpecification', 'Create', id, { productSpecification: row });
      return row;
    });
  }

  async updateSpecification(actor: Actor, id: string, p: SpecificationInput): Promise<repo.SpecificationRow> {
    requireRole(actor, ['product']);
    checkName(p.nameZh);
    return this.change(async (q, now) => {
      const cur = await repo.getSpecification(q, id, { forUpdate: true });
      if (!cur) throw notFound('productSpecification', id);
      const { characteristics, ...rest } = p;
      await repo.updateSpecification(q, id, { ...given(rest), ...(characteristics !== undefined ? { characteristics: JSON.stringify(characteristics) } : {}), lastUpdate: now });
      const row = (await repo.getSpecification(q, id))!;
      await this.d.audit.record(q, actor, { action: 'specification.update', entityType: 'productSpecification', entityId: id, before: cur, after: row }, now);
      await this.changeEvents(q, now, 'ProductSpecification', id, p, cur, { productSpecification: row });
      return row;
    });
  }

  /** Deletes a specification no offering refers to; retires one that an offering does. */
  async removeSpecification(actor: Actor, id: string): Promise<'deleted' | 'retired'> {
    requireRole(actor, ['product']);
    return this.change(async (q, now) => {
      const cur = await repo.getSpecification(q, id, { forUpdate: true });
      if (!cur) throw notFound('productSpecification', id);
      const outcome = await repo.deleteOrRetireSpecification(q, id, now);
      if (outcome === 'missing') throw notFound('productSpecification', id);
      await this.d.audit.record(q, actor, { action: outcome === 'deleted' ? 'specification.delete' : 'specification.retire', entityType: 'productSpecification', entityId: id, before: cur }, now);
      const row = outcome === 'deleted' ? cur : (await repo.getSpecification(q, id))!;
      await this.event(q, now, 'ProductSpecification', outcome === 'deleted' ? 'Delete' : 'StateChange', id, { productSpecification: row });
      return outcome;
    });
  }

  // ---- categories ---------------------------------------------------------------------------

  listCategories(f: repo.ResourceFilter & { parentId?: string[] }, page: catalogue.Page) {
    return repo.listCategories(this.d.db, f, page);
  }

  getCategory(id: string) {
    return repo.getCategory(this.d.db, id);
  }

  categoriesByIds(ids: readonly string[]) {
    return repo.categoriesByIds(this.d.db, ids);
  }

  /** Sub-category ids of each category. */
  subCategories(ids: readonly string[]) {
    return repo.childrenOf(this.d.db, ids);
  }

  private async checkParent(q: Db, id: string, parentId: string | null | undefined): Promise<void> {
    if (parentId === undefined || parentId === null) return;
    if (!(await repo.getCategory(q, parentId))) throw invalid(`上级类别不存在：${parentId}`, `The parent category ${parentId} does not exist`);
    if (await repo.isAncestorOrSelf(q, id, parentId)) throw invalid('类别不能成为自己的下级', 'A category cannot be its own sub-category');
  }

  private async categoryPayload(q: Db, id: string) {
    const row = (await repo.getCategory(q, id))!;
    return { row, payload: { category: row, subCategoryIds: (await repo.childrenOf(q, [id])).get(id) ?? [] } };
  }

  async createCategory(actor: Actor, input: CategoryInput & { nameZh: string }): Promise<repo.CategoryRow> {
    requireRole(actor, ['product']);
    checkName(input.nameZh);
    const id = this.d.random.uuid();
    return this.change(async (q, now) => {
      await this.checkParent(q, id, input.parentId);
      await repo.insertCategory(q, {
        id, nameZh: input.nameZh, nameEn: input.nameEn ?? input.nameZh, descriptionZh: input.descriptionZh ?? '', parentId: input.parentId ?? null,
        kind: null, version: input.version ?? '1.0', lifecycleStatus: input.lifecycleStatus ?? 'In design', createdAt: now, lastUpdate: now,
      });
      const { row, payload } = await this.categoryPayload(q, id);
      await this.d.audit.record(q, actor, { action: 'category.create', entityType: 'category', entityId: id, after: row }, now);
      await this.event(q, now, 'Category', 'Create', id, payload);
      return row;
    });
  }

  /** The categories that are offering kinds keep their place and status: businesses and channels rely on them. */
  async updateCategory(actor: Actor, id: string, p: CategoryInput): Promise<repo.CategoryRow> {
    requireRole(actor, ['product']);
    checkName(p.nameZh);
    return this.change(async (q, now) => {
      const cur = await repo.getCategory(q, id, { forUpdate: true });
      if (!cur) throw notFound('category', id);
      if (cur.kind !== null && ((p.parentId !== undefined && p.parentId !== cur.parentId) || (p.lifecycleStatus !== undefined && p.lifecycleStatus !== cur.lifecycleStatus))) {
        throw new AppError('NOT_EDITABLE', { detail: l10n('产品类别对应的分类不能移动或改变状态', 'A category that is an offering kind cannot move or change its status') });
      }
      await this.checkParent(q, id, p.parentId);
      await repo.updateCategory(q, id, { ...given(p), lastUpdate: now });
      const { row, payload } = await this.categoryPayload(q, id);
      await this.d.audit.record(q, actor, { action: 'category.update', entityType: 'category', entityId: id, before: cur, after: row }, now);
      await this.changeEvents(q, now, 'Category', id, p, cur, payload);
      return row;
    });
  }

  async removeCategory(actor: Actor, id: string): Promise<void> {
    requireRole(actor, ['product']);
    await this.change(async (q, now) => {
      const cur = await repo.getCategory(q, id, { forUpdate: true });
      if (!cur) throw notFound('category', id);
      if (cur.kind !== null) throw new AppError('NOT_EDITABLE', { detail: l10n('产品类别对应的分类不能删除', 'A category that is an offering kind cannot be deleted') });
      if (!(await repo.deleteCategory(q, id))) throw new AppError('NOT_EDITABLE', { detail: l10n('请先删除或移走下级类别', 'Delete or move its sub-categories first') });
      await this.d.audit.record(q, actor, { action: 'category.delete', entityType: 'category', entityId: id, before: cur }, now);
      await this.event(q, now, 'Category', 'Delete', id, { category: cur, subCategoryIds: [] });
    });
  }

  // ---- catalogs -----------------------------------------------------------------------------

  async listCatalogs(f: repo.ResourceFilter & { categoryId?: string[] }, page: catalogue.Page) {
    let ids = f.id;
    if (f.categoryId) {
      const having = await repo.catalogIdsWithCategories(this.d.db, f.categoryId);
      ids = ids ? ids.filter((i) => having.includes(i)) : having;
    }
    const { rows, total } = await repo.listCatalogs(this.d.db, { ...f, id: ids }, page);
    const cats = await repo.catalogCategories(this.d.db, rows.map((r) => r.id));
    return { rows: rows.map((r) => ({ ...r, categoryIds: cats.get(r.id) ?? [] })), total };
  }

  async getCatalog(id: string) {
    const r = await repo.getCatalog(this.d.db, id);
    if (!r) return undefined;
    return { ...r, categoryIds: (await repo.catalogCategories(this.d.db, [id])).get(id) ?? [] };
  }

  private async checkCategories(q: Db, ids: readonly string[] | undefined): Promise<void> {
    if (!ids?.length) return;
    const found = new Set((await repo.categoriesByIds(q, ids)).map((c) => c.id));
    const missing = ids.filter((i) => !found.has(i));
    if (missing.length) throw invalid(`类别不存在：${missing.join('、')}`, `No category ${missing.join(', ')}`);
  }

  private async catalogPayload(q: Db, id: string) {
    const row = (await repo.getCatalog(q, id))!;
    const categoryIds = (await repo.catalogCategories(q, [id])).get(id) ?? [];
    return { row: { ...row, categoryIds }, payload: { catalog: row, categoryIds } };
  }

  async createCatalog(actor: Actor, input: CatalogInput & { nameZh: string }) {
    requireRole(actor, ['product']);
    checkName(input.nameZh);
    const id = this.d.random.uuid();
    return this.change(async (q, now) => {
      await this.checkCategories(q, input.categoryIds);
      await repo.insertCatalog(q, {
        id, nameZh: input.nameZh, nameEn: input.nameEn ?? input.nameZh, descriptionZh: input.descriptionZh ?? '', catalogType: input.catalogType ?? 'ProductCatalog',
        version: input.version ?? '1.0', lifecycleStatus: input.lifecycleStatus ?? 'In design', createdAt: now, lastUpdate: now,
      });
      await repo.setCatalogCategories(q, id, [...new Set(input.categoryIds ?? [])]);
      const { row, payload } = await this.catalogPayload(q, id);
      await this.d.audit.record(q, actor, { action: 'catalog.create', entityType: 'catalog', entityId: id, after: row }, now);
      await this.event(q, now, 'Catalog', 'Create', id, payload);
      return row;
    });
  }

  async updateCatalog(actor: Actor, id: string, p: CatalogInput) {
    requireRole(actor, ['product']);
    checkName(p.nameZh);
    return this.change(async (q, now) => {
      const cur = await repo.getCatalog(q, id, { forUpdate: true });
      if (!cur) throw notFound('catalog', id);
      await this.checkCategories(q, p.categoryIds);
      const { categoryIds, ...rest } = p;
      await repo.updateCatalog(q, id, { ...given(rest), lastUpdate: now });
      if (categoryIds !== undefined) await repo.setCatalogCategories(q, id, [...new Set(categoryIds)]);
      const { row, payload } = await this.catalogPayload(q, id);
      await this.d.audit.record(q, actor, { action: 'catalog.update', entityType: 'catalog', entityId: id, before: cur, after: row }, now);
      await this.changeEvents(q, now, 'Catalog', id, p, cur, payload);
      return row;
    });
  }

  async removeCatalog(actor: Actor, id: string): Promise<void> {
    requireRole(actor, ['product']);
    await this.change(async (q, now) => {
      const cur = await repo.getCatalog(q, id, { forUpdate: true });
      if (!cur) throw notFound('catalog', id);
      const categoryIds = (await repo.catalogCategories(q, [id])).get(id) ?? [];
      await repo.deleteCatalog(q, id);
      await this.d.audit.record(q, actor, { action: 'catalog.delete', entityType: 'catalog', entityId: id, before: { ...cur, categoryIds } }, now);
      await this.event(q, now, 'Catalog', 'Delete', id, { catalog: cur, categoryIds });
    });
  }

  // ---- prices -------------------------------------------------------------------------------

  /** Refuses a change to a price that subscribers (or testers) may be paying now. */
  private async assertPriceEditable(q: Db, id: string): Promise<void> {
    const users = await catalogue.offeringsUsingPrice(q, id);
    const sold = users.filter((u) => SOLD.includes(u.lifecycleStatus));
    if (sold.length) {
      throw new AppError('NOT_EDITABLE', {
        detail: l10n(`在售产品正在使用该价格（${sold.map((u) => u.id).join('、')}），请新建价格`, `Offerings on sale use this price (${sold.map((u) => u.id).join(', ')}); create a new price instead`),
      });
    }
  }

  async createPrice(actor: Actor, input: PriceInput & { nameZh: string; priceType: 'recurring' | 'oneTime' }) {
    requireRole(actor, ['product']);
    checkName(input.nameZh);
    checkAmount(input.amountFen);
    const id = this.d.random.uuid();
    return this.change(async (q, now) => {
      await catalogue.insertPrice(q, {
        id, nameZh: input.nameZh, nameEn: input.nameEn ?? input.nameZh, priceType: input.priceType,
        recurringPeriod: input.priceType === 'recurring' ? 'month' : null, amountFen: input.amountFen ?? null,
        lifecycleStatus: input.lifecycleStatus ?? 'In design', lastUpdate: now,
      });
      const row = (await catalogue.getPrice(q, id))!;
      await this.d.audit.record(q, actor, { action: 'price.create', entityType: 'price', entityId: id, after: row }, now);
      await this.event(q, now, 'ProductOfferingPrice', 'Create', id, { productOfferingPrice: row });
      return row;
    });
  }

  /** A price used by a launched or in-test offering is not changed in place (NOT_EDITABLE): make a new one. */
  async updatePrice(actor: Actor, id: string, p: PriceInput) {
    requireRole(actor, ['product']);
    checkName(p.nameZh);
    checkAmount(p.amountFen);
    return this.change(async (q, now) => {
      const cur = await catalogue.getPrice(q, id);
      if (!cur) throw notFound('productOfferingPrice', id);
      await this.assertPriceEditable(q, id);
      const priceType = p.priceType ?? cur.priceType;
      await catalogue.updatePrice(q, id, { ...given(p), recurringPeriod: priceType === 'recurring' ? 'month' : null, lastUpdate: now });
      const row = (await catalogue.getPrice(q, id))!;
      await this.d.audit.record(q, actor, { action: 'price.update', entityType: 'price', entityId: id, before: cur, after: row }, now);
      await this.changeEvents(q, now, 'ProductOfferingPrice', id, p, cur, { productOfferingPrice: row });
      return row;
    });
  }

  /** Deletes a price nothing uses; retires one that an offering no longer on sale uses; refuses one on sale. */
  async removePrice(actor: Actor, id: string): Promise<'deleted' | 'retired'> {
    requireRole(actor, ['product']);
    return this.change(async (q, now) => {
      const cur = await catalogue.getPrice(q, id);
      if (!cur) throw notFound('productOfferingPrice', id);
      await this.assertPriceEditable(q, id);
      const outcome = await catalogue.deleteOrRetirePrice(q, id, now);
      if (outcome === 'missing') throw notFound('productOfferingPrice', id);
      await this.d.audit.record(q, actor, { action: outcome === 'deleted' ? 'price.delete' : 'price.retire', entityType: 'price', entityId: id, before: cur }, now);
      const row = outcome === 'deleted' ? cur : (await catalogue.getPrice(q, id))!;
      await this.event(q, now, 'ProductOfferingPrice', outcome === 'deleted' ? 'Delete' : 'StateChange', id, { productOfferingPrice: row });
      return outcome;
    });
  }

  // ---- offerings' category and specification ------------------------------------------------

  offeringRelations(ids: readonly string[]) {
    return repo.offeringRelations(this.d.db, ids);
  }

  offeringIdsInCategories(categoryIds: readonly string[]) {
    return repo.offeringIdsInCategories(this.d.db, categoryIds);
  }

  offeringIdsWithSpecifications(ids: readonly string[]) {
    return repo.offeringIdsWithSpecifications(this.d.db, ids);
  }

  /**
   * Checks the relations a write is about to set, before the offering itself is written: unknown
   * categories or specifications are a bad request, and they are not to be found halfway.
   */
  async checkRelations(r: { categoryIds?: readonly string[]; specificationId?: string | null }): Promise<void> {
    await this.checkCategories(this.d.db, r.categoryIds);
    const kinds = (await repo.categoriesByIds(this.d.db, r.categoryIds ?? [])).filter((c) => c.kind !== null);
    if (kinds.length) throw invalid('产品类别请用 category 的第一个值或 omnihall.kind', 'At most one category may be an offering kind');
    if (r.specificationId && !(await repo.getSpecification(this.d.db, r.specificationId))) {
      throw invalid(`产品规格不存在：${r.specificationId}`, `productSpecification ${r.specificationId} does not exist`);
    }
  }

  /**
   * Puts an offering in these categories (besides its kind's) and on this specification. Like any
   * change of content it needs the offering editable and, with `revision`, unchanged since it was
   * read (CONFLICT otherwise); it bumps the revision and records an attribute change.
   */
  async setOfferingRelations(actor: Actor, id: string, revision: number | null, r: { categoryIds?: string[]; specificationId?: string | null }): Promise<void> {
    requireRole(actor, ['product']);
    await this.change(async (q, now) => {
      const cur = await repo.lockOffering(q, id);
      if (!cur) throw new AppError('OFFERING_NOT_FOUND');
      if (revision !== null && cur.revision !== revision) throw new AppError('CONFLICT', { extra: { revision: cur.revision } });
      if (!EDITABLE.includes(cur.lifecycleStatus)) throw new AppError('NOT_EDITABLE');
      await this.checkCategories(q, r.categoryIds);
      if (r.specificationId && !(await repo.getSpecification(q, r.specificationId))) {
        throw invalid(`产品规格不存在：${r.specificationId}`, `productSpecification ${r.specificationId} does not exist`);
      }
      const before = (await repo.offeringRelations(q, [id])).get(id)!;
      if (r.categoryIds !== undefined) await repo.setOfferingCategories(q, id, [...new Set(r.categoryIds)]);
      if (r.specificationId !== undefined) await repo.setOfferingSpecification(q, id, r.specificationId);
      await repo.touchOffering(q, id, now);
      const relations = (await repo.offeringRelations(q, [id])).get(id)!;
      await this.d.audit.record(q, actor, { action: 'offering.relations', entityType: 'offering', entityId: id, before, after: relations }, now);
      await this.event(q, now, 'ProductOffering', 'AttributeValueChange', id, { offering: await catalogue.getOffering(q, id), relations });
    });
  }
}
