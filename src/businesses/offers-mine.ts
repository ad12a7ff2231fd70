// offers.mine: my exclusive offers (我的专属优惠), ranked for this subscriber on this channel by the
// marketing module's next best offer; each one shown is recorded as an impression.
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import type { SalesChannel } from '../modules/catalogue/index.ts';
import { salesChannel } from './common.ts';
import { defineBusiness } from './registry.ts';

/** How many offers a channel shows at once: a USSD screen or an SMS holds few, a page more. */
const SHOWN: Record<string, number> = { ussd: 3, sms: 3, ivr: 2, kiosk: 4, web: 6, mobile: 6 };

export const offersMine = defineBusiness({
  id: 'offers.mine',
  kind: 'query',
  names: l10n('我的优惠', 'My offers'),
  descriptions: l10n('为您专属推荐的优惠，一键办理', 'Offers picked for you, taken in one step'),
  input: z.object({}).strict(),
  confirm: false,
  staffRoles: ['agent'],
  async run(ctx) {
    if (!ctx.marketing) throw new AppError('UNAVAILABLE');
    const channel = salesChannel(ctx.channel) as SalesChannel;
    const shown = await ctx.marketing.decisions.show(ctx.subscriber.id, channel, SHOWN[channel] ?? 6);
    const offers = shown.map((r) => ({
      id: r.offer.id, offeringId: r.offer.offeringId, nameZh: r.offer.names['zh-CN'], nameEn: r.offer.names.en,
      pitchZh: r.offer.pitch['zh-CN'], pitchEn: r.offer.pitch.en, priceFen: r.offer.priceFen, validityDays: r.offer.validityDays,
      endsAt: r.offer.endsAt,
    }));
    if (offers.length === 0) {
      return { data: { offers }, text: { short: l10n('暂无专属优惠', 'No offers for you right now'), long: l10n('您目前没有专属优惠，敬请期待。', 'There are no offers for you right now.') } };
    }
    const zh = offers.map((o) => `${o.nameZh}${money(o.priceFen)['zh-CN']}（回复BL ${o.id}）`).join('；');
    const en = offers.map((o) => `${o.nameEn} ${money(o.priceFen).en} (BL ${o.id})`).join('; ');
    return {
      data: { offers },
      text: {
        short: l10n(`我的优惠：${zh}`, `My offers: ${en}`),
        long: l10n(
          `您的专属优惠：${offers.map((o) => `${o.nameZh}，${o.pitchZh}，优惠价${money(o.priceFen)['zh-CN']}`).join('；')}。`,
          `Your offers: ${offers.map((o) => `${o.nameEn}: ${o.pitchEn}, for ${money(o.priceFen).en}`).join('; ')}.`,
        ),
      },
    };
  },
});
