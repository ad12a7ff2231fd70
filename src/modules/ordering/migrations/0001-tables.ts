// TMF622 product orders (as release 0.1 made them).
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table product_order (
      id text primary key,
      subscriber_id bigint not null references subscriber (id),
      state text not null,
      channel text not null,
      external_id text,
      description text,
      items jsonb not null,
      order_date timestamptz not null,
      completion_date timestamptz,
      last_update timestamptz not null
    );

    create index product_order_subscriber on product_order (subscriber_id, order_date);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table product_order;');
}
