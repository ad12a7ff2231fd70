// mall.buy: buy one of the mall's items listed on this channel (mall.cards), paid from the phone
// balance: quoted with its price, run once confirmed, once per key. Checkout places and pays the
// order in its own transactions and workflow, so this business runs with `ownTransactions`: the
// same key again finds the same order and payment and charges nothing more.
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import { findItem, MALL_GROUP, mallItemRef, mallOf } from './mall-common.ts';
import type { MallItem } from './registry.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';

async function buyable(ctx: BusinessContext, ref: string): Promise<MallItem> {
  const { item } = await findItem(ctx, ref);
  if (item.saleable === 0) {
    throw new AppError('OUT_OF_STOCK', { detail: l10n(`${item.names['zh-CN']}已售罄，未扣费`, `${item.names.en} is sold out; nothing was charged`) });
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
  input: z.object({ item: mallItemRef }).strict(),
  confirm: true,
  staffRoles: [],
  ownTransactions: true,
  menuGroup: MALL_GROUP,
  options: { item: { business: 'mall.cards', list: 'cards', value: 'code' } },
  async quote(ctx, { item: ref }) {
    const item = await buyable(ctx, ref);
    const m = money(item.saleFen);
    return {
      businessId: 'mall.buy',
      priceFen: item.saleFen,
      summary: l10n(`购买${item.names['zh-CN']}1件，从话费余额支付${m['zh-CN']}`, `Buy ${item.names.en} for ${m.en} from your balance`),
    };
  },
  async run(ctx, { item: ref }) {
    const item = await buyable(ctx, ref);
    // Refused before an order is written; a balance spent meanwhile is refused by the payment, and
    // the order it placed is closed.
    if (ctx.account.balanceFen + ctx.account.creditLimitFen < item.saleFen) throw new AppError('INSUFFICIENT_BALANCE');
    const o = await mallOf(ctx).buy({ subscriberId: ctx.subscriber.id, channel: ctx.channel, item, idempotencyKey: ctx.idempotencyKey! });
    const codes = o.lines.flatMap((l) => l.codes ?? []);
    const m = money(o.totalFen);
    const name = item.names;
    const got = codes.length
      ? l10n(`卡密：${codes.join('、')}`, `code: ${codes.join(', ')}`)
      : item.delivery === 'subscribe' ? l10n('已开通', 'it is active now') : l10n('已到账', 'it is yours now');
    return {
      data: { orderId: o.id, orderNo: o.orderNo, state: o.state, totalFen: o.totalFen, skuId: item.skuId, codes },
      text: {
        short: l10n(`已购买${name['zh-CN']}，${got['zh-CN']}`, `Bought ${name.en}; ${got.en}`),
        long: l10n(
          `您已购买${name['zh-CN']}，从话费扣款${m['zh-CN']}，${got['zh-CN']}。订单号${o.orderNo}，发送DD查订单。`,
          `You bought ${name.en} for ${m.en} from your balance; ${got.en}. Order ${o.orderNo}; send DD for your orders.`,
        ),
      },
    };
  },
});
