// Pieces the mall businesses share (mall.cards, mall.buy, mall.orders): the menu group they sit
// in, the mall port they need, how a listed SKU is named and found, and the order states in words.
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { l10n, money, type L10n } from '../platform/i18n.ts';
import type { BusinessContext, MallItem, MallPort, MenuGroup } from './registry.ts';

/** 商城: the menus' one entry for the mall businesses, after the others. */
// The mall lists its goods for USSD and SMS (goods' MALL_CHANNELS), never for the IVR: a voice
// menu of 商城 would only ever say that nothing is for sale.
export const MALL_GROUP: MenuGroup = { id: 'mall', names: l10n('商城', 'Mall'), channels: ['ussd'] };

/** A listed SKU: its number in the list (`1`, as `GM 1` sends it) or its code (`RC-30`). */
export const mallItemRef = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/, 'a number from the list, or a code')
  .describe('the number of a listed item (mall.cards) or its code');

export function mallOf(ctx: BusinessContext): MallPort {
  if (!ctx.mall) throw new AppError('NOT_OFFERED_ON_CHANNEL', { detail: l10n('商城暂未开通', 'The mall is not open') });
  return ctx.mall;
}

/** `30元话费充值卡 29.90元`. */
export function itemText(i: MallItem): L10n {
  const p = money(i.saleFen);
  return l10n(`${i.names['zh-CN']} ${p['zh-CN']}`, `${i.names.en} ${p.en}`);
}

/** The listed SKU a reference names: PRODUCT_NOT_FOUND (with how to see the list) when none does. */
export async function findItem(ctx: BusinessContext, ref: string): Promise<{ item: MallItem; n: number }> {
  const items = await mallOf(ctx).listed(ctx.channel);
  const upper = ref.toUpperCase();
  const n = /^\d{1,3}$/.test(ref) ? Number(ref) : items.findIndex((i) => i.code.toUpperCase() === upper) + 1;
  const item = items[n - 1];
  if (!item) {
    throw new AppError('PRODUCT_NOT_FOUND', {
      detail: l10n(`没有第${ref}项商品，未扣费；发送GM查看可买商品`, `There is no item ${ref}; nothing was charged. Send GM for what you can buy`),
    });
  }
  return { item, n };
}

const STATES: Record<string, L10n> = {
  awaiting_payment: l10n('待付款', 'awaiting payment'),
  awaiting_delivery: l10n('待发货', 'awaiting delivery'),
  paid: l10n('已付款', 'paid'),
  shipped: l10n('已发货', 'shipped'),
  delivered: l10n('已签收', 'delivered'),
  completed: l10n('已完成', 'completed'),
  cancelled: l10n('已取消', 'cancelled'),
  expired: l10n('已过期', 'expired'),
  returned: l10n('已退货', 'returned'),
  refunded: l10n('已退款', 'refunded'),
};

export function orderStateText(state: string): L10n {
  return STATES[state] ?? l10n(state, state);
}
