// The line as the subscriber should be told it: active or suspended (停机) and why, what the
// account owes (欠费), the credit left on a postpaid account, and what a recharge must at least be
// to restore a line suspended for non-payment. Every business that reads or refuses says the same.
import { ineligibility, type Ineligibility, type OfferingView } from '../modules/catalogue/index.ts';
import type { AccountView, Subscriber } from '../modules/subscriber/index.ts';
import { AppError } from '../platform/errors.ts';
import { l10n, money, type L10n } from '../platform/i18n.ts';
import { maskMsisdn } from '../platform/msisdn.ts';
import { RECHARGE_MIN_FEN } from './limits.ts';
import type { BusinessContext } from './registry.ts';

export interface LineState {
  lineStatus: 'active' | 'suspended';
  suspendedReason: 'non_payment' | 'other' | null;
  /** What the account owes, fen (0 when the balance is not negative). */
  owedFen: number;
  /** Postpaid: what can still be spent (credit limit + balance, at least 0); prepaid: null. */
  creditLeftFen: number | null;
  /** What a recharge must at least be to restore a line suspended for non-payment; 0 otherwise. */
  restoreFen: number;
}

/** Whole yuan, at least the smallest recharge. */
function rechargeFor(fen: number): number {
  return Math.max(RECHARGE_MIN_FEN, Math.ceil(fen / 100) * 100);
}

/**
 * The line's state. A prepaid line is suspended for non-payment when its balance cannot pay the
 * plan's monthly fee (the fee is taken when it is restored); a postpaid line when it owes money
 * (it is restored when what it owes is paid).
 */
export function lineState(subscriber: Pick<Subscriber, 'status'>, account: AccountView, planFeeFen: number): LineState {
  const owedFen = Math.max(0, -account.balanceFen);
  const creditLeftFen = account.type === 'postpaid' ? Math.max(0, account.creditLimitFen + account.balanceFen) : null;
  if (subscriber.status !== 'suspended') return { lineStatus: 'active', suspendedReason: null, owedFen, creditLeftFen, restoreFen: 0 };
  const short = account.type === 'prepaid' ? planFeeFen - account.balanceFen : owedFen;
  if (short > 0) return { lineStatus: 'suspended', suspendedReason: 'non_payment', owedFen, creditLeftFen, restoreFen: rechargeFor(short) };
  return { lineStatus: 'suspended', suspendedReason: 'other', owedFen, creditLeftFen, restoreFen: 0 };
}

/** The line's state for the subscriber of a business call. */
export async function lineStateOf(ctx: Pick<BusinessContext, 'bss' | 'subscriber' | 'account'>): Promise<LineState> {
  const plan = await ctx.bss.offering(ctx.subscriber.planId);
  return lineState(ctx.subscriber, ctx.account, plan?.priceFen ?? 0);
}

/** `您的号码已停机（欠费），充值38.00元即可恢复` / …, or null for an active line. */
export function suspensionText(s: LineState, msisdn?: string): L10n | null {
  if (s.lineStatus === 'active') return null;
  const who = msisdn ? l10n(`您的号码${maskMsisdn(msisdn)}`, `Your line ${maskMsisdn(msisdn)}`) : l10n('您的号码', 'Your line');
  if (s.suspendedReason === 'non_payment') {
    const r = money(s.restoreFen);
    return l10n(
      `${who['zh-CN']}因欠费已停机，充值${r['zh-CN']}或以上即可恢复`,
      `${who.en} is suspended for non-payment; recharge ${r.en} or more to restore it`,
    );
  }
  return l10n(`${who['zh-CN']}已停机，请联系客服10086`, `${who.en} is suspended; please call customer service on 10086`);
}

/**
 * The balance as a subscriber should read it: `余额58.00元`, `已欠费110.50元` (never a minus
 * sign), with a postpaid account's credit left: `已欠费110.50元，剩余信用额度189.50元`.
 */
export function balanceText(account: Pick<AccountView, 'type' | 'balanceFen' | 'creditLimitFen'>): L10n {
  const b = account.balanceFen;
  const main = b < 0 ? l10n(`已欠费${money(-b)['zh-CN']}`, `you owe ${money(-b).en}`) : l10n(`余额${money(b)['zh-CN']}`, `balance ${money(b).en}`);
  if (account.type !== 'postpaid') return main;
  const left = money(Math.max(0, account.creditLimitFen + b));
  return l10n(`${main['zh-CN']}，剩余信用额度${left['zh-CN']}`, `${main.en}, ${left.en} credit left`);
}

/** The balance as a sentence: `当前余额58.00元` / `Your balance is ¥58.00`, `当前已欠费110.50元，剩余信用额度189.50元` / `You owe ¥110.50, ¥189.50 credit left`. */
export function balanceSentence(account: Pick<AccountView, 'type' | 'balanceFen' | 'creditLimitFen'>): L10n {
  const b = balanceText(account);
  return l10n(`当前${b['zh-CN']}`, account.balanceFen < 0 ? `Y${b.en.slice(1)}` : `Your ${b.en.replace(/^balance/, 'balance is')}`);
}

/** The refusal for a reason an offering cannot be had, in the subscriber's terms. */
export function refusal(why: Ineligibility, line: LineState): AppError {
  if (why === 'LINE_SUSPENDED') {
    const text = suspensionText(line)!;
    return new AppError('LINE_SUSPENDED', {
      detail: l10n(`${text['zh-CN']}，恢复后再办理`, `${text.en}, then try again`),
      extra: { suspendedReason: line.suspendedReason, restoreFen: line.restoreFen },
    });
  }
  return new AppError(why);
}

/** The one eligibility rule every way of getting an offering goes through (order, redeem, plan change, TMF622). */
export async function assertObtainable(ctx: BusinessContext, o: OfferingView, channel: string): Promise<void> {
  const why = ineligibility(o, ctx.subscriber, ctx.account, channel, ctx.now);
  if (why) throw refusal(why, await lineStateOf(ctx));
}
