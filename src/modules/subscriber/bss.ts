// The port to the operator's customer and billing system (BSS). The built-in one keeps these
// facts in omnihall's own tables; an operator with a real BSS implements this interface.
import type { OfferingKind, OfferingView } from '../catalogue/index.ts';
import type { Subscriber } from './tables.ts';

export interface AccountView {
  subscriberId: number;
  type: 'prepaid' | 'postpaid';
  balanceFen: number;
  creditLimitFen: number;
}

export interface SubscriptionView {
  id: number;
  offering: OfferingView;
  startsAt: Date;
  endsAt: Date | null;
}

export interface Allowance {
  dataMb: number;
  voiceMin: number;
  sms: number;
}

export interface UsageView {
  cycle: string;
  used: Allowance;
  allowance: Allowance;
}

export interface BillView {
  month: string;
  totalFen: number;
  status: 'unpaid' | 'paid';
  issuedOn: string;
  dueOn: string;
  items: { kind: string; nameZh: string; nameEn: string; amountFen: number }[];
}

export interface RewardView {
  id: string;
  nameZh: string;
  nameEn: string;
  costPoints: number;
  offeringId: string | null;
  creditFen: number;
}

export interface MoneyMovement {
  channel: string;
  reference: string | null;
  noteZh: string;
  noteEn: string;
  at: Date;
}

/** What ordering an offering takes: its price from the account, and the points it earns. */
export interface OrderTerms extends MoneyMovement {
  priceFen: number;
  pointsEarned: number;
}

/** The BSS as one business handler sees it: bound to the handler's transaction. */
export interface Bss {
  subscriber(id: number): Promise<Subscriber | undefined>;
  subscriberByMsisdn(msisdn: string): Promise<Subscriber | undefined>;
  account(subscriberId: number): Promise<AccountView>;
  /** The subscriber and their account in one read: what every business call starts from. */
  customer(subscriberId: number): Promise<{ subscriber: Subscriber; account: AccountView } | undefined>;
  /** Takes money from the account; throws INSUFFICIENT_BALANCE when balance plus credit is short. */
  charge(subscriberId: number, amountFen: number, m: MoneyMovement): Promise<{ balanceFen: number }>;
  recharge(subscriberId: number, amountFen: number, m: MoneyMovement): Promise<{ balanceFen: number }>;
  offering(id: string): Promise<OfferingView | undefined>;
  /** Launched offerings of the given kinds; eligibility is checked by the caller with `isEligible`. */
  offerings(kinds: OfferingKind[]): Promise<OfferingView[]>;
  subscriptions(subscriberId: number, at: Date): Promise<SubscriptionView[]>;
  /** Throws ALREADY_SUBSCRIBED when an active subscription to the offering exists. */
  subscribe(subscriberId: number, offering: OfferingView, at: Date): Promise<SubscriptionView>;
  /**
   * Subscribes, takes the price with its ledger entry and credits the points earned, as one
   * change (one round trip in the built-in BSS). Throws ALREADY_SUBSCRIBED, INSUFFICIENT_BALANCE
   * or NOT_A_SUBSCRIBER; it runs in the handler's transaction, which a throw rolls back whole.
   */
  order(subscriberId: number, offering: OfferingView, terms: OrderTerms): Promise<{ subscription: SubscriptionView; balanceFen: number }>;
  /** Throws NOT_SUBSCRIBED when there is no active subscription to cancel. */
  unsubscribe(subscriberId: number, offeringId: string, at: Date): Promise<void>;
  schedulePlanChange(subscriberId: number, planId: string, from: string): Promise<void>;
  /** Moves the line from one status to another (a suspended line restored); false when it was not in `from`. */
  setLineStatus(subscriberId: number, from: 'active' | 'suspended', to: 'active' | 'suspended', at: Date): Promise<boolean>;
  usage(subscriberId: number, cycle: string, at: Date): Promise<UsageView>;
  /** What was used in each of these cycles (`YYYY-MM`), in their order; a cycle with no record used nothing. */
  usageHistory(subscriberId: number, cycles: readonly string[]): Promise<(Allowance & { cycle: string })[]>;
  bill(subscriberId: number, month: string): Promise<BillView | undefined>;
  bills(subscriberId: number, limit: number): Promise<Omit<BillView, 'items'>[]>;
  pointsBalance(subscriberId: number): Promise<number>;
  /** Adds (or, with a negative delta, spends) points; a spend returns the points left, an addition null. `refunded`: a payment's points given back. */
  addPoints(subscriberId: number, delta: number, reason: 'earned' | 'redeemed' | 'bonus' | 'refunded', ref: string | null, noteZh: string, noteEn: string, at: Date): Promise<number | null>;
  rewards(): Promise<RewardView[]>;
  reward(id: string): Promise<RewardView | undefined>;
}

export type { OfferingView, Subscriber };
