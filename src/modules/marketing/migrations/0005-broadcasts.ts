// SMS broadcasts (群发): a template sent to a segment's members as they were at the start, at a
// rate, through the contact policy. Each recipient is a row that says where its message stands,
// so a broadcast survives a restart, any node can carry it on, and none is sent twice. TMF681
// communication messages are broadcasts too (kind `message`, their receivers as recipients).
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table broadcast (
      id serial primary key,
      kind text not null check (kind in ('campaign', 'message')),
      name_zh text not null,
      name_en text not null,
      segment_id integer,
      offer_id integer references offer (id),
      template_zh text not null,
      template_en text,
      priority text not null check (priority in ('marketing', 'service')),
      starts_at timestamptz not null,
      rate integer not null check (rate > 0),
      status text not null check (status in ('draft', 'submitted', 'approved', 'rejected', 'running', 'paused', 'done', 'cancelled')),
      recipients integer not null default 0,
      next_slot_at timestamptz,
      created_by integer not null,
      submitted_by integer,
      reviewed_by integer,
      review_reason text,
      idempotency_key text unique,
      started_at timestamptz,
      finished_at timestamptz,
      deleted_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (kind = 'message' or segment_id is not null)
    );
    create index broadcast_due on broadcast (status, starts_at);
    create table broadcast_recipient (
      broadcast_id integer not null references broadcast (id),
      subscriber_id integer not null,
      msisdn text not null,
      state text not null check (state in ('queued', 'held', 'sending', 'sent', 'suppressed', 'failed', 'cancelled')),
      reason text,
      due_at timestamptz not null,
      contact_id bigint,
      claimed_by text,
      claimed_until timestamptz,
      text text,
      message_id text,
      sent_at timestamptz,
      receipt_state text,
      receipt_at timestamptz,
      primary key (broadcast_id, subscriber_id)
    );
    create index broadcast_recipient_due on broadcast_recipient (broadcast_id, state, due_at);
    create index broadcast_recipient_unreceipted on broadcast_recipient (broadcast_id, message_id) where state = 'sent' and receipt_state is null;
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table broadcast_recipient, broadcast;');
}
