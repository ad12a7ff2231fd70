// The feature "offerings asked about in 3 days" (offeringsAsked3d): what a subscriber called the
// hotline (IVR, an agent) about lately, so a segment or an offer can follow up on it. Rows that hold
// any are few and are recomputed each pass until the window has passed: a partial index finds them.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table marketing_feature add column offerings_asked3d text[] not null default '{}';
    create index marketing_feature_asked on marketing_feature (subscriber_id) where offerings_asked3d <> '{}';
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    drop index marketing_feature_asked;
    alter table marketing_feature drop column offerings_asked3d;
  `);
}
