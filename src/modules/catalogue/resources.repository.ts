// SQL on the catalogue's TMF620 resources (resources.tables.ts): specifications, categories,
// catalogs and the offering relations. Every function takes the executor it runs on.
import { sql, type Expression, type ExpressionBuilder, type Insertable, type SqlBool, type Updateable } from 'kysely';
import { withSavepoint, type Db } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Page } from '../../platform/db/page.ts';
import type { LifecycleStatus } from './tables.ts';
import type { CatalogTable, CategoryTable, ProductSpecificationTable } from './resources.tables.ts';

function isPgError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === code;
}
export const isForeignKeyViolation = (e: unknown): boolean => isPgError(e, '23503');
export const isUniqueViolation = (e: unknown): boolean => isPgError(e, '23505');

/** What the lists of these resources filter on: any of the values given. */
export interface ResourceFilter {
  id?: string[];
  lifecycleStatus?: string[];
  /** Exact zh-CN names (TMF's `name`). */
  name?: string[];
}

type Table = 'productSpecification' | 'category' | 'catalog';

function where<T extends Table>(f: ResourceFilter & { parentId?: string[] }) {
  return (eb: ExpressionBuilder<Database, T>): Expression<SqlBool> => {
    const e = eb as unknown as ExpressionBuilder<Database, 'category'>;
    const all: Expression<SqlBool>[] = [];
    if (f.id) all.push(e('id', 'in', f.id));
    if (f.lifecycleStatus) all.push(e('lifecycleStatus', 'in', f.lifecycleStatus as LifecycleStatus[]));
    if (f.name) all.push(e('nameZh', 'in', f.name));
    if (f.parentId) all.push(e('parentId', 'in', f.parentId));
    return e.and(all);
  };
}

