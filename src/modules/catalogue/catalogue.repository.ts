// SQL on the catalogue's own tables (tables.ts), and nothing else. Every function takes the
// executor it runs on: the database, or the transaction of a change that spans modules.
import { sql, type Expression, type ExpressionBuilder, type Insertable, type SqlBool, type Updateable } from 'kysely';
import { withSavepoint, type Db } from '../../platform/db/index.ts';
import { FixedQuery } from '../../platform/db/fixed-query.ts';
import type { Database } from '../../platform/db/database.ts';
import type { OfferingView } from './offering.ts';
import type {
  BusinessChannelTable, CatalogueEventTable, Eligibility, LifecycleStatus, OfferingEventTable, OfferingKind, OfferingPriceTable,
  OfferingReviewTable, OfferingTable,
} from './tables.ts';

export type { Page } from '../../platform/db/page.ts';
import type { Page } from '../../platform/db/page.ts';

function isPgError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === code;
}

/** A unique index refused the row (e.g. an offering code already in use, a second pending review). */
export const isUniqueViolation = (e: unknown): boolean => isPgError(e, '23505');
const isForeignKeyViolation = (e: unknown): boolean => isPgError(e, '23503');

// ---- offerings as businesses see them (complete ones only) ----------------------------------

const viewColumns = [
  'o.id', 'o.kind', 'o.code', 'o.nameZh', 'o.nameEn', 'o.descriptionZh', 'o.descriptionEn',
  'o.dataMb', 'o.voiceMin', 'o.sms', 'o.validityDays', 'o.eligibility', 'o.channels', 'o.lifecycleStatus',
  'o.testMsisdns', 'o.launchAt', 'o.retireAt', 'p.amountFen as priceFen', 'p.priceType',
] as const;

