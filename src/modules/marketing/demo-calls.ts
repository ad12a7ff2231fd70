// The demo operator's live outbound campaign: a call list for 100 minutes at 20% off over heavy
// callers, approved and its first rows handed to the demo's agents through the contact policy, so
// 我的外呼 has calls to work on `npm start`. Its members are those of the offer's segment who could
// say yes on the phone (active lines that have neither the pack nor the offer already; the three
// demo numbers left out), imported as a list; the call list is then made from it through the
// call-list service as staff make one: by the system actor, approved by a second demo id, every
// step audited. Run once, by the node that seeded the demo's marketing.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit.ts';
import type { Marketing } from './marketing.ts';

/** The second person a list needs: a demo id, as no staff member made it. */
export const DEMO_CALLS_REVIEWER: Actor = { id: -1, name: '演示审核员 demo reviewer', roles: ['marketing'] };
const OFFERING = 'PK-VOICE-100';
const NAME = { zh: '语音重度用户外呼：100分钟通话包', en: 'Heavy callers: 100 minutes, 20% off' };
/** Members of the list, at most. */
const SIZE = 200;
/** Rows handed to each agent. */
const PER_AGENT = 12;

export async function seedDemoCalls(db: Db, m: Pick<Marketing, 'callLists' | 'offers' | 'segments'>, agentIds: readonly number[]): Promise<{ created: boolean; listId?: number }> {
  if (agentIds.length === 0) return { created: false };
  const offer = (await m.offers.list({ status: 'active' })).find((o) => o.offeringId === OFFERING);
  const segmentId = offer?.segmentIds[0];
  if (!offer || segmentId === undefined) return { created: false };
  if ((await m.callLists.list()).some((l) => l.names['zh-CN'] === NAME.zh)) return { created: false };
  const ids = await m.segments.members(segmentId, { limit: 5_000 });
  if (ids.length === 0) return { created: false };
  const members = await db.selectFrom('marketingFeature').select('msisdn')
    .where('subscriberId', 'in', ids).where('subscriberId', '>', 3).where('status', '=', 'active')
    .where(sql<boolean>`not (${OFFERING} = any(packs_held))`)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('offerResponse').select('offerId').where('offerId', '=', offer.id).where('response', '=', 'accepted')
      .whereRef('offerResponse.subscriberId', '=', 'marketingFeature.subscriberId'))))
    .orderBy('subscriberId').limit(SIZE).execute();
  if (members.length === 0) return { created: false };
  const imported = await m.segments.importList(SYSTEM_ACTOR, { nameZh: `${NAME.zh}（名单）`, nameEn: `${NAME.en} (list)`, csv: members.map((x) => x.msisdn).join('\n') });
  const list = await m.callLists.create(SYSTEM_ACTOR, { nameZh: NAME.zh, nameEn: NAME.en, offerId: offer.id, segmentId: imported.segment.id, holdoutPct: 10 });
  await m.callLists.review(DEMO_CALLS_REVIEWER, list.id, { approve: true });
  await m.callLists.assign(SYSTEM_ACTOR, list.id, agentIds, PER_AGENT * agentIds.length);
  return { created: true, listId: list.id };
}
