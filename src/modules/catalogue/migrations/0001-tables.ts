// The catalogue's first tables (as release 0.1 made them): offering prices and offerings.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table offering_price (
      id text primary key,
      name_zh text not null,
      name_en text not null,
      price_type text not null check (price_type in ('recurring', 'oneTime')),
      recurring_period text check (recurring_period in ('month')),
      amount_fen integer not null check (amount_fen >= 0),
      lifecycle_status text not null default 'Active',
      last_update timestamptz not null default now()
    );

    create table offering (
      id text primary key,
      kind text not null check (kind in ('plan','data_pack','voice_pack','sms_pack','vas','broadband')),
      code text not null unique,
      name_zh text not null,
      name_en text not null,
      description_zh text not null default '',
      description_en text not null default '',
      price_id text not null references offering_price (id),
      data_mb integer not null default 0,
      voice_min integer not null default 0,
      sms integer not null default 0,
      validity_days integer check (validity_days > 0),
      eligibility jsonb not null default '{}',
      channels text[] not null,
      lifecycle_status text not null check (lifecycle_status in ('In design','In test','Active','Retired')),
      version text not null default '1.0',
      created_at timestamptz not null default now(),
      last_update timestamptz not null default now()
    );
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table offering, offering_price;');
}
