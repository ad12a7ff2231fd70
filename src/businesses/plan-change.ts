// plan.change: move to another plan from the first day of the next billing cycle.
import { z } from 'zod';
import { nextCycleStart } from '../platform/cycle.ts';
import { AppError } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import { allowanceText, findOffering, offeringRef, salesChannel } from './common.ts';
import { assertObtainable } from './line.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';
import { dayText } from '../platform/dates.ts';

async function target(ctx: BusinessContext, planId: string) {
  const plan = await findOffering(ctx, planId);
  if (plan.kind !== 'plan') throw new AppError('NOT_ELIGIBLE', { detail: l10n('这不是一个套餐', 'That is not a plan') });
  if (plan.id === ctx.subscriber.planId) throw new AppError('SAME_PLAN');
  await assertObtainable(ctx, plan, salesChannel(ctx.channel));
  return plan;
}

export const planChange = defineBusiness({
  id: 'plan.change',
  kind: 'transaction',
  names: l10n('套餐变更', 'Change plan'),
  descriptions: l10n('变更套餐，下月1日生效', 'Change your plan from the first day of next month'),
  keywords: ['换套餐', '改套餐', '变更套餐', '套餐变更', 'change plan', 'switch plan'],
  input: z.object({ planId: offeringRef }).strict(),
  confirm: true,
  staffRoles: ['agent'],
  options: { planId: { business: 'plans.list', list: 'plans', value: 'id' } },
  async quote(ctx, { planId }) {
    const plan = await target(ctx, planId);
    const from = nextCycleStart(ctx.now);
    const day = dayText(from);
    const p = money(plan.priceFen);
    return {
      businessId: 'plan.change',
      priceFen: 0,
      recurringFen: plan.priceFen,
      effectiveFrom: from,
      summary: l10n(
        `${day['zh-CN']}起改为${plan.nameZh}（月费${p['zh-CN']}，含${allowanceText(plan)['zh-CN']}），本月不扣费`,
        `Change to ${plan.nameEn} (${p.en}/month with ${allowanceText(plan).en}) from ${day.en}; nothing charged now`,
      ),
    };
  },
  async run(ctx, { planId }) {
    const plan = await target(ctx, planId);
    const from = nextCycleStart(ctx.now);
    await ctx.bss.schedulePlanChange(ctx.subscriber.id, plan.id, from);
    const day = dayText(from);
    return {
      data: { planId: plan.id, effectiveFrom: from, monthlyFen: plan.priceFen },
      text: {
        short: l10n(`已受理，${day['zh-CN']}起改为${plan.nameZh}`, `Done: ${plan.nameEn} from ${day.en}`),
        long: l10n(
          `您的套餐将于${day['zh-CN']}起变更为${plan.nameZh}，月费${money(plan.priceFen)['zh-CN']}。`,
          `Your plan changes to ${plan.nameEn} at ${money(plan.priceFen).en} a month from ${day.en}.`,
        ),
      },
    };
  },
});
