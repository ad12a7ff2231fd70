// SQL behind TMF629: subscribers with their accounts, read-only.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/database.ts';
import type { SubscriberTable } from './tables.ts';
import type { Page } from '../../platform/db/page.ts';

export interface CustomerFilter {
  id?: number[];
  status?: SubscriberTable['status'][];
  name?: string[];
  msisdn?: string[];
}

function base(db: Db) {
  return db.selectFrom('subscriber').innerJoin('account', 'account.subscriberId', 'subscriber.id');
}

function customerWhere(f: CustomerFilter) {
  return (eb: ExpressionBuilder<Database, 'subscriber' | 'account'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    // An empty list after parsing (e.g. `?id=abc`) matches nothing rather than everything.
    if (f.id) all.push(f.id.length > 0 ? eb('subscriber.id', 'in', f.id) : eb.lit(false));
    if (f.status) all.push(f.status.length > 0 ? eb('subscriber.status', 'in', f.status) : eb.lit(false));
    if (f.name) all.push(eb('subscriber.name', 'in', f.name));
    if (f.msisdn) all.push(eb('subscriber.msisdn', 'in', f.msisdn));
    return eb.and(all);
  };
}

const columns = [
  'subscriber.id', 'subscriber.msisdn', 'subscriber.name', 'subscriber.realNameVerified', 'subscriber.status',
  'subscriber.city', 'subscriber.planId', 'subscriber.pendingPlanId', 'subscriber.pendingPlanFrom', 'subscriber.joinedOn',
  'subscriber.language', 'subscriber.updatedAt', 'account.id as accountId', 'account.type as accountType',
] as const;

export type CustomerRow = NonNullable<Awaited<ReturnType<typeof getCustomer>>>;

export function getCustomer(db: Db, id: number) {
  return base(db).where('subscriber.id', '=', id).select(columns).executeTakeFirst();
}

export async function listCustomers(db: Db, f: CustomerFilter, p: Page) {
  const where = customerWhere(f);
  const [rows, count] = await Promise.all([
    base(db).where(where).select(columns).orderBy('subscriber.id').offset(p.offset).limit(p.limit).execute(),
    base(db).where(where).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
