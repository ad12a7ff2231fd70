// recharge: top up this number, or another number of this operator (充值 / 为他人充值). Amounts
// are integer fen, from ¥1 to ¥5,000. A line suspended for non-payment is restored once the
// recharge covers what it was short (a prepaid line's monthly fee is then taken).
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import { maskMsisdn, msisdnProblem, normaliseMsisdn } from '../platform/msisdn.ts';
import { RECHARGE_MAX_FEN, RECHARGE_MIN_FEN } from './limits.ts';
import { balanceSentence, balanceText, lineState } from './line.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';

export { RECHARGE_MAX_FEN, RECHARGE_MIN_FEN };

// Read by the shared normaliser in the handler, so a refusal says why (letters, a wrong length).
const otherNumber = z.string().max(40)
  .describe('another number of this operator to recharge (this number when left out)');

/** Whom the recharge is for: this subscriber, or another active number of this operator. */
async function target(ctx: BusinessContext, msisdn: string | undefined) {
  const n = msisdn === undefined ? ctx.subscriber.msisdn : normaliseMsisdn(msisdn);
  if (n === null) {
    const why = msisdnProblem(msisdn!)!;
    throw new AppError('INVALID_INPUT', { detail: l10n(`充值号码有误：${why['zh-CN']}`, `The number to recharge: ${why.en}`), extra: { errors: [{ path: 'msisdn', message: why.en, code: 'custom' }] } });
  }
  if (n === ctx.subscriber.msisdn) return { self: true, subscriber: ctx.subscriber, account: ctx.account };
  const other = await ctx.bss.subscriberByMsisdn(n);
  const customer = other && other.status !== 'closed' ? await ctx.bss.customer(other.id) : undefined;
  if (!customer) {
    throw new AppError('NOT_A_SUBSCRIBER', {
      detail: l10n(`${maskMsisdn(n)}不是本网号码，未扣费`, `${maskMsisdn(n)} is not one of our numbers; nothing was charged`),
    });
  }
  return { self: false, ...customer };
}

export const recharge = defineBusiness({
  id: 'recharge',
  kind: 'transaction',
  names: l10n('充值缴费', 'Recharge'),
  descriptions: l10n('为本号码或本网其他号码充值话费', 'Top up this number or another of our numbers'),
  keywords: ['充值', '充话费', '交话费', '缴费', '交费', '话费充值', '代充', '复机', 'top up', 'recharge', 'pay'],
  input: z.object({
    amount: z.number().int('whole fen only').min(RECHARGE_MIN_FEN).max(RECHARGE_MAX_FEN).describe('amount in fen (1 yuan = 100 fen)'),
    msisdn: otherNumber.optional(),
  }).strict(),
  confirm: true,
  staffRoles: [],
  menuSkips: ['msisdn'],
  async quote(ctx, { amount, msisdn }) {
    const t = await target(ctx, msisdn);
    const m = money(amount);
    const who = maskMsisdn(t.subscriber.msisdn);
    return {
      businessId: 'recharge',
      priceFen: amount,
      summary: t.self
        ? l10n(`为本机${who}充值${m['zh-CN']}`, `Recharge ${m.en} to your number ${who}`)
        : l10n(`为${who}充值${m['zh-CN']}（他人号码）`, `Recharge ${m.en} to ${who} (another number)`),
    };
  },
  async run(ctx, { amount, msisdn }) {
    const t = await target(ctx, msisdn);
    const plan = await ctx.bss.offering(t.subscriber.planId);
    const fee = plan?.priceFen ?? 0;
    const before = lineState(t.subscriber, t.account, fee);
    const note = t.self ? l10n('充值', 'Recharge') : l10n(`${maskMsisdn(ctx.subscriber.msisdn)}代充`, `Recharge from ${maskMsisdn(ctx.subscriber.msisdn)}`);
    let { balanceFen } = await ctx.bss.recharge(t.subscriber.id, amount, {
      channel: ctx.channel, reference: ctx.idempotencyKey, noteZh: note['zh-CN'], noteEn: note.en, at: ctx.now,
    });
    // Restored when the recharge covers what the line was short: a prepaid line pays its month's fee.
    let restored = false;
    if (before.suspendedReason === 'non_payment' && balanceFen >= (t.account.type === 'prepaid' ? fee : 0)
      && (await ctx.bss.setLineStatus(t.subscriber.id, 'suspended', 'active', ctx.now))) {
      restored = true;
      if (t.account.type === 'prepaid' && fee > 0) {
        ({ balanceFen } = await ctx.bss.charge(t.subscriber.id, fee, {
          channel: ctx.channel, reference: ctx.idempotencyKey, noteZh: `${plan!.nameZh}月费（复机）`, noteEn: `${plan!.nameEn} monthly fee (line restored)`, at: ctx.now,
        }));
      }
    }
    const m = money(amount);
    const who = maskMsisdn(t.subscriber.msisdn);
    const b = balanceText({ ...t.account, balanceFen });
    const now = balanceSentence({ ...t.account, balanceFen });
    const back = restored ? l10n('，号码已恢复使用', '; the line is restored') : l10n('', '');
    const feeText = restored && t.account.type === 'prepaid' && fee > 0 ? l10n(`，已扣本月月费${money(fee)['zh-CN']}`, `, this month’s fee of ${money(fee).en} taken`) : l10n('', '');
    return {
      // Another subscriber's balance is theirs: the payer is told only that the money arrived.
      data: { amountFen: amount, msisdn: t.subscriber.msisdn, ...(t.self ? { balanceFen } : {}), restored },
      text: t.self
        ? {
            short: l10n(`充值${m['zh-CN']}成功${back['zh-CN']}，${b['zh-CN']}`, `Recharged ${m.en}${back.en}; ${b.en}`),
            long: l10n(`您已成功充值${m['zh-CN']}${feeText['zh-CN']}${back['zh-CN']}，${now['zh-CN']}。`, `You have recharged ${m.en}${feeText.en}${back.en}. ${now.en}.`),
          }
        : {
            short: l10n(`已为${who}充值${m['zh-CN']}`, `Recharged ${m.en} to ${who}`),
            long: l10n(`您已成功为${who}充值${m['zh-CN']}${back['zh-CN']}。`, `You have recharged ${m.en} to ${who}${back.en}.`),
          },
    };
  },
});
