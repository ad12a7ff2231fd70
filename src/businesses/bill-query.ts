// bill.query: one month's bill with its items (the latest when no month is given).
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { dayText, monthText } from '../platform/dates.ts';
import { l10n, money } from '../platform/i18n.ts';
import { monthInput } from './common.ts';
import { defineBusiness } from './registry.ts';

export const billQuery = defineBusiness({
  id: 'bill.query',
  kind: 'query',
  names: l10n('账单查询', 'Bill'),
  descriptions: l10n('查询某月账单及明细', 'A month’s bill and its items'),
  keywords: ['账单', '查账单', '月账单', '话费账单', '明细', '缴费', 'bill', 'invoice', 'statement'],
  input: z.object({ month: monthInput.optional() }).strict(),
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber }, input) {
    const month = input.month ?? (await bss.bills(subscriber.id, 1))[0]?.month;
    const bill = month ? await bss.bill(subscriber.id, month) : undefined;
    if (!bill) throw new AppError('BILL_NOT_FOUND');
    const history = await bss.bills(subscriber.id, 6);
    const total = money(bill.totalFen);
    // A name may end in a price of its own (4G畅享套餐128元): the amount is set off from it.
    const itemsZh = bill.items.map((i) => `${i.nameZh}：${money(i.amountFen)['zh-CN']}`).join('；');
    const itemsEn = bill.items.map((i) => `${i.nameEn}: ${money(i.amountFen).en}`).join('; ');
    const due = dayText(String(bill.dueOn));
    const m = monthText(bill.month);
    const statusZh = bill.status === 'paid' ? '已缴清' : `未缴，请于${due['zh-CN']}前缴费`;
    const statusEn = bill.status === 'paid' ? 'paid' : `unpaid, due ${due.en}`;
    return {
      data: { bill, history },
      text: {
        short: l10n(`${m['zh-CN']}账单${total['zh-CN']}，${statusZh}`, `${m.en} bill: ${total.en}, ${statusEn}`),
        long: l10n(`${m['zh-CN']}账单合计${total['zh-CN']}（${statusZh}）。明细：${itemsZh}。`, `Bill for ${m.en}: ${total.en} (${statusEn}). Items: ${itemsEn}.`),
      },
    };
  },
});
