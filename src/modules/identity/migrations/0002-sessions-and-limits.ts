// Ending sessions on every node, and sign-in limits shared by every node:
// - auth_generation: a principal's generation; tokens issued at a lower one are ended (a staff
//   user disabled, their roles or password changed, "sign out everywhere").
// - auth_session_revocation: one signed-out session, kept until its token would have expired.
// - auth_rate_limit: counters of the sign-in limits when there is no Redis.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table auth_generation (
      kind char(1) not null check (kind in ('s', 'u')),
      principal_id bigint not null,
      generation integer not null,
      changed_at timestamptz not null default clock_timestamp(),
      primary key (kind, principal_id)
    );
    create index auth_generation_changed_at on auth_generation (changed_at);

    create table auth_session_revocation (
      session_id text primary key,
      expires_at timestamptz not null,
      revoked_at timestamptz not null default clock_timestamp()
    );
    create index auth_session_revocation_revoked_at on auth_session_revocation (revoked_at);
    create index auth_session_revocation_expires_at on auth_session_revocation (expires_at);

    create table auth_rate_limit (
      name text not null,
      subject text not null,
      window_start timestamptz not null,
      hits integer not null,
      strikes integer not null,
      last_strike_at timestamptz,
      blocked_until timestamptz,
      primary key (name, subject)
    );
    create index auth_rate_limit_window_start on auth_rate_limit (window_start);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table auth_generation, auth_session_revocation, auth_rate_limit;');
}
