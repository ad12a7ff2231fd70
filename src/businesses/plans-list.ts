// plans.list: the plans this subscriber may change to.
import { ineligibility } from '../modules/catalogue/index.ts';
import { l10n, money } from '../platform/i18n.ts';
import { allowanceText, noInput, salesChannel } from './common.ts';
import { defineBusiness } from './registry.ts';

export const plansList = defineBusiness({
  id: 'plans.list',
  kind: 'query',
  names: l10n('可选套餐', 'Plans'),
  descriptions: l10n('您可以变更的套餐', 'Plans you can change to'),
  keywords: ['套餐', '可选套餐', '换套餐', '资费', 'plans', 'tariffs'],
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber, account, channel, now }) {
    const all = await bss.offerings(['plan']);
    const plans = all
      .filter((o) => ineligibility(o, subscriber, account, salesChannel(channel), now) === null)
      .map((o) => ({
        id: o.id, code: o.code, nameZh: o.nameZh, nameEn: o.nameEn, priceFen: o.priceFen, priceType: o.priceType,
        dataMb: o.dataMb, voiceMin: o.voiceMin, sms: o.sms, current: o.id === subscriber.planId,
      }));
    return {
      data: { plans },
      text: {
        short: l10n(`可选套餐${plans.length}种`, `${plans.length} plans`),
        long: l10n(
          plans.map((p) => `${p.nameZh}：月费${money(p.priceFen)['zh-CN']}，含${allowanceText(p)['zh-CN']}`).join('；'),
          plans.map((p) => `${p.nameEn}: ${money(p.priceFen).en}/month with ${allowanceText(p).en}`).join('; '),
        ),
      },
    };
  },
});
