// The shapes the REST API answers with, as the web app reads them.
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A text in both languages. */
export interface L10n {
  'zh-CN': string;
  en: string;
}

/** Where a form gets the choices for an input: run `business`, take `result[list][*][value]`. */
export interface OptionsSource {
  business: string;
  list: string;
  value: string;
}

/** The part of JSON Schema (draft 2020-12) that business inputs use. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  default?: unknown;
  'x-options'?: OptionsSource;
}

export interface BusinessInfo {
  id: string;
  kind: 'query' | 'transaction';
  names: L10n;
  descriptions: L10n;
  confirm: boolean;
  input: JsonSchema;
}

export interface BusinessText {
  short: L10n;
  long: L10n;
}

export interface RunResult<T = unknown> {
  status: 'ok';
  businessId: string;
  result: T;
  text: BusinessText;
  message: string;
  replayed: boolean;
}

/** What a charging business will do, shown before the subscriber confirms. */
export interface Quote {
  businessId: string;
  summary: L10n;
  priceFen: number;
  /** A monthly fee it commits to (plan changes). */
  recurringFen?: number;
  /** Points it spends (rewards). */
  costPoints?: number;
  effectiveFrom?: string;
  /** Every amount agreed to; sent back with the confirmation, so changed terms are refused. */
  terms: string;
}

// ---- result data of the registry's businesses ------------------------------------------------
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
