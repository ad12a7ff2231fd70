// Stock: warehouses, each SKU's level in each warehouse (on hand, reserved for open orders, safety
// stock), the reservations of open orders with their expiry, and the movements staff make.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table warehouse (
      id text primary key,
      name_zh text not null,
      name_en text not null,
      city text not null
    );
    create table stock_level (
      sku_id integer not null references goods_sku (id),
      warehouse_id text not null references warehouse (id),
      on_hand integer not null default 0 check (on_hand >= 0),
      reserved integer not null default 0 check (reserved >= 0),
      safety integer not null default 0 check (safety >= 0),
      updated_at timestamptz not null,
      primary key (sku_id, warehouse_id),
      check (reserved <= on_hand)
    );
    create table stock_reservation (
      id bigserial primary key,
      ref text not null,
      sku_id integer not null,
      warehouse_id text not null,
      quantity integer not null check (quantity > 0),
      status text not null check (status in ('held', 'committed', 'released', 'expired')),
      expires_at timestamptz not null,
      created_at timestamptz not null,
      settled_at timestamptz,
      foreign key (sku_id, warehouse_id) references stock_level (sku_id, warehouse_id),
      unique (ref, sku_id, warehouse_id)
    );
    create index stock_reservation_due on stock_reservation (expires_at) where status = 'held';
    create table stock_movement (
      id bigserial primary key,
      sku_id integer not null,
      warehouse_id text not null,
      kind text not null check (kind in ('receive', 'count', 'safety')),
      delta integer not null,
      on_hand_after integer not null,
      safety_after integer not null,
      reason text not null,
      actor_id integer not null,
      at timestamptz not null,
      foreign key (sku_id, warehouse_id) references stock_level (sku_id, warehouse_id)
    );
    create index stock_movement_sku on stock_movement (sku_id, warehouse_id, id);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table stock_movement, stock_reservation, stock_level, warehouse;');
}
