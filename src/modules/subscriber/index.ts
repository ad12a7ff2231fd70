// The subscriber module's public face: the BSS port and its built-in implementation, the caller
// directory (calling number → subscriber) and lookups that are not businesses.
export type { AccountView, Allowance, BillView, Bss, MoneyMovement, OrderTerms, RewardView, SubscriptionView, UsageView } from './bss.ts';
export { BuiltinBss, builtinBss, CoalescedReads, DEFAULT_BALANCE_LOW_FEN, hotStatements, type BssShared } from './builtin-bss.ts';
export { CallerDirectory, CALLER_TTL_MS, type Caller } from './caller-directory.ts';
export { SubscriberService } from './subscriber.service.ts';
export type { CustomerFilter, CustomerRow } from './customer.repository.ts';
export { subscriberMigrations } from './migrations/index.ts';
/** The demo operator's rewards and each subscriber's story: holdings, usage, bills, points, ledger, account. */
export {
  REWARDS as DEMO_REWARDS, seedDemoRewards, subscriberDemoRows, subscriberStory, BILL_SLOTS,
  type DemoReward, type DemoSubscriber, type SubscriberDemoRows, type SubscriberStoryContext,
} from './demo.ts';
export type { Account, AccountTable, Subscriber, SubscriberTable } from './tables.ts';
/** Each subscriber's facts in bulk, for the marketing module's customer features. */
export { subscriberFacts, subscriberIdsAfter, subscribersChangedSince, type SubscriberFacts } from './features.source.ts';
/** Usage as it is recorded, and the usage.threshold event when 90% of an allowance is crossed. */
export { UsageRecorder, USAGE_THRESHOLD } from './usage-recorder.ts';
/** Bills as the billing system issues them, each told as bill.issued through the event outbox. */
export { BillingFeed, MAX_BILL_ITEMS, type BillLine } from './billing-feed.ts';
