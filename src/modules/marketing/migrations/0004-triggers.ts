// Event triggers: rules that turn an event (a hotline call about a pack, data nearly used up) into
// an offer on a channel within a window; each time one fired and what the contact policy said;
// and the events each consumer has processed, written in the same transaction as the work, so an
// event delivered again is a no-op.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table marketing_trigger (
      id serial primary key,
      name_zh text not null,
      name_en text not null,
      event text not null check (event in ('interaction.called', 'usage.threshold', 'balance.low', 'bill.issued')),
      condition jsonb not null,
      offer_id integer not null references offer (id),
      channel text not null check (channel in ('sms')),
      window_minutes integer not null check (window_minutes > 0),
      once boolean not null,
      status text not null check (status in ('draft', 'pending', 'active', 'paused', 'ended', 'rejected')),
      created_by integer not null,
      submitted_by integer,
      reviewed_by integer,
      review_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index marketing_trigger_live on marketing_trigger (status, event);
    create table marketing_trigger_fire (
      id bigserial primary key,
      trigger_id integer not null references marketing_trigger (id),
      subscriber_id integer not null,
      msisdn text not null,
      language text not null,
      event_id text not null,
      outcome text not null check (outcome in ('sent', 'held', 'suppressed', 'expired', 'unavailable', 'not_eligible')),
      rule text,
      contact_id bigint,
      once boolean not null,
      at timestamptz not null,
      sent_at timestamptz
    );
    create unique index marketing_trigger_fire_event on marketing_trigger_fire (trigger_id, event_id);
    create unique index marketing_trigger_fire_once on marketing_trigger_fire (trigger_id, subscriber_id)
      where once and outcome in ('sent', 'held', 'suppressed');
    create index marketing_trigger_fire_subscriber on marketing_trigger_fire (subscriber_id, at);
    create table marketing_event_processed (
      consumer text not null,
      event_id text not null,
      at timestamptz not null,
      primary key (consumer, event_id)
    );
    create index marketing_event_processed_at on marketing_event_processed (at);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table marketing_event_processed, marketing_trigger_fire, marketing_trigger;');
}
