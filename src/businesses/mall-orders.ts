// mall.orders: the subscriber's latest mall orders with their numbers and states (我的订单; DD on
// SMS): the short text fits one SMS, the long one adds what was bought, when and for how much.
import { z } from 'zod';
import { l10n, money, type Lang } from '../platform/i18n.ts';
import { partsNeeded } from '../platform/sms/gsm-encoding.ts';
import { MALL_GROUP, mallOf, orderStateText } from './mall-common.ts';
import type { MallOrderBrief } from './registry.ts';
import { defineBusiness } from './registry.ts';

const LATEST = 5;

/** As many orders as fit one SMS after the heading, newest first. */
function oneSms(head: string, parts: string[], sep: string): string {
  let text = head;
  for (const [k, p] of parts.entries()) {
    const next = `${text}${k === 0 ? '' : sep}${p}`;
    if (partsNeeded(next) > 1) break;
    text = next;
  }
  return text;
}

function what(o: MallOrderBrief, lang: Lang): string {
  const first = o.lines[0];
  if (!first) return '';
  const more = o.lines.length > 1 ? (lang === 'en' ? ` and ${o.lines.length - 1} more` : `等${o.lines.length}件`) : '';
  return `${first.names[lang]}${more}`;
}

export const mallOrders = defineBusiness({
  id: 'mall.orders',
  kind: 'query',
  names: l10n('我的订单', 'My orders'),
  descriptions: l10n('最近的商城订单及其状态', 'Your latest mall orders and their states'),
  keywords: ['订单', '我的订单', '查订单', '商城订单', 'orders', 'my orders'],
  input: z.object({}).strict(),
  confirm: false,
  staffRoles: ['agent'],
  menuGroup: MALL_GROUP,
  async run(ctx) {
    const orders = await mallOf(ctx).latest(ctx.subscriber.id, LATEST);
    const data = { orders: orders.map((o) => ({ id: o.id, orderNo: o.orderNo, state: o.state, totalFen: o.totalFen, placedAtLocal: o.placedAtLocal, lines: o.lines })) };
    if (!orders.length) {
      const none = l10n('您还没有商城订单；发送GM看看商城', 'You have no mall orders yet; send GM for the mall');
      return { data, text: { short: none, long: none } };
    }
    const brief = (lang: Lang) => orders.map((o) => `${o.orderNo}${lang === 'en' ? ' ' : ''}${orderStateText(o.state)[lang]}`);
    const full = (lang: Lang) => orders.map((o) => {
      const s = orderStateText(o.state)[lang];
      const codes = o.lines.flatMap((l) => l.codes ?? []);
      const code = codes.length ? (lang === 'en' ? `, code ${codes.join(', ')}` : `，卡密${codes.join('、')}`) : '';
      return lang === 'en'
        ? `${o.orderNo} ${o.placedAtLocal} ${what(o, 'en')} ${money(o.totalFen).en} ${s}${code}`
        : `${o.orderNo} ${o.placedAtLocal} ${what(o, 'zh-CN')} ${money(o.totalFen)['zh-CN']} ${s}${code}`;
    }).join('\n');
    return {
      data,
      text: {
        short: l10n(oneSms('最近订单：', brief('zh-CN'), '；'), oneSms('Orders: ', brief('en'), '; ')),
        long: l10n(`最近的商城订单（北京时间）：\n${full('zh-CN')}`, `Your latest mall orders (Beijing time):\n${full('en')}`),
      },
    };
  },
});
