// mall.cards: the mall's recharge cards, codes and packs on sale on this channel (商城), each with
// its number to buy it by (GM 1 on SMS) and its code; nothing that needs an address.
import { l10n } from '../platform/i18n.ts';
import { noInput } from './common.ts';
import { itemText, MALL_GROUP, mallOf } from './mall-common.ts';
import { defineBusiness } from './registry.ts';

/** At most this many on the short (SMS, USSD) text; the long text has them all. */
const SHORT_ITEMS = 5;
const SOLD_OUT = l10n('（已售罄）', ' (sold out)');

export const mallCards = defineBusiness({
  id: 'mall.cards',
  kind: 'query',
  names: l10n('商城商品', 'Mall items'),
  descriptions: l10n('商城在本渠道可买的充值卡、兑换码和流量包，从话费支付', 'Recharge cards, codes and packs the mall sells on this channel, paid from the balance'),
  keywords: ['商城', '买充值卡', '充值卡', '卡密', '兑换码', 'mall', 'shop', 'recharge card'],
  input: noInput,
  confirm: false,
  staffRoles: ['agent'],
  menuGroup: MALL_GROUP,
  async run(ctx) {
    const items = await mallOf(ctx).listed(ctx.channel);
    const cards = items.map((i, k) => ({
      n: k + 1, code: i.code, productId: i.productId, skuId: i.skuId, kind: i.kind, delivery: i.delivery,
      nameZh: i.names['zh-CN'], nameEn: i.names.en, priceFen: i.saleFen, saleable: i.saleable,
      orderable: i.saleable !== 0,
      ...(i.saleable === 0 ? { unavailableReason: { code: 'OUT_OF_STOCK', messages: l10n('已售罄', 'Sold out') } } : {}),
    }));
    if (!cards.length) {
      const none = l10n('商城暂无可在本渠道购买的商品', 'The mall has nothing to buy on this channel now');
      return { data: { cards }, text: { short: none, long: none } };
    }
    const line = (lang: 'zh-CN' | 'en') => (i: (typeof items)[number], k: number) =>
      `${k + 1}.${itemText(i)[lang]}${i.saleable === 0 ? SOLD_OUT[lang] : ''}`;
    const shortOf = (lang: 'zh-CN' | 'en') => items.slice(0, SHORT_ITEMS).map(line(lang)).join('\n');
    const longOf = (lang: 'zh-CN' | 'en') => items.map(line(lang)).join('\n');
    return {
      data: { cards },
      text: {
        short: l10n(`商城可买：\n${shortOf('zh-CN')}\n回复GM加序号购买，如GM 1；DD查订单`, `Mall:\n${shortOf('en')}\nReply GM and a number to buy, e.g. GM 1; DD for orders`),
        long: l10n(`商城可买（从话费支付）：\n${longOf('zh-CN')}`, `In the mall (paid from your balance):\n${longOf('en')}`),
      },
    };
  },
});
