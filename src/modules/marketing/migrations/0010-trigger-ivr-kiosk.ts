// Triggers that place their offer at the next IVR call (`ivr`: read out first as 我的优惠) or kiosk
// visit (`kiosk`: first in its 我的专属优惠), beside USSD and the web and mobile hall. A placement
// nobody saw within its window becomes `expired` (rule NOT_SHOWN) by the engine's periodic sweep;
// a partial index finds the lapsed ones by their end without reading the live or shown ones.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table marketing_trigger drop constraint marketing_trigger_channel_check;
    alter table marketing_trigger add constraint marketing_trigger_channel_check check (channel in ('sms', 'ussd', 'hall', 'ivr', 'kiosk'));
    create index marketing_trigger_fire_unseen on marketing_trigger_fire (placed_until) where outcome = 'placed';
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    drop index marketing_trigger_fire_unseen;
    alter table marketing_trigger drop constraint marketing_trigger_channel_check;
    alter table marketing_trigger add constraint marketing_trigger_channel_check check (channel in ('sms', 'ussd', 'hall'));
  `);
}
