// Row types of every table, as Kysely sees them. Each module owns its own tables (see the
// comment above each group); no module queries another module's tables.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `date` column: read as `YYYY-MM-DD`. */
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

// ---- core: subscribers and accounts -------------------------------------------------------
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

// ---- core: catalogue ------------------------------------------------------------------------
export type OfferingKind = 'plan' | 'data_pack' | 'voice_pack' | 'sms_pack' | 'vas' | 'broadband';
export type LifecycleStatus = 'In design' | 'In test' | 'Active' | 'Retired';

export interface Eligibility {
  /** Plans whose subscribers may order it; absent = any plan. */
  plans?: string[];
  accountTypes?: ('prepaid' | 'postpaid')[];
  /** Subscriber statuses allowed; absent = active only. */
  statuses?: ('active' | 'suspended' | 'closed')[];
}

export interface OfferingPriceTable {
  id: string;
  nameZh: string;
  nameEn: string;
  priceType: 'recurring' | 'oneTime';
  recurringPeriod: 'month' | null;
  amountFen: number;
  lifecycleStatus: LifecycleStatus;
  lastUpdate: Timestamp;
}

export interface OfferingTable {
  id: string;
  kind: OfferingKind;
  /** Short code subscribers type on SMS and USSD, e.g. `LL10`. */
  code: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  priceId: string;
  dataMb: number;
  voiceMin: number;
  sms: number;
  /** Days a pack lasts; null = recurs monthly until cancelled. */
  validityDays: number | null;
  eligibility: Json<Eligibility>;
  channels: ColumnType<string[], string[], string[]>;
  lifecycleStatus: LifecycleStatus;
  version: string;
  createdAt: Timestamp;
  lastUpdate: Timestamp;
}

// ---- core: inventory (what each subscriber has) ---------------------------------------------
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

// ---- core: usage and billing ----------------------------------------------------------------
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

// ---- core: points ---------------------------------------------------------------------------
export interface PointsEntryTable {
  id: Generated<number>;
  subscriberId: number;
  delta: number;
  reason: 'earned' | 'redeemed' | 'expired' | 'bonus';
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

// ---- registry: interactions and idempotency -------------------------------------------------
export interface InteractionTable {
  id: Generated<number>;
  at: Timestamp;
  channel: string;
  subscriberId: number | null;
  businessId: string;
  outcome: 'ok' | 'error' | 'confirmation_required';
  errorCode: string | null;
  latencyMs: number;
}

export interface IdempotencyRecordTable {
  principal: string;
  key: string;
  businessId: string;
  requestHash: string;
  response: Json<unknown>;
  createdAt: Timestamp;
}

// ---- identity -------------------------------------------------------------------------------
export interface OtpChallengeTable {
  id: Generated<number>;
  msisdn: string;
  codeHash: string;
  attempts: number;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  consumedAt: Timestamp | null;
}

export interface SmsOutboxTable {
  id: Generated<number>;
  msisdn: string;
  text: string;
  purpose: string;
  status: 'queued' | 'sent' | 'failed';
  createdAt: Timestamp;
}

export interface StaffUserTable {
  id: Generated<number>;
  username: string;
  displayName: string;
  passwordHash: string;
  roles: ColumnType<string[], string[], string[]>;
  active: boolean;
  createdAt: Timestamp;
}

export interface SettingTable {
  key: string;
  value: string;
}

// ---- ordering (TMF622) ----------------------------------------------------------------------
export interface ProductOrderItemRow {
  id: string;
  action: 'add' | 'delete';
  offeringId: string;
  state: 'completed' | 'failed';
  errorCode?: string;
  /** The prices the item's itemPrice agreed to (`oneTime=1000;recurring=0`, fen), when it carried one. */
  agreedPrice?: string;
}

export interface ProductOrderTable {
  id: string;
  subscriberId: number;
  state: 'acknowledged' | 'inProgress' | 'completed' | 'failed' | 'partial';
  channel: string;
  externalId: string | null;
  description: string | null;
  items: Json<ProductOrderItemRow[]>;
  orderDate: Timestamp;
  completionDate: Timestamp | null;
  lastUpdate: Timestamp;
}

export interface Database {
  subscriber: SubscriberTable;
  account: AccountTable;
  ledgerEntry: LedgerEntryTable;
  offeringPrice: OfferingPriceTable;
  offering: OfferingTable;
  subscription: SubscriptionTable;
  usageCounter: UsageCounterTable;
  bill: BillTable;
  billItem: BillItemTable;
  pointsEntry: PointsEntryTable;
  reward: RewardTable;
  interaction: InteractionTable;
  idempotencyRecord: IdempotencyRecordTable;
  otpChallenge: OtpChallengeTable;
  smsOutbox: SmsOutboxTable;
  staffUser: StaffUserTable;
  setting: SettingTable;
  productOrder: ProductOrderTable;
}

export type Subscriber = Selectable<SubscriberTable>;
export type Account = Selectable<AccountTable>;
export type Offering = Selectable<OfferingTable>;
export type OfferingPrice = Selectable<OfferingPriceTable>;
export type NewOffering = Insertable<OfferingTable>;
