// The contact policy (接触策略): its reviewed versions, opt-outs, the do-not-disturb list, and
// every outbound contact with what the policy decided about it.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table contact_policy_version (
      id serial primary key,
      policy jsonb not null,
      status text not null check (status in ('pending', 'active', 'superseded', 'rejected')),
      proposed_by integer not null,
      proposed_at timestamptz not null,
      reviewed_by integer,
      reviewed_at timestamptz,
      reason text
    );
    create unique index contact_policy_one_active on contact_policy_version (status) where status = 'active';
    create unique index contact_policy_one_pending on contact_policy_version (status) where status = 'pending';
    create table contact_opt_out (
      subscriber_id integer not null references subscriber (id),
      channel text not null,
      source text not null,
      at timestamptz not null,
      primary key (subscriber_id, channel)
    );
    create table contact_dnd (
      subscriber_id integer primary key references subscriber (id),
      reason text not null,
      added_by integer not null,
      at timestamptz not null
    );
    create table contact (
      id bigserial primary key,
      subscriber_id integer not null references subscriber (id),
      channel text not null,
      kind text not null check (kind in ('marketing', 'service')),
      purpose text not null,
      status text not null check (status in ('sent', 'held', 'suppressed', 'released')),
      rule text,
      release_at timestamptz,
      at timestamptz not null
    );
    create index contact_subscriber_at on contact (subscriber_id, at);
    create index contact_held on contact (release_at) where status = 'held';
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table contact, contact_dnd, contact_opt_out, contact_policy_version;');
}
