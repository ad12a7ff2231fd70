// The TMF630 listeners of the catalogue hub.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table hub_listener (
      id text primary key,
      callback text not null,
      query text,
      base_url text not null,
      cursor bigint not null,
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      lease_until timestamptz,
      lease_owner text,
      last_error text,
      created_at timestamptz not null
    );
    create index hub_listener_due on hub_listener (next_attempt_at);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table hub_listener;');
}
