// When the codes of an order line were revoked (the order refunded in full): the order shows them
// voided, no longer valid (the goods module holds each code's own state).
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'alter table mall_order_line add column codes_voided_at timestamptz');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'alter table mall_order_line drop column codes_voided_at');
}
