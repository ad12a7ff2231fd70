// subscriptions.query: the plan and every pack or service the subscriber has now (我的业务).
import { dateText, dayText } from '../platform/dates.ts';
import { l10n } from '../platform/i18n.ts';
import { defineBusiness } from './registry.ts';
import { noInput } from './common.ts';
import { priceText } from './packs-list.ts';

export const subscriptionsQuery = defineBusiness({
  id: 'subscriptions.query',
  kind: 'query',
  names: l10n('已订业务查询', 'My subscriptions'),
  descriptions: l10n('查询当前套餐和已订购的业务', 'Your plan and the packs and services you have'),
  keywords: ['我的业务', '已订', '已订购', '查已订', '我的套餐', '套餐', 'my packs', 'subscriptions', 'my plan'],
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber, now, channel }) {
    const [plan, pending, subs] = await Promise.all([
      bss.offering(subscriber.planId),
      subscriber.pendingPlanId ? bss.offering(subscriber.pendingPlanId) : undefined,
      bss.subscriptions(subscriber.id, now),
    ]);
    const items = subs.map((s) => ({
      subscriptionId: s.id, offeringId: s.offering.id, code: s.offering.code, kind: s.offering.kind,
      nameZh: s.offering.nameZh, nameEn: s.offering.nameEn, priceFen: s.offering.priceFen, priceType: s.offering.priceType,
      startsAt: s.startsAt.toISOString(), endsAt: s.endsAt?.toISOString() ?? null,
    }));
    const planZh = plan?.nameZh ?? subscriber.planId;
    const planEn = plan?.nameEn ?? subscriber.planId;
    // Codes only where the subscriber types them (SMS and USSD cancel with QX <code>).
    const codes = channel === 'sms' || channel === 'ussd';
    const entry = (s: (typeof subs)[number], lang: 'zh-CN' | 'en') => {
      const name = lang === 'zh-CN' ? s.offering.nameZh : s.offering.nameEn;
      const price = priceText(s.offering)[lang];
      const until = s.endsAt ? (lang === 'zh-CN' ? `，至${dateText(s.endsAt)[lang]}` : `, until ${dateText(s.endsAt)[lang]}`) : '';
      const code = codes ? (lang === 'zh-CN' ? `，退订发QX ${s.offering.code}` : `, cancel: QX ${s.offering.code}`) : '';
      return lang === 'zh-CN' ? `${name}（${price}${until}${code}）` : `${name} (${price}${until}${code})`;
    };
    const listZh = subs.map((s) => entry(s, 'zh-CN')).join('；') || '无';
    const listEn = subs.map((s) => entry(s, 'en')).join('; ') || 'none';
    const shortZh = subs.map((s) => (codes ? `${s.offering.nameZh}(${s.offering.code})` : s.offering.nameZh)).join('、') || '无';
    const shortEn = subs.map((s) => (codes ? `${s.offering.nameEn} (${s.offering.code})` : s.offering.nameEn)).join(', ') || 'none';
    const from = subscriber.pendingPlanFrom ? dayText(String(subscriber.pendingPlanFrom)) : null;
    const pendingZh = pending && from ? `；${from['zh-CN']}起改为${pending.nameZh}` : '';
    const pendingEn = pending && from ? `; changing to ${pending.nameEn} from ${from.en}` : '';
    const planPrice = plan ? priceText(plan) : null;
    return {
      data: {
        plan: plan ? { id: plan.id, nameZh: plan.nameZh, nameEn: plan.nameEn, priceFen: plan.priceFen, priceType: plan.priceType } : null,
        pendingPlan: pending ? { id: pending.id, nameZh: pending.nameZh, nameEn: pending.nameEn, from: subscriber.pendingPlanFrom } : null,
        subscriptions: items,
      },
      text: {
        short: l10n(`套餐：${planZh}；已订：${shortZh}`, `Plan: ${planEn}; packs: ${shortEn}`),
        long: l10n(
          `您的套餐是${planZh}${planPrice ? `（${planPrice['zh-CN']}）` : ''}${pendingZh}。已订购：${listZh}。`,
          `Your plan is ${planEn}${planPrice ? ` (${planPrice.en})` : ''}${pendingEn}. You have: ${listEn}.`,
        ),
      },
    };
  },
});
