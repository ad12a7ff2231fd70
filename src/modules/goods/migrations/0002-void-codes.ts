// A code issued to an order that is then refunded in full is revoked (`void`): it keeps its
// order's ref (whose it was) and when it was voided, and is never handed out again.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table goods_code add column voided_at timestamptz;
    alter table goods_code drop constraint goods_code_status_check;
    alter table goods_code add constraint goods_code_status_check check (status in ('available', 'issued', 'void'));
    alter table goods_code drop constraint goods_code_check;
    alter table goods_code add constraint goods_code_check check ((status = 'available') = (ref is null) and (status = 'void') = (voided_at is not null))
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table goods_code drop constraint goods_code_check;
    update goods_code set status = 'issued' where status = 'void';
    alter table goods_code drop constraint goods_code_status_check;
    alter table goods_code add constraint goods_code_status_check check (status in ('available', 'issued'));
    alter table goods_code add constraint goods_code_check check ((status = 'issued') = (ref is not null));
    alter table goods_code drop column voided_at
  `);
}
