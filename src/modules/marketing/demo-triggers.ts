// The demo operator's event triggers, live from the start: a hotline, IVR or agent contact about a
// data pack → a data pack offer by SMS within 3 days, once; data 90% used → a pack offer at once.
// Their offer is for everyone (no segment: the event is the targeting), on SMS alone (YH lists it). Try it with the demo's
// POST /api/v1/demo/usage, or by asking about a pack on the IVR, then read the SMS outbox.
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../../platform/audit.ts';
import type { TriggerCondition } from './triggers.service.ts';

const DAY = 86_400_000;

const TRIGGERS: { nameZh: string; nameEn: string; event: string; condition: TriggerCondition; windowMinutes: number; once: boolean }[] = [
  { nameZh: '来电咨询流量包，3天内短信推荐', nameEn: 'Asked about a data pack: SMS offer within 3 days', event: 'interaction.called', condition: { channels: ['ivr', 'agent'], offeringKinds: ['data_pack'] }, windowMinutes: 3 * 24 * 60, once: true },
  { nameZh: '流量用到90%，即时推荐流量包', nameEn: 'Data 90% used: pack offer now', event: 'usage.threshold', condition: { allowance: 'data', minRatio: 0.9 }, windowMinutes: 60, once: true },
];

/** Creates the triggers' offer and the two triggers, approved (in the demo's seeding transaction). */
export async function seedDemoTriggers(tx: Db, audit: AuditLog, now: Date): Promise<void> {
  const offer = await tx.insertInto('offer').values({
    offeringId: 'PK-DATA-3G', nameZh: '3GB流量包来电专享', nameEn: '3 GB pack, for callers', pitchZh: '3GB流量仅需10元，当月有效', pitchEn: '3 GB for ¥10 this month',
    priceFen: 1000, validityDays: 30, budget: 20_000, segmentIds: [], cities: [], channels: ['sms'], marginFen: 700, lever: 1,
    startsAt: new Date(now.getTime() - DAY), endsAt: new Date(now.getTime() + 90 * DAY), status: 'active',
    createdBy: SYSTEM_ACTOR.id, submittedBy: SYSTEM_ACTOR.id, reviewedBy: SYSTEM_ACTOR.id, reviewReason: null, createdAt: now, updatedAt: now,
  }).returning('id').executeTakeFirstOrThrow();
  await audit.record(tx, SYSTEM_ACTOR, { action: 'offer.create', entityType: 'offer', entityId: String(offer.id), reason: 'demo operator' }, now);
  for (const t of TRIGGERS) {
    const row = await tx.insertInto('marketingTrigger').values({
      ...t, condition: JSON.stringify(t.condition), offerId: offer.id, channel: 'sms', status: 'active',
      createdBy: SYSTEM_ACTOR.id, submittedBy: SYSTEM_ACTOR.id, reviewedBy: SYSTEM_ACTOR.id, reviewReason: null, createdAt: now, updatedAt: now,
    }).returning('id').executeTakeFirstOrThrow();
    await audit.record(tx, SYSTEM_ACTOR, { action: 'trigger.create', entityType: 'trigger', entityId: String(row.id), reason: 'demo operator' }, now);
  }
}
