// Triggers that offer at the subscriber's next visit: a trigger on `ussd` or `hall` (the web and
// mobile hall) places its offer first in 我的优惠 there until its window ends (outcome `placed`,
// `placed_until`), and the first time it is shown the placement is `shown` (no longer first, still
// theirs to take until then). A partial index finds a subscriber's placements at decision time.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table marketing_trigger drop constraint marketing_trigger_channel_check;
    alter table marketing_trigger add constraint marketing_trigger_channel_check check (channel in ('sms', 'ussd', 'hall'));
    alter table marketing_trigger_fire drop constraint marketing_trigger_fire_outcome_check;
    alter table marketing_trigger_fire add constraint marketing_trigger_fire_outcome_check
      check (outcome in ('sent', 'held', 'suppressed', 'expired', 'unavailable', 'not_eligible', 'placed', 'shown'));
    alter table marketing_trigger_fire add column placed_until timestamptz;
    drop index marketing_trigger_fire_once;
    create unique index marketing_trigger_fire_once on marketing_trigger_fire (trigger_id, subscriber_id)
      where once and outcome in ('sent', 'held', 'suppressed', 'placed', 'shown');
    create index marketing_trigger_fire_placed on marketing_trigger_fire (subscriber_id, placed_until) where outcome in ('placed', 'shown');
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    drop index marketing_trigger_fire_placed;
    drop index marketing_trigger_fire_once;
    create unique index marketing_trigger_fire_once on marketing_trigger_fire (trigger_id, subscriber_id)
      where once and outcome in ('sent', 'held', 'suppressed');
    alter table marketing_trigger_fire drop column placed_until;
    alter table marketing_trigger_fire drop constraint marketing_trigger_fire_outcome_check;
    alter table marketing_trigger_fire add constraint marketing_trigger_fire_outcome_check
      check (outcome in ('sent', 'held', 'suppressed', 'expired', 'unavailable', 'not_eligible'));
    alter table marketing_trigger drop constraint marketing_trigger_channel_check;
    alter table marketing_trigger add constraint marketing_trigger_channel_check check (channel in ('sms'));
  `);
}
