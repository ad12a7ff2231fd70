// Outbound telemarketing and what campaigns earn: call lists built from a segment for one offer,
// each row with its holdout flag, agent, contact-policy answer and outcome (the three rates are
// counted from these rows); and one-click links into an offer (signed short codes, single use).
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table call_list (
      id serial primary key,
      name_zh text not null,
      name_en text not null,
      offer_id integer not null references offer (id),
      source_segment_id integer not null,
      segment_id integer not null,
      holdout_pct integer not null check (holdout_pct >= 0 and holdout_pct <= 50),
      size integer not null,
      holdout_size integer not null,
      status text not null check (status in ('pending', 'active', 'closed', 'rejected')),
      created_by integer not null,
      reviewed_by integer,
      review_reason text,
      created_at timestamptz not null,
      activated_at timestamptz,
      closed_at timestamptz,
      updated_at timestamptz not null
    );
    create table call_list_row (
      id serial primary key,
      call_list_id integer not null references call_list (id),
      subscriber_id integer not null,
      msisdn text not null,
      holdout boolean not null,
      status text not null check (status in ('holdout', 'open', 'assigned', 'suppressed', 'done')),
      agent_id integer,
      assigned_at timestamptz,
      rule text,
      not_before timestamptz,
      attempts integer not null default 0,
      outcome text check (outcome in ('not_reached', 'declined', 'accepted')),
      reached boolean not null default false,
      subscription_id integer,
      price_fen integer,
      idempotency_key text,
      note text,
      worked_at timestamptz,
      unique (call_list_id, subscriber_id)
    );
    create index call_list_row_agent on call_list_row (agent_id, status);
    create index call_list_row_list on call_list_row (call_list_id, status);
    create table offer_link_key (
      id integer primary key check (id = 1),
      key text not null
    );
    create table offer_link (
      code text primary key,
      offer_id integer not null references offer (id),
      subscriber_id integer not null,
      purpose text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index offer_link_subscriber on offer_link (subscriber_id, offer_id);
    create index offer_response_at on offer_response (offer_id, at);
    create index offer_impression_at on offer_impression (offer_id, at);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    drop index offer_impression_at;
    drop index offer_response_at;
    drop table offer_link, offer_link_key, call_list_row, call_list;
  `);
}