async function list<T extends Table>(q: Db, table: T, f: ResourceFilter & { parentId?: string[] }, p: Page) {
  const w = where<T>(f) as never;
  const [rows, count] = await Promise.all([
    q.selectFrom(table as 'category').where(w).selectAll().orderBy('id').offset(p.offset).limit(p.limit).execute(),
    q.selectFrom(table as 'category').where(w).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

// ---- specifications -------------------------------------------------------------------------

export async function listSpecifications(q: Db, f: ResourceFilter, p: Page) {
  const r = await list(q, 'productSpecification', f, p);
  return r as unknown as { rows: SpecificationRow[]; total: number };
}

export type SpecificationRow = NonNullable<Awaited<ReturnType<typeof getSpecification>>>;

export function getSpecification(q: Db, id: string, opts: { forUpdate?: boolean } = {}) {
  const s = q.selectFrom('productSpecification').selectAll().where('id', '=', id);
  return (opts.forUpdate ? s.forUpdate() : s).executeTakeFirst();
}

export async function insertSpecification(q: Db, row: Insertable<ProductSpecificationTable>): Promise<void> {
  await q.insertInto('productSpecification').values(row).execute();
}

export async function updateSpecification(q: Db, id: string, set: Updateable<ProductSpecificationTable>): Promise<void> {
  await q.updateTable('productSpecification').set(set).where('id', '=', id).execute();
}

/**
 * Deletes what nothing refers to; retires what an offering still refers to. The foreign keys
 * decide, in a savepoint so the refused delete leaves the caller's transaction usable.
 */
export async function deleteOrRetireSpecification(q: Db, id: string, now: Date): Promise<'deleted' | 'retired' | 'missing'> {
  try {
    const r = await withSavepoint(q, (t) => t.deleteFrom('productSpecification').where('id', '=', id).executeTakeFirst());
    return r.numDeletedRows > 0n ? 'deleted' : 'missing';
  } catch (e) {
    if (!isForeignKeyViolation(e)) throw e;
  }
  await q.updateTable('productSpecification').set({ lifecycleStatus: 'Retired', lastUpdate: now }).where('id', '=', id).execute();
  return 'retired';
}

// ---- categories -----------------------------------------------------------------------------

export type CategoryRow = NonNullable<Awaited<ReturnType<typeof getCategory>>>;

export async function listCategories(q: Db, f: ResourceFilter & { parentId?: string[] }, p: Page) {
  const r = await list(q, 'category', f, p);
  return r as unknown as { rows: CategoryRow[]; total: number };
}

export function getCategory(q: Db, id: string, opts: { forUpdate?: boolean } = {}) {
  const s = q.selectFrom('category').selectAll().where('id', '=', id);
  return (opts.forUpdate ? s.forUpdate() : s).executeTakeFirst();
}

export function categoriesByIds(q: Db, ids: readonly string[]): Promise<CategoryRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q.selectFrom('category').selectAll().where('id', 'in', [...ids]).orderBy('id').execute();
}

/** The ids of the sub-categories of each category asked for. */
export async function childrenOf(q: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await q.selectFrom('category').select(['id', 'parentId']).where('parentId', 'in', [...ids]).orderBy('id').execute();
  for (const r of rows) out.set(r.parentId!, [...(out.get(r.parentId!) ?? []), r.id]);
  return out;
}

/** Whether `ancestor` is `id` or one of its parents' parents: a category may not become its own descendant. */
export async function isAncestorOrSelf(q: Db, ancestor: string, id: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from category where id = ${id}
      union select c.id, c.parent_id from category c join up on c.id = up.parent_id
    )
    select exists (select 1 from up where id = ${ancestor}) as found`.execute(q);
  return r.rows[0]?.found === true;
}

export async function insertCategory(q: Db, row: Insertable<CategoryTable>): Promise<void> {
  await q.insertInto('category').values(row).execute();
}

export async function updateCategory(q: Db, id: string, set: Updateable<CategoryTable>): Promise<void> {
  await q.updateTable('category').set(set).where('id', '=', id).execute();
}

/** False when sub-categories still refer to it. */
export async function deleteCategory(q: Db, id: string): Promise<boolean> {
  try {
    await withSavepoint(q, (t) => t.deleteFrom('category').where('id', '=', id).execute());
    return true;
  } catch (e) {
    if (isForeignKeyViolation(e)) return false;
    throw e;
  }
}

// ---- catalogs -------------------------------------------------------------------------------

export type CatalogRow = NonNullable<Awaited<ReturnType<typeof getCatalog>>>;

export async function listCatalogs(q: Db, f: ResourceFilter, p: Page) {
  const r = await list(q, 'catalog', f, p);
  return r as unknown as { rows: CatalogRow[]; total: number };
}

export function getCatalog(q: Db, id: string, opts: { forUpdate?: boolean } = {}) {
  const s = q.selectFrom('catalog').selectAll().where('id', '=', id);
  return (opts.forUpdate ? s.forUpdate() : s).executeTakeFirst();
}

export async function insertCatalog(q: Db, row: Insertable<CatalogTable>): Promise<void> {
  await q.insertInto('catalog').values(row).execute();
}

export async function updateCatalog(q: Db, id: string, set: Updateable<CatalogTable>): Promise<void> {
  await q.updateTable('catalog').set(set).where('id', '=', id).execute();
}

export async function deleteCatalog(q: Db, id: string): Promise<boolean> {
  const r = await q.deleteFrom('catalog').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Each catalog's categories, by catalog id. */
export async function catalogCategories(q: Db, catalogIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (catalogIds.length === 0) return out;
  const rows = await q.selectFrom('catalogCategory').selectAll().where('catalogId', 'in', [...catalogIds]).orderBy('categoryId').execute();
  for (const r of rows) out.set(r.catalogId, [...(out.get(r.catalogId) ?? []), r.categoryId]);
  return out;
}

export async function setCatalogCategories(q: Db, catalogId: string, categoryIds: readonly string[]): Promise<void> {
  await q.deleteFrom('catalogCategory').where('catalogId', '=', catalogId).execute();
  if (categoryIds.length) await q.insertInto('catalogCategory').values(categoryIds.map((categoryId) => ({ catalogId, categoryId }))).execute();
}

/** Catalogs that hold any of these categories (TMF's `category.id` filter on catalogs). */
export async function catalogIdsWithCategories(q: Db, categoryIds: readonly string[]): Promise<string[]> {
  const rows = await q.selectFrom('catalogCategory').select('catalogId').distinct().where('categoryId', 'in', [...categoryIds]).execute();
  return rows.map((r) => r.catalogId);
}

// ---- offerings' relations -------------------------------------------------------------------

export interface OfferingRelations {
  /** Categories besides the kind's. */
  categoryIds: string[];
  specificationId: string | null;
}

export async function offeringRelations(q: Db, offeringIds: readonly string[]): Promise<Map<string, OfferingRelations>> {
  const out = new Map<string, OfferingRelations>(offeringIds.map((id) => [id, { categoryIds: [], specificationId: null }]));
  if (offeringIds.length === 0) return out;
  const [cats, specs] = await Promise.all([
    q.selectFrom('offeringCategory').selectAll().where('offeringId', 'in', [...offeringIds]).orderBy('categoryId').execute(),
    q.selectFrom('offeringSpecification').selectAll().where('offeringId', 'in', [...offeringIds]).execute(),
  ]);
  for (const c of cats) out.get(c.offeringId)?.categoryIds.push(c.categoryId);
  for (const s of specs) {
    const r = out.get(s.offeringId);
    if (r) r.specificationId = s.specificationId;
  }
  return out;
}

export async function setOfferingCategories(q: Db, offeringId: string, categoryIds: readonly string[]): Promise<void> {
  await q.deleteFrom('offeringCategory').where('offeringId', '=', offeringId).execute();
  if (categoryIds.length) await q.insertInto('offeringCategory').values(categoryIds.map((categoryId) => ({ offeringId, categoryId }))).execute();
}

export async function setOfferingSpecification(q: Db, offeringId: string, specificationId: string | null): Promise<void> {
  if (specificationId === null) {
    await q.deleteFrom('offeringSpecification').where('offeringId', '=', offeringId).execute();
    return;
  }
  await q.insertInto('offeringSpecification').values({ offeringId, specificationId })
    .onConflict((oc) => oc.column('offeringId').doUpdateSet({ specificationId })).execute();
}

/**
 * Offerings in any of these categories: by the kind a category stands for, or by membership.
 * (TMF's `category.id` filter on offerings.)
 */
export async function offeringIdsInCategories(q: Db, categoryIds: readonly string[]): Promise<string[]> {
  const ids = [...categoryIds];
  const rows = await q.selectFrom('offering').select('offering.id')
    .where((eb) => eb.or([
      eb('offering.kind', 'in', eb.selectFrom('category').select('category.kind').where('category.id', 'in', ids).where('category.kind', 'is not', null)),
      eb('offering.id', 'in', eb.selectFrom('offeringCategory').select('offeringCategory.offeringId').where('offeringCategory.categoryId', 'in', ids)),
    ]))
    .execute();
  return rows.map((r) => r.id);
}

export async function offeringIdsWithSpecifications(q: Db, specificationIds: readonly string[]): Promise<string[]> {
  const rows = await q.selectFrom('offeringSpecification').select('offeringId').where('specificationId', 'in', [...specificationIds]).execute();
  return rows.map((r) => r.offeringId);
}

/** Locks an offering and bumps its revision: a relation change is a change of the offering (its ETag). */
export async function lockOffering(q: Db, id: string) {
  return q.selectFrom('offering').select(['id', 'lifecycleStatus', 'revision']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function touchOffering(q: Db, id: string, now: Date): Promise<void> {
  await q.updateTable('offering').set({ lastUpdate: now, revision: sql<number>`revision + 1` }).where('id', '=', id).execute();
}
