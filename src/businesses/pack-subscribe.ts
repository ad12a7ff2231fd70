// pack.subscribe: order a pack or service; charges its price now, so it needs confirmation.
import { z } from 'zod';
import { assertEligible } from '../modules/catalogue/index.ts';
import { AppError } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import { allowanceText, findOffering, offeringRef, salesChannel } from './common.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';

async function orderable(ctx: BusinessContext, packId: string) {
  const o = await findOffering(ctx, packId);
  if (o.kind === 'plan') throw new AppError('NOT_ELIGIBLE', { detail: l10n('套餐请通过套餐变更办理', 'Use plan.change to change plans') });
  assertEligible(o, ctx.subscriber, ctx.account, salesChannel(ctx.channel), ctx.now);
  return o;
}

export const packSubscribe = defineBusiness({
  id: 'pack.subscribe',
  kind: 'transaction',
  names: l10n('订购业务', 'Order a pack'),
  descriptions: l10n('订购流量包、语音包或增值业务，立即扣费', 'Order a data pack, voice pack or service; charged now'),
  input: z.object({ packId: offeringRef }).strict(),
  confirm: true,
  staffRoles: ['agent'],
  options: { packId: { business: 'packs.list', list: 'packs', value: 'id' } },
  async quote(ctx, { packId }) {
    const o = await orderable(ctx, packId);
    const p = money(o.priceFen);
    const validity = o.validityDays ? l10n(`有效期${o.validityDays}天`, `valid ${o.validityDays} days`) : l10n('按月收取', 'monthly');
    return {
      businessId: 'pack.subscribe',
      priceFen: o.priceFen,
      // A monthly pack commits to its price every month, not only now.
      ...(o.priceType === 'recurring' ? { recurringFen: o.priceFen } : {}),
      summary: l10n(
        `订购${o.nameZh}（${[allowanceText(o)['zh-CN'], validity['zh-CN']].filter(Boolean).join('，')}），扣费${p['zh-CN']}`,
        `Order ${o.nameEn} (${[allowanceText(o).en, validity.en].filter(Boolean).join(', ')}) for ${p.en}`,
      ),
    };
  },
  async run(ctx, { packId }) {
    const o = await orderable(ctx, packId);
    // One point per whole yuan spent.
    const earned = Math.trunc(o.priceFen / 100);
    const { subscription: sub, balanceFen } = await ctx.bss.order(ctx.subscriber.id, o, {
      priceFen: o.priceFen, pointsEarned: earned,
      channel: ctx.channel, reference: ctx.idempotencyKey, noteZh: `订购${o.nameZh}`, noteEn: `Ordered ${o.nameEn}`, at: ctx.now,
    });
    const p = money(o.priceFen);
    const b = money(balanceFen);
    return {
      data: { subscriptionId: sub.id, offeringId: o.id, code: o.code, priceFen: o.priceFen, balanceFen, endsAt: sub.endsAt?.toISOString() ?? null, pointsEarned: earned },
      text: {
        short: l10n(`已订购${o.nameZh}，扣费${p['zh-CN']}，余额${b['zh-CN']}`, `${o.nameEn} ordered, ${p.en} charged, balance ${b.en}`),
        long: l10n(
          `您已成功订购${o.nameZh}，扣费${p['zh-CN']}，当前余额${b['zh-CN']}${sub.endsAt ? `，有效期至${sub.endsAt.toISOString().slice(0, 10)}` : ''}。退订请发送QX ${o.code}。`,
          `You have ordered ${o.nameEn} for ${p.en}; your balance is ${b.en}${sub.endsAt ? `; valid until ${sub.endsAt.toISOString().slice(0, 10)}` : ''}. To cancel, send QX ${o.code}.`,
        ),
      },
    };
  },
});
