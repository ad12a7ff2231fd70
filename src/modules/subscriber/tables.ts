// The built-in BSS's tables: subscribers, accounts and their money ledger, what each subscriber
// has (subscriptions), usage, bills and points.
import type { Generated, Selectable } from 'kysely';
import type { DateOnly, Timestamp } from '../../platform/db/database.ts';

export interface SubscriberTable {
  id: Generated<number>;
  msisdn: string;
  name: string;
  realNameVerified: boolean;
  status: 'active' | 'suspended' | 'closed';
  city: string;
  planId: string;
  pendingPlanId: string | null;
  pendingPlanFrom: DateOnly | null;
  joinedOn: DateOnly;
  language: 'zh-CN' | 'en';
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface AccountTable {
  id: Generated<number>;
  subscriberId: number;
  type: 'prepaid' | 'postpaid';
  balanceFen: number;
  creditLimitFen: number;
  updatedAt: Timestamp;
}

/** Append-only money ledger: every recharge, payment and charge. Balance = sum(amount). */
export interface LedgerEntryTable {
  id: Generated<number>;
  accountId: number;
  kind: 'opening' | 'recharge' | 'payment' | 'charge' | 'refund';
  amountFen: number;
  balanceAfterFen: number;
  channel: string;
  reference: string | null;
  noteZh: string;
  noteEn: string;
  createdAt: Timestamp;
}

/** What each subscriber has (product inventory). */
export interface SubscriptionTable {
  id: Generated<number>;
  subscriberId: number;
  offeringId: string;
  status: 'active' | 'cancelled' | 'expired';
  startsAt: Timestamp;
  endsAt: Timestamp | null;
  cancelledAt: Timestamp | null;
  createdAt: Timestamp;
}

export interface UsageCounterTable {
  subscriberId: number;
  cycle: string;
  dataMbUsed: number;
  voiceMinUsed: number;
  smsUsed: number;
  updatedAt: Timestamp;
}

export interface BillTable {
  id: Generated<number>;
  subscriberId: number;
  month: string;
  totalFen: number;
  status: 'unpaid' | 'paid';
  issuedOn: DateOnly;
  dueOn: DateOnly;
}

export interface BillItemTable {
  id: Generated<number>;
  billId: number;
  kind: 'plan' | 'pack' | 'usage' | 'vas' | 'discount';
  nameZh: string;
  nameEn: string;
  amountFen: number;
}

export interface PointsEntryTable {
  id: Generated<number>;
  subscriberId: number;
  delta: number;
  reason: 'earned' | 'redeemed' | 'expired' | 'bonus' | 'refunded';
  reference: string | null;
  noteZh: string;
  noteEn: string;
  createdAt: Timestamp;
}

export interface RewardTable {
  id: string;
  nameZh: string;
  nameEn: string;
  costPoints: number;
  /** What the reward gives: an offering (e.g. a data pack) or account credit in fen. */
  offeringId: string | null;
  creditFen: number;
  active: boolean;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    subscriber: SubscriberTable;
    account: AccountTable;
    ledgerEntry: LedgerEntryTable;
    subscription: SubscriptionTable;
    usageCounter: UsageCounterTable;
    bill: BillTable;
    billItem: BillItemTable;
    pointsEntry: PointsEntryTable;
    reward: RewardTable;
  }
}

export type Subscriber = Selectable<SubscriberTable>;
export type Account = Selectable<AccountTable>;