/** Offerings with a kind, a code and a priced price: the only ones a subscriber can meet. */
function viewQuery(q: Db) {
  return q.selectFrom('offering as o').innerJoin('offeringPrice as p', 'p.id', 'o.priceId').select(viewColumns)
    .where('o.kind', 'is not', null).where('o.code', 'is not', null).where('p.amountFen', 'is not', null);
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['executeTakeFirstOrThrow']>>;

function toView(r: ViewRow): OfferingView {
  return { ...r, kind: r.kind!, code: r.code!, priceFen: r.priceFen!, eligibility: r.eligibility ?? {} };
}

/** Every complete offering, cheapest first and then by id (the order lists show them in). */
export async function loadViews(q: Db): Promise<OfferingView[]> {
  return (await viewQuery(q).orderBy('p.amountFen').orderBy('o.id').execute()).map(toView);
}

/** One offering by id: what every charge's transaction reads, compiled once (platform/db/fixed-query.ts). */
export const offeringById = new FixedQuery((q: Db, id: string) => viewQuery(q).where('o.id', '=', id));

export async function viewById(q: Db, id: string): Promise<OfferingView | undefined> {
  const r = await offeringById.first(q, id);
  return r && toView(r);
}

export async function viewsByIds(q: Db, ids: readonly string[]): Promise<OfferingView[]> {
  if (ids.length === 0) return [];
  return (await viewQuery(q).where('o.id', 'in', [...ids]).execute()).map(toView);
}

/** Offerings that are on sale to someone (launched, or in test), of these kinds. */
export async function listedViews(q: Db, kinds: readonly OfferingKind[]): Promise<OfferingView[]> {
  if (kinds.length === 0) return [];
  return (await viewQuery(q).where('o.kind', 'in', [...kinds]).where('o.lifecycleStatus', 'in', ['Launched', 'In test'])
    .orderBy('p.amountFen').orderBy('o.id').execute()).map(toView);
}

// ---- offerings as staff see them ------------------------------------------------------------

export interface OfferingFilter {
  id?: string[];
  lifecycleStatus?: string[];
  /** Exact zh-CN names (TMF620's `name` filter). */
  name?: string[];
  /** Words to find in either name or the code (the console's search box). */
  text?: string;
  kind?: string[];
  channel?: string[];
  priceId?: string[];
  code?: string[];
}

function offeringBase(q: Db) {
  return q.selectFrom('offering').leftJoin('offeringPrice', 'offeringPrice.id', 'offering.priceId');
}

function offeringWhere(f: OfferingFilter) {
  return (eb: ExpressionBuilder<Database, 'offering' | 'offeringPrice'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (f.id) all.push(eb('offering.id', 'in', f.id));
    if (f.lifecycleStatus) all.push(eb('offering.lifecycleStatus', 'in', f.lifecycleStatus as LifecycleStatus[]));
    if (f.name) all.push(eb('offering.nameZh', 'in', f.name));
    if (f.kind) all.push(eb('offering.kind', 'in', f.kind as OfferingKind[]));
    // `&&`: the offering is sold on at least one of the channels asked for.
    if (f.channel) all.push(eb('offering.channels', '&&', eb.val(f.channel)));
    if (f.priceId) all.push(eb('offering.priceId', 'in', f.priceId));
    if (f.code) all.push(eb('offering.code', 'in', f.code));
    if (f.text) {
      const like = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      all.push(eb.or([eb('offering.nameZh', 'ilike', like), eb('offering.nameEn', 'ilike', like), eb('offering.code', 'ilike', like)]));
    }
    return eb.and(all);
  };
}

const offeringColumns = [
  'offering.id', 'offering.kind', 'offering.code', 'offering.nameZh', 'offering.nameEn', 'offering.descriptionZh',
  'offering.descriptionEn', 'offering.priceId', 'offering.dataMb', 'offering.voiceMin', 'offering.sms',
  'offering.validityDays', 'offering.eligibility', 'offering.channels', 'offering.lifecycleStatus', 'offering.version',
  'offering.testMsisdns', 'offering.launchAt', 'offering.retireAt', 'offering.revision',
  'offering.createdAt', 'offering.lastUpdate', 'offeringPrice.nameZh as priceNameZh', 'offeringPrice.amountFen as priceFen',
  'offeringPrice.priceType',
] as const;

export type OfferingRow = NonNullable<Awaited<ReturnType<typeof getOffering>>>;

export type OfferingSort = 'id' | 'nameZh' | 'lastUpdate' | 'priceFen' | 'lifecycleStatus';

export async function listOfferings(q: Db, f: OfferingFilter, p: Page, sort: { by: OfferingSort; desc: boolean } = { by: 'id', desc: false }) {
  const where = offeringWhere(f);
  const col = sort.by === 'priceFen' ? 'offeringPrice.amountFen' : (`offering.${sort.by}` as const);
  const dir = sort.desc ? 'desc' : 'asc';
  const [rows, count] = await Promise.all([
    offeringBase(q).where(where).select(offeringColumns).orderBy(col, dir).orderBy('offering.id').offset(p.offset).limit(p.limit).execute(),
    offeringBase(q).where(where).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function getOffering(q: Db, id: string, opts: { forUpdate?: boolean } = {}) {
  const base = offeringBase(q).where('offering.id', '=', id).select(offeringColumns);
  // The price row is not locked: only the offering is changed under the lock.
  return (opts.forUpdate ? base.forUpdate('offering') : base).executeTakeFirst();
}

export async function insertOffering(q: Db, row: Insertable<OfferingTable>): Promise<void> {
  await q.insertInto('offering').values(row).execute();
}

/**
 * Changes an offering if it is still at `revision` (null: whatever it is), and bumps the revision.
 * False when someone else changed it first.
 */
export async function updateOffering(q: Db, id: string, revision: number | null, set: Updateable<OfferingTable>): Promise<boolean> {
  let u = q.updateTable('offering').set({ ...set, revision: sql<number>`revision + 1` }).where('id', '=', id);
  if (revision !== null) u = u.where('revision', '=', revision);
  const r = await u.executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/**
 * Deletes what nothing refers to; retires (lifecycleStatus Retired) what something still refers
 * to: a subscription, a subscriber's plan, a reward or any table another module adds later. The
 * database's foreign keys decide, so no list of referring tables has to be kept here.
 */
async function deleteOrRetire(q: Db, table: 'offering' | 'offeringPrice', id: string, now: Date): Promise<'deleted' | 'retired' | 'missing'> {
  try {
    // A savepoint of its own, so the refused delete leaves the caller's transaction usable.
    const r = await withSavepoint(q, (t) => t.deleteFrom(table).where('id', '=', id).executeTakeFirst());
    return r.numDeletedRows > 0n ? 'deleted' : 'missing';
  } catch (e) {
    if (!isForeignKeyViolation(e)) throw e;
  }
  await q.updateTable(table).set({ lifecycleStatus: 'Retired', lastUpdate: now }).where('id', '=', id).execute();
  return 'retired';
}

export const deleteOrRetireOffering = (q: Db, id: string, now: Date) => deleteOrRetire(q, 'offering', id, now);

/** Offerings whose scheduled launch or retirement has come, for the sweep to record. */
export async function dueSchedules(q: Db, at: Date) {
  return q.selectFrom('offering').select(['id', 'lifecycleStatus', 'launchAt', 'retireAt'])
    .where((eb) => eb.or([
      eb.and([eb('lifecycleStatus', '=', 'In test'), eb('launchAt', '<=', at)]),
      eb.and([eb('lifecycleStatus', 'in', ['Launched', 'In test']), eb('retireAt', '<=', at)]),
    ]))
    .execute();
}

export async function countByStatus(q: Db): Promise<Record<string, number>> {
  const rows = await q.selectFrom('offering').select(['lifecycleStatus', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('lifecycleStatus').execute();
  return Object.fromEntries(rows.map((r) => [r.lifecycleStatus, Number(r.n)]));
}

// ---- history, reviews, events ---------------------------------------------------------------

export async function insertEvent(q: Db, e: Insertable<OfferingEventTable>): Promise<void> {
  await q.insertInto('offeringEvent').values(e).execute();
}

export function eventsOf(q: Db, offeringId: string) {
  return q.selectFrom('offeringEvent').selectAll().where('offeringId', '=', offeringId).orderBy('at').orderBy('id').execute();
}

export async function insertReview(q: Db, r: Insertable<OfferingReviewTable>): Promise<number> {
  return (await q.insertInto('offeringReview').values(r).returning('id').executeTakeFirstOrThrow()).id;
}

const reviewColumns = [
  'r.id', 'r.offeringId', 'r.kind', 'r.toStatus', 'r.channels', 'r.launchOn', 'r.reason', 'r.status', 'r.requestedById',
  'r.requestedByName', 'r.requestedAt', 'r.decidedById', 'r.decidedByName', 'r.decidedAt', 'r.decisionReason',
  'o.nameZh as offeringNameZh', 'o.nameEn as offeringNameEn',
] as const;

function reviewBase(q: Db) {
  return q.selectFrom('offeringReview as r').innerJoin('offering as o', 'o.id', 'r.offeringId').select(reviewColumns);
}

export type ReviewRow = NonNullable<Awaited<ReturnType<typeof getReview>>>;

export function getReview(q: Db, id: number, opts: { forUpdate?: boolean } = {}) {
  const base = reviewBase(q).where('r.id', '=', id);
  return (opts.forUpdate ? base.forUpdate('r') : base).executeTakeFirst();
}

export function reviews(q: Db, f: { status?: OfferingReviewTable['status']; offeringId?: string; requestedById?: number; limit?: number }) {
  let s = reviewBase(q);
  if (f.status) s = s.where('r.status', '=', f.status);
  if (f.offeringId) s = s.where('r.offeringId', '=', f.offeringId);
  if (f.requestedById !== undefined) s = s.where('r.requestedById', '=', f.requestedById);
  return s.orderBy('r.requestedAt', 'desc').orderBy('r.id', 'desc').limit(f.limit ?? 200).execute();
}

export async function decideReview(q: Db, id: number, set: Updateable<OfferingReviewTable>): Promise<boolean> {
  const r = await q.updateTable('offeringReview').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function insertCatalogueEvent(q: Db, e: Insertable<CatalogueEventTable>): Promise<void> {
  await q.insertInto('catalogueEvent').values(e).execute();
}

/** Catalogue events after `afterId`, oldest first: what a TMF630 listener has not been sent yet. */
export function catalogueEventsAfter(q: Db, afterId: number, limit: number) {
  return q.selectFrom('catalogueEvent').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export async function lastCatalogueEventId(q: Db): Promise<number> {
  const r = await q.selectFrom('catalogueEvent').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(r?.id ?? 0);
}

// ---- businesses per channel -----------------------------------------------------------------

export function businessChannels(q: Db) {
  return q.selectFrom('businessChannel').selectAll().execute();
}

export async function upsertBusinessChannel(q: Db, row: Insertable<BusinessChannelTable>): Promise<void> {
  await q.insertInto('businessChannel').values(row)
    .onConflict((oc) => oc.columns(['businessId', 'channel']).doUpdateSet({
      enabled: row.enabled, changedById: row.changedById, changedByName: row.changedByName, changedAt: row.changedAt, reason: row.reason,
    }))
    .execute();
}

// ---- prices ---------------------------------------------------------------------------------

export interface PriceFilter {
  id?: string[];
  lifecycleStatus?: string[];
  name?: string[];
  priceType?: string[];
}

function priceWhere(f: PriceFilter) {
  return (eb: ExpressionBuilder<Database, 'offeringPrice'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (f.id) all.push(eb('id', 'in', f.id));
    if (f.lifecycleStatus) all.push(eb('lifecycleStatus', 'in', f.lifecycleStatus as LifecycleStatus[]));
    if (f.name) all.push(eb('nameZh', 'in', f.name));
    if (f.priceType) all.push(eb('priceType', 'in', f.priceType as OfferingPriceTable['priceType'][]));
    return eb.and(all);
  };
}

export async function listPrices(q: Db, f: PriceFilter, p: Page) {
  const where = priceWhere(f);
  const [rows, count] = await Promise.all([
    q.selectFrom('offeringPrice').where(where).selectAll().orderBy('id').offset(p.offset).limit(p.limit).execute(),
    q.selectFrom('offeringPrice').where(where).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function getPrice(q: Db, id: string) {
  return q.selectFrom('offeringPrice').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertPrice(q: Db, row: Insertable<OfferingPriceTable>): Promise<void> {
  await q.insertInto('offeringPrice').values(row).execute();
}

export async function updatePrice(q: Db, id: string, set: Updateable<OfferingPriceTable>): Promise<void> {
  await q.updateTable('offeringPrice').set(set).where('id', '=', id).execute();
}

/** Offerings that use a price, with their status: a launched one's price is not changed in place. */
export function offeringsUsingPrice(q: Db, priceId: string) {
  return q.selectFrom('offering').select(['id', 'lifecycleStatus']).where('priceId', '=', priceId).execute();
}

export const deleteOrRetirePrice = (q: Db, id: string, now: Date) => deleteOrRetire(q, 'offeringPrice', id, now);

export type { Eligibility };
