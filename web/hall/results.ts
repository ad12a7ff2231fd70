// The result data of the registry's businesses, as the hall's pages read them. The server's
// OpenAPI document types a business result as `unknown` (each business returns its own shape),
// so these are the one part of the API the hall still describes by hand.
import type { L10n } from '../shared/types.ts';

export interface BalanceData {
  msisdn: string;
  accountType: 'prepaid' | 'postpaid';
  balanceFen: number;
  creditLimitFen: number;
  lineStatus?: 'active' | 'suspended';
  suspendedReason?: 'non_payment' | 'other' | null;
  /** What the account owes (0 when the balance is not negative). */
  owedFen?: number;
  /** Postpaid: credit limit + balance; prepaid: null. */
  creditLeftFen?: number | null;
  /** What a recharge must at least be to restore a line suspended for non-payment. */
  restoreFen?: number;
  planName?: L10n | null;
}

/** What the account owes: the server's figure, or the negative balance's size. */
export function owedOf(b: BalanceData): number {
  return b.owedFen ?? Math.max(0, -b.balanceFen);
}

export type PackGroup = 'data' | 'voice' | 'sms' | 'vas' | 'broadband';
export const PACK_GROUPS: readonly PackGroup[] = ['data', 'voice', 'sms', 'vas', 'broadband'];

export interface Pack {
  id: string;
  code: string;
  kind: string;
  nameZh: string;
  nameEn: string;
  descriptionZh?: string | null;
  descriptionEn?: string | null;
  priceFen: number;
  priceType: string;
  validityDays: number | null;
  dataMb: number | null;
  voiceMin: number | null;
  sms: number | null;
  group?: PackGroup;
  held?: boolean;
  orderable?: boolean;
  unavailableReason?: { code: string; messages: L10n } | null;
}

export interface PacksData {
  packs: Pack[];
  lineStatus?: 'active' | 'suspended';
}

/** A pack's tab: the server's group, or the one its kind falls in. */
export function groupOf(p: Pack): PackGroup {
  if (p.group) return p.group;
  if (p.kind === 'data_pack') return 'data';
  if (p.kind === 'voice_pack') return 'voice';
  if (p.kind === 'sms_pack') return 'sms';
  if (p.kind === 'broadband') return 'broadband';
  return 'vas';
}

export interface Allowance {
  dataMb: number;
  voiceMin: number;
  sms: number;
}

export interface UsageMonth {
  cycle: string;
  dataMb: number;
  voiceMin: number;
  sms: number;
}

export interface UsageData {
  cycle: string;
  used: Allowance;
  allowance: Allowance;
  left: Allowance;
  /** Six cycles up to this one, oldest first. */
  history?: UsageMonth[];
}

export interface BillSummary {
  month: string;
  totalFen: number;
  status: 'paid' | 'unpaid';
  issuedOn: string;
  dueOn: string;
}

export interface BillItem {
  kind: string;
  nameZh: string;
  nameEn: string;
  amountFen: number;
}

export interface BillData {
  bill: BillSummary & { items: BillItem[] };
  history: BillSummary[];
}

export interface SubscriptionItem {
  subscriptionId: number;
  offeringId: string;
  code: string;
  kind: string;
  nameZh: string;
  nameEn: string;
  priceFen: number;
  priceType?: string;
  startsAt: string;
  endsAt: string | null;
}

export interface PlanRef {
  id: string;
  nameZh: string;
  nameEn: string;
  priceFen?: number;
  from?: string | null;
}

export interface SubscriptionsData {
  plan: PlanRef | null;
  pendingPlan: PlanRef | null;
  subscriptions: SubscriptionItem[];
}

export interface Reward {
  id: string;
  nameZh: string;
  nameEn: string;
  costPoints: number;
  offeringId: string | null;
  creditFen: number;
  affordable: boolean;
}

export interface PointsData {
  points: number;
  rewards: Reward[];
}
