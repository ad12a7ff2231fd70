// A refund asked for under an Idempotency-Key (the staff console's): the same key on the same
// payment again answers the first refund, so a request sent twice refunds once.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table payment_refund add column idempotency_key text;
    alter table payment_refund add column request_hash text;
    create unique index payment_refund_idempotency on payment_refund (payment_id, idempotency_key) where idempotency_key is not null
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    drop index payment_refund_idempotency;
    alter table payment_refund drop column request_hash;
    alter table payment_refund drop column idempotency_key
  `);
}
