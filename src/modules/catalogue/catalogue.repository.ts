// SQL behind TMF620: the catalogue's offering and offering_price tables, read and written here
// until the core catalogue has a service of its own for product managers.
import type { Expression, ExpressionBuilder, Insertable, SqlBool, Updateable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database, OfferingPriceTable, OfferingTable } from '../../platform/db/database.ts';
import type { Page } from '../../channels/tmf/common.ts';

export interface OfferingFilter {
  id?: string[];
  lifecycleStatus?: string[];
  name?: string[];
  kind?: string[];
  channel?: string[];
  priceId?: string[];
}

export interface PriceFilter {
  id?: string[];
  lifecycleStatus?: string[];
  name?: string[];
  priceType?: string[];
}

function isPgError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === code;
}

/** A unique index refused the row (e.g. an offering code already in use). */
export const isUniqueViolation = (e: unknown): boolean => isPgError(e, '23505');
const isForeignKeyViolation = (e: unknown): boolean => isPgError(e, '23503');

function offeringBase(db: Db) {
  return db.selectFrom('offering').innerJoin('offeringPrice', 'offeringPrice.id', 'offering.priceId');
}

function offeringWhere(f: OfferingFilter) {
  return (eb: ExpressionBuilder<Database, 'offering' | 'offeringPrice'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (f.id) all.push(eb('offering.id', 'in', f.id));
    if (f.lifecycleStatus) all.push(eb('offering.lifecycleStatus', 'in', f.lifecycleStatus as OfferingTable['lifecycleStatus'][]));
    if (f.name) all.push(eb('offering.nameZh', 'in', f.name));
    if (f.kind) all.push(eb('offering.kind', 'in', f.kind as OfferingTable['kind'][]));
    // `&&`: the offering is sold on at least one of the channels asked for.
    if (f.channel) all.push(eb('offering.channels', '&&', eb.val(f.channel)));
    if (f.priceId) all.push(eb('offering.priceId', 'in', f.priceId));
    return eb.and(all);
  };
}

const offeringColumns = [
  'offering.id', 'offering.kind', 'offering.code', 'offering.nameZh', 'offering.nameEn', 'offering.descriptionZh',
  'offering.descriptionEn', 'offering.priceId', 'offering.dataMb', 'offering.voiceMin', 'offering.sms',
  'offering.validityDays', 'offering.eligibility', 'offering.channels', 'offering.lifecycleStatus', 'offering.version',
  'offering.createdAt', 'offering.lastUpdate', 'offeringPrice.nameZh as priceNameZh',
] as const;

export type OfferingRow = NonNullable<Awaited<ReturnType<typeof getOffering>>>;

export async function listOfferings(db: Db, f: OfferingFilter, p: Page) {
  const where = offeringWhere(f);
  const [rows, count] = await Promise.all([
    offeringBase(db).where(where).select(offeringColumns).orderBy('offering.id').offset(p.offset).limit(p.limit).execute(),
    offeringBase(db).where(where).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function getOffering(db: Db, id: string) {
  return offeringBase(db).where('offering.id', '=', id).select(offeringColumns).executeTakeFirst();
}

export async function insertOffering(db: Db, row: Insertable<OfferingTable>): Promise<void> {
  await db.insertInto('offering').values(row).execute();
}

export async function updateOffering(db: Db, id: string, set: Updateable<OfferingTable>): Promise<void> {
  await db.updateTable('offering').set(set).where('id', '=', id).execute();
}

/**
 * Deletes what nothing refers to; retires (lifecycleStatus Retired) what something still refers
 * to: a subscription, a subscriber's plan, a reward or any table another module adds later. The
 * database's foreign keys decide, so no list of referring tables has to be kept here.
 */
async function deleteOrRetire(db: Db, table: 'offering' | 'offeringPrice', id: string, now: Date): Promise<'deleted' | 'retired' | 'missing'> {
  try {
    const r = await db.deleteFrom(table).where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n ? 'deleted' : 'missing';
  } catch (e) {
    if (!isForeignKeyViolation(e)) throw e;
  }
  await db.updateTable(table).set({ lifecycleStatus: 'Retired', lastUpdate: now }).where('id', '=', id).execute();
  return 'retired';
}

export const deleteOrRetireOffering = (db: Db, id: string, now: Date) => deleteOrRetire(db, 'offering', id, now);

// ---- prices ---------------------------------------------------------------------------------

function priceWhere(f: PriceFilter) {
  return (eb: ExpressionBuilder<Database, 'offeringPrice'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (f.id) all.push(eb('id', 'in', f.id));
    if (f.lifecycleStatus) all.push(eb('lifecycleStatus', 'in', f.lifecycleStatus as OfferingPriceTable['lifecycleStatus'][]));
    if (f.name) all.push(eb('nameZh', 'in', f.name));
    if (f.priceType) all.push(eb('priceType', 'in', f.priceType as OfferingPriceTable['priceType'][]));
    return eb.and(all);
  };
}

export async function listPrices(db: Db, f: PriceFilter, p: Page) {
  const where = priceWhere(f);
  const [rows, count] = await Promise.all([
    db.selectFrom('offeringPrice').where(where).selectAll().orderBy('id').offset(p.offset).limit(p.limit).execute(),
    db.selectFrom('offeringPrice').where(where).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function getPrice(db: Db, id: string) {
  return db.selectFrom('offeringPrice').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertPrice(db: Db, row: Insertable<OfferingPriceTable>): Promise<void> {
  await db.insertInto('offeringPrice').values(row).execute();
}

export async function updatePrice(db: Db, id: string, set: Updateable<OfferingPriceTable>): Promise<void> {
  await db.updateTable('offeringPrice').set(set).where('id', '=', id).execute();
}

export const deleteOrRetirePrice = (db: Db, id: string, now: Date) => deleteOrRetire(db, 'offeringPrice', id, now);
