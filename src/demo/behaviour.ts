// How the demo's subscribers behave: the plans and packs they choose, the channels they use and
// how often, what they pay with, the businesses they call and how those calls fail.
import { Weighted } from './random.ts';

export const PLAN_MIX = new Weighted<string>([
  ['PLAN-4G-38', 16], ['PLAN-4G-58', 26], ['PLAN-4G-88', 20], ['PLAN-4G-128', 12], ['PLAN-4G-188', 5],
  ['PLAN-5G-128', 13], ['PLAN-BH-8', 5], ['PLAN-4G-18', 3],
]);

/** How often each pack is held, relative to the others. */
export const PACK_POPULARITY: Record<string, number> = {
  'VAS-CRBT': 14, 'PK-DATA-10G': 12, 'VAS-CALLREM': 10, 'BB-FUSION-100M': 8, 'PK-DATA-NIGHT': 6,
  'PK-VOICE-100': 6, 'PK-DATA-1G': 6, 'PK-DATA-LOYAL-20G': 5, 'PK-DATA-3G': 4, 'BB-FUSION-300M': 4,
  'PK-VOICE-300': 3, 'VAS-139MAIL': 3, 'PK-DATA-DAY-1G': 3, 'PK-DATA-APP-5G': 3, 'PK-VOICE-200-PRE': 3,
  'PK-SMS-100': 2, 'PK-DATA-500M': 2,
};

export const INTERACTION_CHANNELS = ['web', 'mobile', 'sms', 'ussd', 'ivr', 'kiosk', 'agent'] as const;
export const CHANNEL_WEIGHT: Record<string, number> = { sms: 26, ussd: 18, ivr: 18, mobile: 18, web: 9, kiosk: 4, agent: 7 };
export const CHANNELS = new Weighted<string>(INTERACTION_CHANNELS.map((c) => [c, CHANNEL_WEIGHT[c]!] as const));
/** Where recharges and bill payments come from; `api` is third-party payment apps. */
export const PAY_CHANNELS = new Weighted<string>([
  ['api', 30], ['mobile', 22], ['agent', 10], ['ivr', 9], ['sms', 8], ['kiosk', 8], ['web', 7], ['ussd', 6],
]);
export const BACKGROUND = new Weighted<string>([
  ['balance.query', 30], ['usage.query', 20], ['bill.query', 12], ['packs.list', 10], ['points.query', 8],
  ['subscriptions.query', 7], ['failed', 6],
]);
export const FAILED_TRANSACTION = new Weighted<string>([
  ['pack.subscribe', 45], ['recharge', 20], ['points.redeem', 15], ['plan.change', 12], ['pack.unsubscribe', 8],
]);
export const FAILURES: Record<string, Weighted<string>> = {
  'pack.subscribe': new Weighted([['INSUFFICIENT_BALANCE', 40], ['ALREADY_SUBSCRIBED', 25], ['NOT_ELIGIBLE', 20], ['NOT_AVAILABLE_ON_CHANNEL', 10], ['OFFERING_NOT_FOUND', 5]]),
  recharge: new Weighted([['INVALID_INPUT', 60], ['UNAVAILABLE', 40]]),
  'points.redeem': new Weighted([['INSUFFICIENT_POINTS', 80], ['REWARD_NOT_FOUND', 20]]),
  'plan.change': new Weighted([['SAME_PLAN', 50], ['NOT_ELIGIBLE', 50]]),
  'pack.unsubscribe': new Weighted([['NOT_SUBSCRIBED', 100]]),
};
export const QUERY_FAILURES = new Weighted([['INTERNAL', 60], ['UNAVAILABLE', 40]]);
/** Background business calls per month: most people a few, some many. */
export const ACTIVITY = new Weighted<number>([[1, 30], [2.5, 35], [4, 25], [8, 10]]);

export const RECHARGE_AMOUNTS = new Weighted<number>([[3000, 15], [5000, 30], [10000, 35], [20000, 12], [30000, 5], [50000, 3]]);
export const STANDARD_AMOUNTS = [1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000];
