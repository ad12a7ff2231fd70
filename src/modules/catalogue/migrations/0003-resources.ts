// TMF620's other resources: product specifications, categories (omnihall's six offering kinds
// seeded as categories), catalogs (one seeded), offering ↔ category and offering → specification;
// and catalogue events committed in id order, so TMF630 listeners never skip one.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

const STATUS = `check (lifecycle_status in ('In study','In design','In test','Launched','Retired','Obsolete','Rejected'))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table product_specification (
      id text primary key,
      name_zh text not null,
      name_en text not null,
      description_zh text not null default '',
      brand text,
      product_number text,
      version text not null default '1.0',
      lifecycle_status text not null default 'In design' ${STATUS},
      characteristics jsonb not null default '[]',
      created_at timestamptz not null default now(),
      last_update timestamptz not null default now()
    );

    create table category (
      id text primary key,
      name_zh text not null,
      name_en text not null,
      description_zh text not null default '',
      parent_id text references category (id),
      kind text unique check (kind in ('plan','data_pack','voice_pack','sms_pack','vas','broadband')),
      version text not null default '1.0',
      lifecycle_status text not null default 'In design' ${STATUS},
      created_at timestamptz not null default now(),
      last_update timestamptz not null default now()
    );
    create index category_parent on category (parent_id);

    create table catalog (
      id text primary key,
      name_zh text not null,
      name_en text not null,
      description_zh text not null default '',
      catalog_type text not null default 'ProductCatalog',
      version text not null default '1.0',
      lifecycle_status text not null default 'In design' ${STATUS},
      created_at timestamptz not null default now(),
      last_update timestamptz not null default now()
    );

    create table catalog_category (
      catalog_id text not null references catalog (id) on delete cascade,
      category_id text not null references category (id) on delete cascade,
      primary key (catalog_id, category_id)
    );
    create index catalog_category_category on catalog_category (category_id);

    create table offering_category (
      offering_id text not null references offering (id) on delete cascade,
      category_id text not null references category (id) on delete cascade,
      primary key (offering_id, category_id)
    );
    create index offering_category_category on offering_category (category_id);

    -- a specification an offering refers to is retired, not deleted
    create table offering_specification (
      offering_id text primary key references offering (id) on delete cascade,
      specification_id text not null references product_specification (id)
    );
    create index offering_specification_spec on offering_specification (specification_id);

    insert into category (id, name_zh, name_en, kind, lifecycle_status, description_zh) values
      ('plan', '套餐', 'Plans', 'plan', 'Launched', '资费套餐'),
      ('data_pack', '流量包', 'Data packs', 'data_pack', 'Launched', ''),
      ('voice_pack', '语音包', 'Voice packs', 'voice_pack', 'Launched', ''),
      ('sms_pack', '短信包', 'SMS packs', 'sms_pack', 'Launched', ''),
      ('vas', '增值业务', 'Value-added services', 'vas', 'Launched', ''),
      ('broadband', '宽带', 'Broadband', 'broadband', 'Launched', '')
    on conflict (id) do nothing;
    insert into catalog (id, name_zh, name_en, description_zh, lifecycle_status) values
      ('omnihall', '电子渠道产品目录', 'Electronic channels catalogue', '电子渠道销售的全部产品', 'Launched')
    on conflict (id) do nothing;
    insert into catalog_category (catalog_id, category_id)
      select 'omnihall', id from category where kind is not null
    on conflict do nothing;

    -- Event ids are drawn under a lock held to commit, so they become visible in id order: a
    -- listener's cursor (the last id sent) never passes an event still being written.
    create function catalogue_event_in_order() returns trigger language plpgsql as $$ begin perform pg_advisory_xact_lock(hashtext('omnihall.catalogue_event')); new.id := nextval(pg_get_serial_sequence('catalogue_event', 'id')); return new; end $$;
    create trigger catalogue_event_in_order before insert on catalogue_event for each row execute function catalogue_event_in_order();
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    drop trigger catalogue_event_in_order on catalogue_event;
    drop function catalogue_event_in_order();
    drop table offering_specification, offering_category, catalog_category, catalog, category, product_specification;
  `);
}
