// Orders paid before 0002-order-refunds carry refunded_fen and refunded_points of 0 whatever their
// payment gave back since. The payment's refunds are the payment module's tables, which this
// module does not read, so no SQL here can count them: this marks the orders that may be behind
// (paid, nothing recorded back), and the mall sweep has the payment service tell each of them
// again (`OrderService.catchUpRefunds`, through `Payments.replayRefunded`), clearing the mark.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table mall_order add column refunds_unchecked boolean not null default false;
    update mall_order set refunds_unchecked = true where payment_id is not null and paid_at is not null and refunded_fen = 0 and refunded_points = 0;
    create index mall_order_refunds_unchecked on mall_order (id) where refunds_unchecked
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    drop index mall_order_refunds_unchecked;
    alter table mall_order drop column refunds_unchecked
  `);
}
