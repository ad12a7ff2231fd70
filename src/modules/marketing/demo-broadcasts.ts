// The demo operator's past SMS broadcast: a week ago, 139 Mail's ¥1 first month to the Guangzhou
// prepaid segment, reviewed and sent, with the outcomes a broadcast has (delivered, a few numbers
// undeliverable, the opted-out and the capped suppressed), so the console's broadcast pages show a
// finished one on `npm start`. Outcomes only: these recipients have no contact rows (they do not
// count against this week's caps). Written in the demo's seeding transaction, by the system actor.
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../../platform/audit.ts';
import { dateText } from '../../platform/dates.ts';
import { money } from '../../platform/i18n.ts';
import { ruleToSql, type SegmentRule } from './segment-rule.ts';
import { renderTemplate } from './templates.ts';
import type { RecipientState } from './broadcast.tables.ts';

const DAY = 86_400_000;
const TEMPLATE_ZH = '广州的朋友您好：{offer}，仅{price}，{expires}前有效，回复BL办理。回TD退订';
const TEMPLATE_EN = 'Hello from Guangzhou: {offer}, just {price}, until {expires}. Reply BL to take it. TD to stop';

export async function seedDemoBroadcasts(tx: Db, audit: AuditLog, now: Date): Promise<void> {
  const segment = await tx.selectFrom('segment').select(['id', 'rule']).where('nameZh', '=', '广州预付费用户').executeTakeFirst();
  const offer = await tx.selectFrom('offer').selectAll().where('nameZh', '=', '139邮箱首月1元').executeTakeFirst();
  if (!segment || !offer) return;
  const startsAt = new Date(now.getTime() - 7 * DAY);
  const members = await tx.selectFrom('marketingFeature').select(['subscriberId', 'msisdn', 'language'])
    .where(ruleToSql(segment.rule as SegmentRule, now)).orderBy('subscriberId').limit(2000).execute();
  const b = await tx.insertInto('broadcast').values({
    kind: 'campaign', nameZh: '139邮箱首月1元（广州预付费）', nameEn: '139 Mail ¥1 first month (Guangzhou prepaid)', segmentId: segment.id, offerId: offer.id,
    templateZh: TEMPLATE_ZH, templateEn: TEMPLATE_EN, priority: 'marketing', startsAt, rate: 50, status: 'done', recipients: members.length,
    createdBy: SYSTEM_ACTOR.id, submittedBy: SYSTEM_ACTOR.id, reviewedBy: SYSTEM_ACTOR.id, reviewReason: null, idempotencyKey: null, nextSlotAt: null,
    startedAt: startsAt, finishedAt: new Date(startsAt.getTime() + Math.ceil(members.length / 50) * 1000), deletedAt: null, createdAt: startsAt, updatedAt: startsAt,
  }).returning('id').executeTakeFirstOrThrow();
  const rows = members.map((m, i) => {
    const lang = m.language === 'en' ? 'en' : 'zh-CN';
    const text = renderTemplate(lang === 'en' ? TEMPLATE_EN : TEMPLATE_ZH, { offer: lang === 'en' ? offer.nameEn : offer.nameZh, price: money(offer.priceFen)[lang], expires: dateText(new Date(offer.endsAt))[lang] });
    const sentAt = new Date(startsAt.getTime() + Math.floor(i / 50) * 1000);
    // Deterministic outcomes at about the rates operators see: 3% opted out, 4% capped, 2% undeliverable.
    const k = m.subscriberId % 100;
    const suppressed = k < 3 ? 'OPT_OUT' : k < 7 ? 'CAP_CHANNEL_WEEK' : null;
    const state: RecipientState = suppressed ? 'suppressed' : 'sent';
    return {
      broadcastId: b.id, subscriberId: m.subscriberId, msisdn: m.msisdn, state, reason: suppressed, dueAt: startsAt, text,
      messageId: suppressed ? null : `demo-${b.id}-${m.subscriberId}`, sentAt: suppressed ? null : sentAt,
      receiptState: suppressed ? null : k < 9 ? 'UNDELIV' : 'DELIVRD', receiptAt: suppressed ? null : new Date(sentAt.getTime() + 4000),
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('broadcastRecipient').values(rows.slice(i, i + 1000)).execute();
  await audit.record(tx, SYSTEM_ACTOR, { action: 'broadcast.create', entityType: 'broadcast', entityId: String(b.id), reason: 'demo operator' }, startsAt);
}
