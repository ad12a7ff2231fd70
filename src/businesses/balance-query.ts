// balance.query: the account balance (话费余额).
import { money, l10n } from '../platform/i18n.ts';
import { defineBusiness } from './registry.ts';
import { noInput } from './common.ts';

export const balanceQuery = defineBusiness({
  id: 'balance.query',
  kind: 'query',
  names: l10n('话费余额查询', 'Balance'),
  descriptions: l10n('查询账户余额和信用额度', 'Your account balance and credit limit'),
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ account, subscriber }) {
    const m = money(account.balanceFen);
    const credit = account.creditLimitFen > 0 ? money(account.creditLimitFen) : null;
    return {
      data: { msisdn: subscriber.msisdn, accountType: account.type, balanceFen: account.balanceFen, creditLimitFen: account.creditLimitFen },
      text: {
        short: l10n(`您的余额为${m['zh-CN']}`, `Your balance is ${m.en}`),
        long: l10n(
          `尊敬的客户，您的号码${subscriber.msisdn}当前账户余额为${m['zh-CN']}${credit ? `，信用额度${credit['zh-CN']}` : ''}。`,
          `Your number ${subscriber.msisdn} has a balance of ${m.en}${credit ? ` and a credit limit of ${credit.en}` : ''}.`,
        ),
      },
    };
  },
});
