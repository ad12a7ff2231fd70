// The result data of the registry's businesses, as the hall's pages read them. The server's
// OpenAPI document types a business result as `unknown` (each business returns its own shape),
// so these are the one part of the API the hall still describes by hand.
export interface BalanceData {
  msisdn: string;
  accountType: 'prepaid' | 'postpaid';
  balanceFen: number;
  creditLimitFen: number;
}

export interface Allowance {
  dataMb: number;
  voiceMin: number;
  sms: number;
}

export interface UsageData {
  cycle: string;
  used: Allowance;
  allowance: Allowance;
  left: Allowance;
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
