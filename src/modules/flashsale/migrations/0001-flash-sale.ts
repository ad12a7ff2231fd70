// Flash sales (秒杀): a sale of one SKU at a price, a quantity, a window and a limit per buyer; its
// stock split into shard rows so buyers do not queue on one row; a purchase per unit won, whose
// (sale, buyer, slot) is unique while it holds the unit, so no buyer gets past the limit.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table flash_sale (
      id serial primary key,
      product_id integer not null,
      sku_id integer not null references goods_sku (id),
      price_fen integer not null check (price_fen > 0),
      quantity integer not null check (quantity > 0),
      per_subscriber_limit integer not null check (per_subscriber_limit between 1 and 10),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      status text not null check (status in ('pending', 'approved', 'rejected', 'settled')),
      shards integer not null check (shards between 0 and 64),
      created_by integer not null,
      created_at timestamptz not null,
      reviewed_by integer,
      reviewed_at timestamptz,
      review_reason text,
      hold_until timestamptz,
      sold integer,
      settled_at timestamptz,
      check (ends_at > starts_at)
    );
    create index flash_sale_open on flash_sale (ends_at) where status = 'approved';
    create table flash_sale_shard (
      sale_id integer not null references flash_sale (id),
      shard integer not null,
      remaining integer not null check (remaining >= 0),
      primary key (sale_id, shard)
    );
    create table flash_sale_purchase (
      id bigserial primary key,
      sale_id integer not null references flash_sale (id),
      subscriber_id integer not null,
      slot integer not null,
      shard integer not null,
      order_id bigint not null,
      idempotency_key text not null,
      request_hash text not null,
      state text not null check (state in ('held', 'paid', 'released', 'refunded')),
      created_at timestamptz not null,
      settled_at timestamptz,
      unique (sale_id, subscriber_id, idempotency_key)
    );
    create unique index flash_sale_purchase_slot on flash_sale_purchase (sale_id, subscriber_id, slot) where state <> 'released';
    create index flash_sale_purchase_order on flash_sale_purchase (order_id);
    create index flash_sale_purchase_held on flash_sale_purchase (sale_id) where state = 'held';
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table flash_sale_purchase, flash_sale_shard, flash_sale;');
}
