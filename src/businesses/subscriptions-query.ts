// subscriptions.query: the plan and every pack or service the subscriber has now.
import { l10n } from '../platform/i18n.ts';
import { defineBusiness } from './registry.ts';
import { noInput } from './common.ts';

export const subscriptionsQuery = defineBusiness({
  id: 'subscriptions.query',
  kind: 'query',
  names: l10n('已订业务查询', 'My subscriptions'),
  descriptions: l10n('查询当前套餐和已订购的业务', 'Your plan and the packs and services you have'),
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber, now }) {
    const [plan, pending, subs] = await Promise.all([
      bss.offering(subscriber.planId),
      subscriber.pendingPlanId ? bss.offering(subscriber.pendingPlanId) : undefined,
      bss.subscriptions(subscriber.id, now),
    ]);
    const items = subs.map((s) => ({
      subscriptionId: s.id, offeringId: s.offering.id, code: s.offering.code, kind: s.offering.kind,
      nameZh: s.offering.nameZh, nameEn: s.offering.nameEn, priceFen: s.offering.priceFen,
      startsAt: s.startsAt.toISOString(), endsAt: s.endsAt?.toISOString() ?? null,
    }));
    const planZh = plan?.nameZh ?? subscriber.planId;
    const planEn = plan?.nameEn ?? subscriber.planId;
    const listZh = items.map((i) => `${i.nameZh}(${i.code})`).join('、') || '无';
    const listEn = items.map((i) => `${i.nameEn} (${i.code})`).join(', ') || 'none';
    const pendingZh = pending ? `；${subscriber.pendingPlanFrom}起改为${pending.nameZh}` : '';
    const pendingEn = pending ? `; changing to ${pending.nameEn} from ${subscriber.pendingPlanFrom}` : '';
    return {
      data: {
        plan: plan ? { id: plan.id, nameZh: plan.nameZh, nameEn: plan.nameEn, priceFen: plan.priceFen } : null,
        pendingPlan: pending ? { id: pending.id, nameZh: pending.nameZh, nameEn: pending.nameEn, from: subscriber.pendingPlanFrom } : null,
        subscriptions: items,
      },
      text: {
        short: l10n(`套餐：${planZh}；已订：${listZh}`, `Plan: ${planEn}; packs: ${listEn}`),
        long: l10n(`您的套餐是${planZh}${pendingZh}。已订购：${listZh}。`, `Your plan is ${planEn}${pendingEn}. You have: ${listEn}.`),
      },
    };
  },
});
