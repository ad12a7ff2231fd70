// pack.unsubscribe: cancel a pack or service; nothing is charged or refunded.
import { z } from 'zod';
import { l10n } from '../platform/i18n.ts';
import { findOffering, offeringRef } from './common.ts';
import { defineBusiness } from './registry.ts';

export const packUnsubscribe = defineBusiness({
  id: 'pack.unsubscribe',
  kind: 'transaction',
  names: l10n('退订业务', 'Cancel a pack'),
  descriptions: l10n('退订已订购的业务，已扣费用不退', 'Cancel a pack or service you have; no refund of what was charged'),
  keywords: ['退订', '取消', '关闭业务', '取消业务', 'cancel', 'unsubscribe', 'stop'],
  input: z.object({ packId: offeringRef }).strict(),
  confirm: false,
  staffRoles: ['agent'],
  options: { packId: { business: 'subscriptions.query', list: 'subscriptions', value: 'offeringId' } },
  async run(ctx, { packId }) {
    const o = await findOffering(ctx, packId);
    await ctx.bss.unsubscribe(ctx.subscriber.id, o.id, ctx.now);
    return {
      data: { offeringId: o.id, code: o.code },
      text: {
        short: l10n(`已退订${o.nameZh}`, `${o.nameEn} cancelled`),
        long: l10n(`您已成功退订${o.nameZh}，即时生效。`, `You have cancelled ${o.nameEn}; it ends now.`),
      },
    };
  },
});
