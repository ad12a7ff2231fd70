// The mall's goods: categories (a tree), products of each kind with their SKUs, per-channel
// listings with a schedule, staff changes waiting for a second person, the number-card pool and
// the code pool of recharge cards and virtual goods.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table goods_category (
      id serial primary key,
      parent_id integer references goods_category (id),
      code text not null unique,
      name_zh text not null,
      name_en text not null,
      sort integer not null default 0
    );
    create table goods_product (
      id serial primary key,
      kind text not null check (kind in ('physical', 'number_card', 'recharge_card', 'virtual', 'points_gift', 'offering')),
      delivery text not null check (delivery in ('ship', 'number', 'code', 'credit', 'subscribe')),
      name_zh text not null,
      name_en text not null,
      brand text not null default '',
      description_zh text not null default '',
      description_en text not null default '',
      category_id integer references goods_category (id),
      tags text[] not null default '{}',
      images text[] not null default '{}',
      specs jsonb not null default '[]',
      offering_id text,
      search_text text not null,
      created_by integer not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((kind = 'offering') = (offering_id is not null))
    );
    create index goods_product_category on goods_product (category_id);
    create table goods_sku (
      id serial primary key,
      product_id integer not null references goods_product (id),
      code text not null unique,
      attrs jsonb not null default '{}',
      list_fen integer not null check (list_fen >= 0),
      sale_fen integer not null check (sale_fen >= 0 and sale_fen <= list_fen),
      points integer check (points > 0),
      sort integer not null default 0
    );
    create index goods_sku_product on goods_sku (product_id);
    create table goods_listing (
      product_id integer not null references goods_product (id),
      channel text not null,
      listed_from timestamptz not null,
      listed_until timestamptz check (listed_until > listed_from),
      primary key (product_id, channel)
    );
    create table goods_change (
      id serial primary key,
      product_id integer not null references goods_product (id),
      kind text not null check (kind in ('details', 'sku', 'price', 'listing')),
      payload jsonb not null,
      status text not null check (status in ('pending', 'approved', 'rejected')),
      submitted_by integer not null,
      submitted_at timestamptz not null,
      reviewed_by integer,
      reviewed_at timestamptz,
      reason text
    );
    create index goods_change_pending on goods_change (status, id);
    create table goods_number (
      number text primary key,
      product_id integer not null references goods_product (id),
      tier integer not null check (tier between 0 and 4),
      pattern text,
      deposit_fen integer not null check (deposit_fen >= 0),
      status text not null check (status in ('available', 'reserved', 'sold', 'bound')),
      ref text,
      reserved_until timestamptz,
      subscriber_id integer,
      updated_at timestamptz not null,
      check ((status = 'available') = (ref is null))
    );
    create index goods_number_pick on goods_number (product_id, status, tier, number);
    create index goods_number_due on goods_number (reserved_until) where status = 'reserved';
    create table goods_code (
      id bigserial primary key,
      sku_id integer not null references goods_sku (id),
      code text not null,
      status text not null check (status in ('available', 'issued')),
      ref text,
      issued_at timestamptz,
      unique (sku_id, code),
      check ((status = 'issued') = (ref is not null))
    );
    create index goods_code_available on goods_code (sku_id, id) where status = 'available';
    create index goods_code_ref on goods_code (ref, sku_id) where ref is not null;
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table goods_code, goods_number, goods_change, goods_listing, goods_sku, goods_product, goods_category;');
}
