// What of an order's payment has been given back: its money part and its points, copied from the
// payment in the transaction that records each refund (an order refunded in full is `refunded`).
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table mall_order add column refunded_fen integer not null default 0;
    alter table mall_order add column refunded_points integer not null default 0;
    alter table mall_order add constraint mall_order_refunded_fen_check check (refunded_fen >= 0 and refunded_fen <= pay_fen);
    alter table mall_order add constraint mall_order_refunded_points_check check (refunded_points >= 0 and refunded_points <= points)
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table mall_order drop constraint mall_order_refunded_points_check;
    alter table mall_order drop constraint mall_order_refunded_fen_check;
    alter table mall_order drop column refunded_points;
    alter table mall_order drop column refunded_fen
  `);
}
