// balance.query: the account balance (话费余额), what it owes, and whether the line is suspended.
import { l10n, money } from '../platform/i18n.ts';
import { maskMsisdn } from '../platform/msisdn.ts';
import { defineBusiness } from './registry.ts';
import { noInput } from './common.ts';
import { balanceText, lineState, suspensionText } from './line.ts';

export const balanceQuery = defineBusiness({
  id: 'balance.query',
  kind: 'query',
  names: l10n('话费余额查询', 'Balance'),
  descriptions: l10n('查询账户余额、欠费、信用额度和号码状态', 'Your balance, what you owe, your credit and your line’s status'),
  keywords: ['查话费', '话费', '余额', '查余额', '话费余额', '欠费', '停机', '信用额度', 'balance', 'credit', 'owed'],
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, account, subscriber }) {
    const plan = await bss.offering(subscriber.planId);
    const line = lineState(subscriber, account, plan?.priceFen ?? 0);
    const bal = balanceText(account);
    const suspended = suspensionText(line);
    const credit = account.creditLimitFen > 0 ? money(account.creditLimitFen) : null;
    const typeZh = account.type === 'prepaid' ? '预付费' : '后付费';
    const typeEn = account.type === 'prepaid' ? 'prepaid' : 'postpaid';
    const who = maskMsisdn(subscriber.msisdn);
    return {
      data: {
        msisdn: subscriber.msisdn, accountType: account.type, balanceFen: account.balanceFen, creditLimitFen: account.creditLimitFen,
        ...line,
        planName: plan ? l10n(plan.nameZh, plan.nameEn) : null,
      },
      text: {
        short: suspended
          ? l10n(`${suspended['zh-CN']}；${bal['zh-CN']}`, `${suspended.en}; ${bal.en}`)
          : account.balanceFen < 0
            ? l10n(`您${bal['zh-CN']}`, `Y${bal.en.slice(1)}`)
            : l10n(`您的${bal['zh-CN'].replace(/^余额/, '余额为')}`, `Your ${bal.en.replace(/^balance/, 'balance is')}`),
        long: l10n(
          `尊敬的客户，您的号码${who}（${typeZh}）当前${bal['zh-CN'].replace(/^余额/, '余额为')}${credit ? `（信用额度${credit['zh-CN']}）` : ''}。${suspended ? `${suspended['zh-CN']}。` : ''}`,
          `Your number ${who} (${typeEn}) ${account.balanceFen < 0 ? `owes ${money(-account.balanceFen).en}` : `has a balance of ${money(account.balanceFen).en}`}${credit ? `, credit limit ${credit.en}${line.creditLeftFen !== null ? ` (${money(line.creditLeftFen).en} left)` : ''}` : ''}.${suspended ? ` ${suspended.en}.` : ''}`,
        ),
      },
    };
  },
});
