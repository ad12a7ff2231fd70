// The demo operator's past outbound campaign: a call list for 139 Mail over Guangzhou prepaid
// subscribers, worked three weeks ago and closed, at the three rates seed 003 reports after the
// outbound team's reorganisation (contact 44%, sales 66%, handling 29%), with a 10% holdout that
// took the offer by itself at a few percent, so the console's rates and uplift mean something on
// `npm start`. Outcomes only, like the rest of the demo's history: no charges in the ledger. Worked
// by the system actor (id 0) as the demo has no agents of its own; the three demo numbers are left out.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../../platform/audit.ts';
import { inHoldout } from './holdout.ts';
import { callListSeed } from './call-lists.service.ts';
import type { CallOutcome, CallRowStatus } from './call-lists.tables.ts';

const DAY = 86_400_000;
const SIZE = 400;
/** Seed 003's rates after the reorganisation: 接触成功率 44%, 营销成功率 66%. */
const CONTACT = 0.44;
const SALES = 0.66;
/** How often the holdout took the offer by itself. */
const HOLDOUT_TAKE = 0.04;

/** Every 1/rate-th of a run is a yes: deterministic, exactly at the rate over the run. */
const hit = (i: number, rate: number) => Math.floor((i + 1) * rate) > Math.floor(i * rate);

export async function seedDemoCampaigns(tx: Db, audit: AuditLog, now: Date): Promise<void> {
  const offer = await tx.selectFrom('offer').select(['id', 'segmentIds']).where('offeringId', '=', 'VAS-139MAIL').orderBy('id').executeTakeFirst();
  if (!offer) return;
  const members = await tx.selectFrom('marketingFeature').select(['subscriberId', 'msisdn'])
    .where('city', '=', '广州').where('accountType', '=', 'prepaid').where('status', '=', 'active').where('subscriberId', '>', 3)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('offerResponse').select('offerId').where('offerId', '=', offer.id).whereRef('offerResponse.subscriberId', '=', 'marketingFeature.subscriberId'))))
    .orderBy('subscriberId').limit(SIZE).execute();
  // The offer's own segment; the rows are the list frozen (no segment of its own, so the demo keeps its five).
  const segmentId = offer.segmentIds[0];
  if (members.length === 0 || segmentId === undefined) return;
  const created = new Date(now.getTime() - 21 * DAY);
  const activated = new Date(now.getTime() - 20 * DAY);
  const closed = new Date(now.getTime() - 6 * DAY);
  const list = await tx.insertInto('callList').values({
    nameZh: '139邮箱外呼', nameEn: '139 Mail calls', offerId: offer.id, sourceSegmentId: segmentId, segmentId, holdoutPct: 10,
    size: members.length, holdoutSize: 0, status: 'closed', createdBy: SYSTEM_ACTOR.id, reviewedBy: SYSTEM_ACTOR.id, reviewReason: null,
    createdAt: created, activatedAt: activated, closedAt: closed, updatedAt: closed,
  }).returning('id').executeTakeFirstOrThrow();

  const seed = callListSeed(list.id);
  const rows: { callListId: number; subscriberId: number; msisdn: string; holdout: boolean; status: CallRowStatus; agentId: number | null; assignedAt: Date | null; rule: string | null; attempts: number; outcome: CallOutcome | null; reached: boolean; priceFen: number | null; workedAt: Date | null }[] = [];
  const shown: { offerId: number; subscriberId: number; channel: string; segmentId: number; at: Date }[] = [];
  const said: { offerId: number; subscriberId: number; channel: string; segmentId: number; response: 'accepted' | 'declined'; at: Date }[] = [];
  const price = (await tx.selectFrom('offer').select('priceFen').where('id', '=', offer.id).executeTakeFirstOrThrow()).priceFen;
  let called = 0;
  let reached = 0;
  let held = 0;
  for (const [i, m] of members.entries()) {
    const at = new Date(activated.getTime() + ((i * 7_919_000) % (13 * DAY)));
    if (inHoldout(seed, m.subscriberId, 10)) {
      rows.push({ callListId: list.id, subscriberId: m.subscriberId, msisdn: m.msisdn, holdout: true, status: 'holdout', agentId: null, assignedAt: null, rule: null, attempts: 0, outcome: null, reached: false, priceFen: null, workedAt: null });
      if (hit(held++, HOLDOUT_TAKE)) said.push({ offerId: offer.id, subscriberId: m.subscriberId, channel: 'ussd', segmentId: 0, response: 'accepted', at });
      continue;
    }
    // One in twenty-five had already had this week's call from another campaign.
    if (i % 25 === 24) {
      rows.push({ callListId: list.id, subscriberId: m.subscriberId, msisdn: m.msisdn, holdout: false, status: 'suppressed', agentId: null, assignedAt: null, rule: 'CAP_CHANNEL_WEEK', attempts: 0, outcome: null, reached: false, priceFen: null, workedAt: null });
      continue;
    }
    const base = { callListId: list.id, subscriberId: m.subscriberId, msisdn: m.msisdn, holdout: false, status: 'done' as const, agentId: SYSTEM_ACTOR.id, assignedAt: activated, rule: null, workedAt: at };
    if (!hit(called++, CONTACT)) {
      rows.push({ ...base, attempts: 1 + (i % 3), outcome: 'not_reached', reached: false, priceFen: null });
      continue;
    }
    shown.push({ offerId: offer.id, subscriberId: m.subscriberId, channel: 'agent', segmentId: 0, at });
    const yes = hit(reached++, SALES);
    rows.push({ ...base, attempts: 1, outcome: yes ? 'accepted' : 'declined', reached: true, priceFen: yes ? price : null });
    said.push({ offerId: offer.id, subscriberId: m.subscriberId, channel: 'agent', segmentId: 0, response: yes ? 'accepted' : 'declined', at });
  }
  for (let i = 0; i < rows.length; i += 500) await tx.insertInto('callListRow').values(rows.slice(i, i + 500)).execute();
  if (shown.length) await tx.insertInto('offerImpression').values(shown).execute();
  if (said.length) await tx.insertInto('offerResponse').values(said).execute();
  const accepts = said.filter((s) => s.response === 'accepted').length;
  await tx.updateTable('offer').set({ accepted: sql`accepted + ${accepts}` }).where('id', '=', offer.id).execute();
  await tx.updateTable('callList').set({ holdoutSize: rows.filter((r) => r.holdout).length }).where('id', '=', list.id).execute();
  await audit.record(tx, SYSTEM_ACTOR, { action: 'call-list.create', entityType: 'call-list', entityId: String(list.id), reason: 'demo operator' }, created);
}
