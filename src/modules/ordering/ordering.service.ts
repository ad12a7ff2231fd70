// TMF622 product orders as the ordering module keeps them: each item runs as a business through
// the one entry point (the channel does that); this module records the order and reads it back.
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import * as repo from './ordering.repository.ts';
import type { ProductOrderTable } from './tables.ts';
import type { Insertable } from 'kysely';

export class OrderingService {
  constructor(private readonly db: Db) {}

  get(id: string) {
    return repo.getOrder(this.db, id);
  }

  list(f: repo.OrderFilter, p: Page) {
    return repo.listOrders(this.db, f, p);
  }

  /** Stores an order unless one with its id is already there (a concurrent retry got there first). */
  recordIfAbsent(row: Insertable<ProductOrderTable>): Promise<void> {
    return repo.insertOrderIfAbsent(this.db, row);
  }
}
