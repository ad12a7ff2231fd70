// Offers (我的专属优惠): an offering on terms, targeted, reviewed; each one's impressions and
// responses (what propensity is learned from) and its acceptances (what the budget counts).
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table offer (
      id serial primary key,
      offering_id text not null,
      name_zh text not null,
      name_en text not null,
      pitch_zh text not null,
      pitch_en text not null,
      price_fen integer not null check (price_fen >= 0),
      validity_days integer check (validity_days > 0),
      budget integer not null check (budget > 0),
      accepted integer not null default 0 check (accepted >= 0 and accepted <= budget),
      segment_ids integer[] not null,
      cities text[] not null,
      channels text[] not null,
      margin_fen integer not null,
      lever double precision not null default 1 check (lever > 0),
      starts_at timestamptz not null,
      ends_at timestamptz not null check (ends_at > starts_at),
      status text not null check (status in ('draft', 'pending', 'active', 'paused', 'ended', 'rejected')),
      created_by integer not null,
      submitted_by integer,
      reviewed_by integer,
      review_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index offer_live on offer (status, ends_at);
    create table offer_impression (
      id bigserial primary key,
      offer_id integer not null references offer (id),
      subscriber_id integer not null,
      channel text not null,
      segment_id integer not null,
      at timestamptz not null
    );
    create index offer_impression_offer on offer_impression (offer_id, segment_id, channel);
    create index offer_impression_subscriber on offer_impression (subscriber_id, at);
    create table offer_response (
      offer_id integer not null references offer (id),
      subscriber_id integer not null,
      channel text not null,
      segment_id integer not null,
      response text not null check (response in ('accepted', 'declined')),
      at timestamptz not null,
      primary key (offer_id, subscriber_id)
    );
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table offer_response, offer_impression, offer;');
}
