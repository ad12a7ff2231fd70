// The offering a business call was about (a pack asked about, ordered or cancelled), so a hotline
// or IVR contact about a pack can be acted on (marketing's event triggers) and counted.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'alter table interaction add column offering_id text;');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'alter table interaction drop column offering_id;');
}
