// packs.list: the packs and services this subscriber may order on this channel now.
import { ineligibility } from '../modules/catalogue/index.ts';
import { l10n, money } from '../platform/i18n.ts';
import { allowanceText, noInput, salesChannel } from './common.ts';
import { defineBusiness } from './registry.ts';

export const packsList = defineBusiness({
  id: 'packs.list',
  kind: 'query',
  names: l10n('可订业务', 'Packs to order'),
  descriptions: l10n('您可以订购的流量包、语音包和增值业务', 'Data packs, voice packs and services you can order'),
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber, account, channel, now }) {
    const [all, subs] = await Promise.all([
      bss.offerings(['data_pack', 'voice_pack', 'sms_pack', 'vas']),
      bss.subscriptions(subscriber.id, now),
    ]);
    const have = new Set(subs.map((s) => s.offering.id));
    const packs = all
      .filter((o) => !have.has(o.id) && ineligibility(o, subscriber, account, salesChannel(channel), now) === null)
      .map((o) => ({
        id: o.id, code: o.code, kind: o.kind, nameZh: o.nameZh, nameEn: o.nameEn,
        descriptionZh: o.descriptionZh, descriptionEn: o.descriptionEn, priceFen: o.priceFen, priceType: o.priceType,
        validityDays: o.validityDays, dataMb: o.dataMb, voiceMin: o.voiceMin, sms: o.sms,
      }));
    const lineZh = packs.slice(0, 3).map((p) => `${p.nameZh}${money(p.priceFen)['zh-CN']}(回复KT ${p.code})`).join('；');
    const lineEn = packs.slice(0, 3).map((p) => `${p.nameEn} ${money(p.priceFen).en} (KT ${p.code})`).join('; ');
    return {
      data: { packs },
      text: {
        short: packs.length ? l10n(`可订${packs.length}种：${lineZh}`, `${packs.length} to order: ${lineEn}`) : l10n('暂无可订业务', 'Nothing to order now'),
        long: packs.length
          ? l10n(
              `您可订购：${packs.map((p) => `${p.nameZh}，${allowanceText(p)['zh-CN']}，${money(p.priceFen)['zh-CN']}`).join('；')}。`,
              `You can order: ${packs.map((p) => `${p.nameEn}, ${allowanceText(p).en}, ${money(p.priceFen).en}`).join('; ')}.`,
            )
          : l10n('您目前没有可订购的业务。', 'There is nothing you can order right now.'),
      },
    };
  },
});
