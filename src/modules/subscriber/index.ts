// The subscriber module's public face: the BSS port and its built-in implementation, the caller
// directory (calling number → subscriber) and lookups that are not businesses.
export type { AccountView, Allowance, BillView, Bss, MoneyMovement, OrderTerms, RewardView, SubscriptionView, UsageView } from './bss.ts';
export { BuiltinBss, builtinBss, CoalescedReads, hotStatements, type BssShared } from './builtin-bss.ts';
export { CallerDirectory, CALLER_TTL_MS, type Caller } from './caller-directory.ts';
export { SubscriberService } from './subscriber.service.ts';
export type { CustomerFilter, CustomerRow } from './customer.repository.ts';
export { subscriberMigrations } from './migrations/index.ts';
export type { Account, AccountTable, Subscriber, SubscriberTable } from './tables.ts';
