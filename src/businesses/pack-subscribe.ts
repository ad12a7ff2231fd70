// pack.subscribe: order a pack or service; charges its price now, so it needs confirmation.
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { dateText } from '../platform/dates.ts';
import { l10n, money } from '../platform/i18n.ts';
import { allowanceText, findOffering, offeringRef, salesChannel } from './common.ts';
import { assertObtainable, balanceSentence, balanceText } from './line.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';

/** Where a subscriber cancels in the hall (我的业务). */
export const HALL_SUBSCRIPTIONS_PATH = '/subscriptions';

/** Channels with a hall to cancel in; the others (SMS, USSD, IVR, TMF) cancel with QX <code>. */
const HALL_CHANNELS = new Set(['web', 'mobile', 'kiosk']);

async function orderable(ctx: BusinessContext, packId: string) {
  const o = await findOffering(ctx, packId);
  if (o.kind === 'plan') throw new AppError('NOT_ELIGIBLE', { detail: l10n('套餐请通过套餐变更办理', 'Use plan.change to change plans') });
  await assertObtainable(ctx, o, salesChannel(ctx.channel));
  return o;
}

export const packSubscribe = defineBusiness({
  id: 'pack.subscribe',
  kind: 'transaction',
  names: l10n('订购业务', 'Order a pack'),
  descriptions: l10n('订购流量包、语音包或增值业务，立即扣费', 'Order a data pack, voice pack or service; charged now'),
  keywords: ['办流量', '订购', '开通', '办理', '流量包', '加油包', 'order', 'buy data', 'add a pack'],
  input: z.object({ packId: offeringRef }).strict(),
  confirm: true,
  staffRoles: ['agent'],
  options: { packId: { business: 'packs.list', list: 'packs', value: 'id' } },
  async quote(ctx, { packId }) {
    const o = await orderable(ctx, packId);
    const m = money(o.priceFen);
    const validity = o.validityDays ? l10n(`有效期${o.validityDays}天`, `valid ${o.validityDays} days`) : l10n('按月收取，退订前每月扣费', 'charged every month until cancelled');
    return {
      businessId: 'pack.subscribe',
      priceFen: o.priceFen,
      // A monthly pack commits to its price every month, not only now.
      ...(o.priceType === 'recurring' ? { recurringFen: o.priceFen } : {}),
      summary: l10n(
        `订购${o.nameZh}（${[allowanceText(o)['zh-CN'], validity['zh-CN']].filter(Boolean).join('，')}），扣费${m['zh-CN']}${o.priceType === 'recurring' ? `，此后每月${m['zh-CN']}` : ''}`,
        `Order ${o.nameEn} (${[allowanceText(o).en, validity.en].filter(Boolean).join(', ')}) for ${m.en}${o.priceType === 'recurring' ? `, then ${m.en} a month` : ''}`,
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
    const b = balanceText({ ...ctx.account, balanceFen });
    const now = balanceSentence({ ...ctx.account, balanceFen });
    const until = sub.endsAt ? dateText(sub.endsAt) : null;
    const smsCommand = `QX ${o.code}`;
    const cancel = HALL_CHANNELS.has(ctx.channel)
      ? l10n('如需退订，请在“我的业务”中办理', 'To cancel, go to My subscriptions')
      : l10n(`退订请发送${smsCommand}`, `To cancel, send ${smsCommand}`);
    const monthly = o.priceType === 'recurring' ? l10n(`，此后每月${p['zh-CN']}`, `, then ${p.en} a month`) : l10n('', '');
    return {
      data: {
        subscriptionId: sub.id, offeringId: o.id, code: o.code, priceFen: o.priceFen, priceType: o.priceType, balanceFen,
        endsAt: sub.endsAt?.toISOString() ?? null, pointsEarned: earned, cancel: { smsCommand, hallPath: HALL_SUBSCRIPTIONS_PATH },
      },
      text: {
        short: l10n(`已订购${o.nameZh}，扣费${p['zh-CN']}，${b['zh-CN']}`, `${o.nameEn} ordered, ${p.en} charged, ${b.en}`),
        long: l10n(
          `您已成功订购${o.nameZh}，扣费${p['zh-CN']}${monthly['zh-CN']}${until ? `，有效期至${until['zh-CN']}` : ''}，${now['zh-CN']}。${cancel['zh-CN']}。`,
          `You have ordered ${o.nameEn} for ${p.en}${monthly.en}${until ? `, valid until ${until.en}` : ''}. ${now.en}. ${cancel.en}.`,
        ),
      },
    };
  },
});
