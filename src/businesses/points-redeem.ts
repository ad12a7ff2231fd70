// points.redeem: spend points on a reward (a pack, or credit on the account).
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import type { OfferingView } from '../modules/catalogue/index.ts';
import { salesChannel } from './common.ts';
import { assertObtainable } from './line.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';

/** The reward, and the offering it gives, which the subscriber must be able to have (the rule ordering it follows). */
async function rewardFor(ctx: BusinessContext, rewardId: string) {
  const r = await ctx.bss.reward(rewardId);
  if (!r) throw new AppError('REWARD_NOT_FOUND');
  let offering: OfferingView | undefined;
  if (r.offeringId) {
    offering = await ctx.bss.offering(r.offeringId);
    if (!offering) throw new AppError('OFFERING_NOT_FOUND');
    await assertObtainable(ctx, offering, salesChannel(ctx.channel));
  }
  return { ...r, offering };
}

export const pointsRedeem = defineBusiness({
  id: 'points.redeem',
  kind: 'transaction',
  names: l10n('积分兑换', 'Redeem points'),
  descriptions: l10n('用积分兑换流量包或话费', 'Spend points on data or account credit'),
  keywords: ['积分兑换', '兑换', '换流量', '换话费', '积分换', 'redeem', 'spend points'],
  input: z.object({ rewardId: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/) }).strict(),
  confirm: true,
  staffRoles: [],
  options: { rewardId: { business: 'points.query', list: 'rewards', value: 'id' } },
  async quote(ctx, { rewardId }) {
    const r = await rewardFor(ctx, rewardId);
    const have = await ctx.bss.pointsBalance(ctx.subscriber.id);
    if (have < r.costPoints) throw new AppError('INSUFFICIENT_POINTS');
    return {
      businessId: 'points.redeem',
      priceFen: 0,
      costPoints: r.costPoints,
      summary: l10n(`用${r.costPoints}积分兑换${r.nameZh}`, `Spend ${r.costPoints} points on ${r.nameEn}`),
    };
  },
  async run(ctx, { rewardId }) {
    const r = await rewardFor(ctx, rewardId);
    const left = await ctx.bss.addPoints(ctx.subscriber.id, -r.costPoints, 'redeemed', ctx.idempotencyKey, `兑换${r.nameZh}`, `Redeemed ${r.nameEn}`, ctx.now);
    if (r.offering) await ctx.bss.subscribe(ctx.subscriber.id, r.offering, ctx.now);
    if (r.creditFen > 0) {
      await ctx.bss.recharge(ctx.subscriber.id, r.creditFen, {
        channel: ctx.channel, reference: ctx.idempotencyKey, noteZh: `积分兑换${money(r.creditFen)['zh-CN']}话费`, noteEn: `Points for ${money(r.creditFen).en} credit`, at: ctx.now,
      });
    }
    return {
      data: { rewardId: r.id, pointsSpent: r.costPoints, pointsLeft: left },
      text: {
        short: l10n(`已兑换${r.nameZh}，剩余积分${left}`, `Redeemed ${r.nameEn}; ${left} points left`),
        long: l10n(`您已用${r.costPoints}积分兑换${r.nameZh}，剩余积分${left}分。`, `You spent ${r.costPoints} points on ${r.nameEn}; ${left} points left.`),
      },
    };
  },
});
