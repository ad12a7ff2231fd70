// recharge: top up the account (充值). Amounts are integer fen, from ¥1 to ¥5,000.
import { z } from 'zod';
import { l10n, money } from '../platform/i18n.ts';
import { defineBusiness } from './registry.ts';

export const RECHARGE_MIN_FEN = 100;
export const RECHARGE_MAX_FEN = 500_000;

export const recharge = defineBusiness({
  id: 'recharge',
  kind: 'transaction',
  names: l10n('充值缴费', 'Recharge'),
  descriptions: l10n('为本号码充值话费', 'Top up this number'),
  input: z.object({
    amount: z.number().int('whole fen only').min(RECHARGE_MIN_FEN).max(RECHARGE_MAX_FEN).describe('amount in fen (1 yuan = 100 fen)'),
  }).strict(),
  confirm: true,
  staffRoles: [],
  async quote(ctx, { amount }) {
    const m = money(amount);
    return {
      businessId: 'recharge',
      priceFen: amount,
      summary: l10n(`为${ctx.subscriber.msisdn}充值${m['zh-CN']}`, `Recharge ${m.en} to ${ctx.subscriber.msisdn}`),
    };
  },
  async run(ctx, { amount }) {
    const { balanceFen } = await ctx.bss.recharge(ctx.subscriber.id, amount, {
      channel: ctx.channel, reference: ctx.idempotencyKey, noteZh: '充值', noteEn: 'Recharge', at: ctx.now,
    });
    const m = money(amount);
    const b = money(balanceFen);
    return {
      data: { amountFen: amount, balanceFen },
      text: {
        short: l10n(`充值${m['zh-CN']}成功，余额${b['zh-CN']}`, `Recharged ${m.en}; balance ${b.en}`),
        long: l10n(`您已成功充值${m['zh-CN']}，当前余额${b['zh-CN']}。`, `You have recharged ${m.en}. Your balance is now ${b.en}.`),
      },
    };
  },
});
