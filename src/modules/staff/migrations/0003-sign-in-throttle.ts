// Failed sign-ins counted per username and per source address, in the database so every node
// refuses the same attempts: after too many, a lock whose length doubles with each further failure.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table staff_sign_in_throttle (
      scope text not null check (scope in ('user', 'address')),
      subject text not null,
      failures integer not null,
      last_at timestamptz not null,
      locked_until timestamptz,
      primary key (scope, subject)
    );
    create index staff_sign_in_throttle_last_at on staff_sign_in_throttle (last_at);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table staff_sign_in_throttle;');
}
