// TMF622 product orders as the ordering module keeps them: each item runs as a business through
// the one entry point (the channel does that, inside the transaction `place` opens); this module
// records the order and reads it back.
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import * as repo from './ordering.repository.ts';
import type { ProductOrderTable } from './tables.ts';
import type { Insertable, Updateable } from 'kysely';

/** How an order ended: its state, items and dates. */
export type Outcome = Pick<Updateable<ProductOrderTable>, 'state' | 'items' | 'completionDate' | 'lastUpdate'>;

export class OrderingService {
  constructor(private readonly db: Db) {}

  get(id: string) {
    return repo.getOrder(this.db, id);
  }

  list(f: repo.OrderFilter, p: Page) {
    return repo.listOrders(this.db, f, p);
  }

  /** Stores an order unless one with its id is already there (a concurrent retry got there first). */
  async recordIfAbsent(row: Insertable<ProductOrderTable>): Promise<void> {
    await repo.insertOrderIfAbsent(this.db, row);
  }

  /**
   * Places an order and does its items' work in one database transaction: both commit or neither
   * does, so nothing is ever charged for an order that was not stored. The order's row is written
   * first (a concurrent retry with the same id waits on it, then finds it taken), `work` runs the
   * items in that transaction and says how the order ended, and the row is brought up to date.
   * False, with nothing changed, when an order with this id was already there.
   */
  async place(order: Insertable<ProductOrderTable>, work: (trx: Db) => Promise<Outcome>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.insertOrderIfAbsent(trx, order))) return false;
      await repo.updateOrder(trx, order.id, await work(trx));
      return true;
    });
  }
}
