// Catalogue rules that do not need the database: eligibility and channel availability.
import type { Subscriber } from '../../platform/db/database.ts';
import type { AccountView, OfferingView } from '../subscriber/bss.ts';
import { AppError } from '../../platform/errors.ts';

/** Channels an offering can be sold on; `api` covers the REST and TM Forum interfaces. */
export const SALES_CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'api', 'agent', 'mall'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];

/** Why a subscriber may not order an offering on a channel, or null when they may. */
export function ineligibility(
  offering: OfferingView,
  subscriber: Subscriber,
  account: AccountView,
  channel: string,
): 'OFFERING_NOT_FOUND' | 'NOT_AVAILABLE_ON_CHANNEL' | 'NOT_ELIGIBLE' | null {
  if (offering.lifecycleStatus !== 'Active') return 'OFFERING_NOT_FOUND';
  if (!offering.channels.includes(channel)) return 'NOT_AVAILABLE_ON_CHANNEL';
  const e = offering.eligibility;
  const statuses = e.statuses ?? ['active'];
  if (!statuses.includes(subscriber.status)) return 'NOT_ELIGIBLE';
  if (e.plans && !e.plans.includes(subscriber.planId)) return 'NOT_ELIGIBLE';
  if (e.accountTypes && !e.accountTypes.includes(account.type)) return 'NOT_ELIGIBLE';
  return null;
}

export function assertEligible(offering: OfferingView, subscriber: Subscriber, account: AccountView, channel: string): void {
  const why = ineligibility(offering, subscriber, account, channel);
  if (why) throw new AppError(why);
}
