// The customer features mart and segments.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table marketing_feature (
      subscriber_id integer primary key references subscriber (id),
      msisdn text not null,
      plan_id text not null,
      plan_fee_fen integer not null,
      account_type text not null,
      city text not null,
      status text not null,
      language text not null,
      tenure_days integer not null,
      arpu_fen integer not null,
      balance_fen integer not null,
      data_usage_ratio double precision not null,
      data_usage_ratio_last double precision not null,
      voice_usage_ratio double precision not null,
      voice_usage_ratio_last double precision not null,
      recharges90d integer not null,
      channels90d text[] not null,
      last_contact_at timestamptz,
      last_purchase_at timestamptz,
      packs_held text[] not null,
      points integer not null,
      refreshed_at timestamptz not null
    );
    create index marketing_feature_city on marketing_feature (city);
    create index marketing_feature_plan on marketing_feature (plan_id);
    create table marketing_feature_watermark (
      id integer primary key check (id = 1),
      up_to timestamptz not null
    );
    create table segment (
      id serial primary key,
      name_zh text not null,
      name_en text not null,
      kind text not null check (kind in ('dynamic', 'static')),
      rule jsonb,
      size integer not null default 0,
      counted_at timestamptz not null,
      created_by integer not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (kind = 'static' or rule is not null)
    );
    create table segment_member (
      segment_id integer not null references segment (id) on delete cascade,
      subscriber_id integer not null references subscriber (id),
      primary key (segment_id, subscriber_id)
    );
    create index segment_member_subscriber on segment_member (subscriber_id);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table segment_member, segment, marketing_feature_watermark, marketing_feature;');
}
