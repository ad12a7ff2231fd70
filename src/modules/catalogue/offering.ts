// An offering as subscribers' businesses see it (complete: a kind, a code and a price), and the
// rules that say whether one subscriber may order it on one channel at one moment.
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import type { Eligibility, LifecycleStatus, OfferingKind } from './tables.ts';

/** Channels an offering can be sold on; `api` covers the REST and TM Forum interfaces. */
export const SALES_CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'api', 'agent', 'mall'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];

export interface OfferingView {
  id: string;
  kind: OfferingKind;
  code: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  priceFen: number;
  priceType: 'recurring' | 'oneTime';
  dataMb: number;
  voiceMin: number;
  sms: number;
  validityDays: number | null;
  eligibility: Eligibility;
  channels: readonly string[];
  lifecycleStatus: LifecycleStatus;
  /** Who may order it while it is In test. */
  testMsisdns: readonly string[];
  launchAt: Date | null;
  retireAt: Date | null;
}

/** What ordering needs to know about the subscriber. */
export interface Orderer {
  msisdn: string;
  status: 'active' | 'suspended' | 'closed';
  planId: string;
}

/** Whether it is on sale at `at` at all, and to whom: everyone, test numbers only, or nobody. */
export function saleState(o: Pick<OfferingView, 'lifecycleStatus' | 'launchAt' | 'retireAt'>, at: Date): 'everyone' | 'test' | 'none' {
  if (o.retireAt && o.retireAt <= at) return 'none';
  if (o.lifecycleStatus === 'Launched') return 'everyone';
  if (o.lifecycleStatus === 'In test') return o.launchAt && o.launchAt <= at ? 'everyone' : 'test';
  return 'none';
}

/** Why an offering cannot be had: each a stable error code every channel says in its own words. */
export type Ineligibility = Extract<ErrorCode, 'OFFERING_NOT_FOUND' | 'NOT_AVAILABLE_ON_CHANNEL' | 'NOT_ELIGIBLE' | 'LINE_SUSPENDED'>;

/**
 * Why a subscriber may not have an offering on a channel now, or null when they may. The one rule
 * for every way of getting an offering: ordering a pack (pack.subscribe, and TMF622 orders, which
 * run it), changing plan (plan.change, also from TMF622) and redeeming points for it (points.redeem).
 */
export function ineligibility(
  o: OfferingView,
  subscriber: Orderer,
  account: { type: 'prepaid' | 'postpaid' },
  channel: string,
  at: Date,
): Ineligibility | null {
  const sale = saleState(o, at);
  // An offering in test is unknown to everyone but its testers.
  if (sale === 'none' || (sale === 'test' && !o.testMsisdns.includes(subscriber.msisdn))) return 'OFFERING_NOT_FOUND';
  if (!o.channels.includes(channel)) return 'NOT_AVAILABLE_ON_CHANNEL';
  const e = o.eligibility;
  const statuses = e.statuses ?? ['active'];
  if (!statuses.includes(subscriber.status)) return subscriber.status === 'suspended' ? 'LINE_SUSPENDED' : 'NOT_ELIGIBLE';
  if (e.plans && !e.plans.includes(subscriber.planId)) return 'NOT_ELIGIBLE';
  if (e.accountTypes && !e.accountTypes.includes(account.type)) return 'NOT_ELIGIBLE';
  return null;
}

export function assertEligible(o: OfferingView, subscriber: Orderer, account: { type: 'prepaid' | 'postpaid' }, channel: string, at: Date): void {
  const why = ineligibility(o, subscriber, account, channel, at);
  if (why) throw new AppError(why);
}
