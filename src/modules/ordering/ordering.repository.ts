// SQL behind TMF622: stored product orders, and the few catalogue and subscriber facts an order
// needs before it calls the businesses.
import type { Expression, ExpressionBuilder, Insertable, SqlBool, Updateable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/database.ts';
import type { ProductOrderTable } from './tables.ts';
import type { Page } from '../../platform/db/page.ts';

export interface OrderFilter {
  /** Only this subscriber's orders (a subscriber asking). */
  subscriberId?: number;
  customerIds?: number[];
  state?: string[];
  externalId?: string[];
}

function orderWhere(f: OrderFilter) {
  return (eb: ExpressionBuilder<Database, 'productOrder'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (f.subscriberId !== undefined) all.push(eb('subscriberId', '=', f.subscriberId));
    if (f.customerIds) all.push(eb('subscriberId', 'in', f.customerIds.length > 0 ? f.customerIds : [-1]));
    if (f.state) all.push(eb('state', 'in', f.state as ProductOrderTable['state'][]));
    if (f.externalId) all.push(eb('externalId', 'in', f.externalId));
    return eb.and(all);
  };
}

export type OrderRow = NonNullable<Awaited<ReturnType<typeof getOrder>>>;

export function getOrder(db: Db, id: string) {
  return db.selectFrom('productOrder').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listOrders(db: Db, f: OrderFilter, p: Page) {
  const where = orderWhere(f);
  const [rows, count] = await Promise.all([
    db.selectFrom('productOrder').where(where).selectAll().orderBy('orderDate', 'desc').orderBy('id').offset(p.offset).limit(p.limit).execute(),
    db.selectFrom('productOrder').where(where).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Stores an order unless one with its id is already there (a concurrent retry got there first). */
export async function insertOrderIfAbsent(db: Db, row: Insertable<ProductOrderTable>): Promise<boolean> {
  const r = await db.insertInto('productOrder').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
  return r !== undefined;
}

export async function updateOrder(db: Db, id: string, change: Updateable<ProductOrderTable>): Promise<void> {
  await db.updateTable('productOrder').set(change).where('id', '=', id).execute();
}
