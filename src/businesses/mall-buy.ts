// mall.buy: buy one of the mall's items listed on this channel (mall.cards), one to five of it (a
// pack one only), paid from the phone balance: quoted with its price, run once confirmed, once per key. Checkout places and pays the
// order in its own transactions and workflow, so this business runs with `ownTransactions`: the
// same key again finds the same order and payment and charges nothing more.
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import { findItem, MALL_GROUP, mallItemRef, mallOf } from './mall-common.ts';
import type { MallItem } from './registry.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';

/** At most this many of one item in one text-channel order (a message's worth of codes). */
export const MAX_TEXT_QUANTITY = 5;

async function buyable(ctx: BusinessContext, ref: string, quantity: number): Promise<MallItem> {
  const { item } = await findItem(ctx, ref);
  if (item.saleable === 0) {
    throw new AppError('OUT_OF_STOCK', { detail: l10n(`${item.names['zh-CN']}已售罄，未扣费`, `${item.names.en} is sold out; nothing was charged`) });
  }
  if (quantity > 1 && item.delivery === 'subscribe') {
    throw new AppError('INVALID_QUANTITY', { detail: l10n(`${item.names['zh-CN']}每次限购1件，未扣费`, `${item.names.en} is bought one at a time; nothing was charged`) });
  }
  if (item.saleable !== null && item.saleable < quantity) {
    throw new AppError('OUT_OF_STOCK', { detail: l10n(`${item.names['zh-CN']}仅剩${item.saleable}件，未扣费`, `Only ${item.saleable} of ${item.names.en} left; nothing was charged`), extra: { saleable: item.saleable } });
  }
  // A pack the subscriber holds now is refused before anything is quoted or charged (the commit
  // would refuse it too, and give the money back).
  if (item.offeringId && (await ctx.bss.subscriptions(ctx.subscriber.id, ctx.now)).some((x) => x.offering.id === item.offeringId)) {
    throw new AppError('ALREADY_SUBSCRIBED', { detail: l10n(`您已订购${item.names['zh-CN']}，未扣费`, `You already have ${item.names.en}; nothing was charged`) });
  }
  return item;
}

export const mallBuy = defineBusiness({
  id: 'mall.buy',
  kind: 'transaction',
  names: l10n('商城购买', 'Buy in the mall'),
  descriptions: l10n('购买商城的充值卡、兑换码或流量包，从话费余额支付', 'Buy a recharge card, a code or a pack from the mall, paid from the balance'),
  keywords: ['购买', '买卡', '购买充值卡', 'buy'],
  input: z.object({
    item: mallItemRef,
    quantity: z.number().int('a whole number').min(1).max(MAX_TEXT_QUANTITY).optional().describe(`how many, 1 to ${MAX_TEXT_QUANTITY} (1 when left out)`),
  }).strict(),
  confirm: true,
  staffRoles: [],
  ownTransactions: true,
  menuGroup: MALL_GROUP,
  options: { item: { business: 'mall.cards', list: 'cards', value: 'code' } },
  async quote(ctx, { item: ref, quantity = 1 }) {
    const item = await buyable(ctx, ref, quantity);
    const m = money(item.saleFen * quantity);
    const times = quantity > 1 ? l10n(`（每件${money(item.saleFen)['zh-CN']}）`, ` (${money(item.saleFen).en} each)`) : l10n('', '');
    return {
      businessId: 'mall.buy',
      priceFen: item.saleFen * quantity,
      summary: l10n(
        `购买${item.names['zh-CN']}${quantity}件，从话费余额支付${m['zh-CN']}${times['zh-CN']}`,
        `Buy ${quantity === 1 ? '' : `${quantity} × `}${item.names.en} for ${m.en}${times.en} from your balance`,
      ),
    };
  },
  async run(ctx, { item: ref, quantity = 1 }) {
    const item = await buyable(ctx, ref, quantity);
    // Refused before an order is written; a balance spent meanwhile is refused by the payment, and
    // the order it placed is closed.
    if (ctx.account.balanceFen + ctx.account.creditLimitFen < item.saleFen * quantity) throw new AppError('INSUFFICIENT_BALANCE');
    const o = await mallOf(ctx).buy({ subscriberId: ctx.subscriber.id, channel: ctx.channel, item, quantity, idempotencyKey: ctx.idempotencyKey! });
    const codes = o.lines.flatMap((l) => l.codes ?? []);
    const m = money(o.totalFen);
    const name = item.names;
    const pieces = quantity > 1 ? `${quantity}件` : '';
    const got = codes.length
      ? l10n(`卡密：${codes.join('、')}`, `code: ${codes.join(', ')}`)
      : item.delivery === 'subscribe' ? l10n('已开通', 'it is active now') : l10n('已到账', 'it is yours now');
    return {
      data: { orderId: o.id, orderNo: o.orderNo, state: o.state, totalFen: o.totalFen, skuId: item.skuId, codes },
      text: {
        short: l10n(`已购买${name['zh-CN']}${pieces}，${got['zh-CN']}`, `Bought ${quantity === 1 ? '' : `${quantity} × `}${name.en}; ${got.en}`),
        long: l10n(
          `您已购买${name['zh-CN']}${pieces}，从话费扣款${m['zh-CN']}，${got['zh-CN']}。订单号${o.orderNo}，发送DD查订单。`,
          `You bought ${quantity === 1 ? '' : `${quantity} × `}${name.en} for ${m.en} from your balance; ${got.en}. Order ${o.orderNo}; send DD for your orders.`,
        ),
      },
    };
  },
});
